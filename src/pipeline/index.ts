/**
 * @module The protocol-neutral request pipeline and the front-door contract (see `pipeline.ts`, `front-door.ts`).
 */
export type { ChatFrontDoor, ChatStreamEncoder, OutboundEvent, UsageEndpoint } from './front-door.js';
export { Pipeline, type PipelineDeps, type ProviderKeyLookup } from './pipeline.js';
export { RequestLifecycle, type LifecycleDeps, type PipelineMetrics, type RequestFacts } from './request-lifecycle.js';
