/**
 * @module The gateway core, seen from outside: the {@link Gateway} runs a request's attempt loop over the routed
 * candidates (translate with the adapter, call the upstream through the {@link UpstreamClient}, translate back; fail
 * over while nothing reached the client) for chat, embeddings and token counts; the {@link ImageFetcher} and image
 * bounds inline the remote images an upstream cannot fetch itself; a {@link Cancellation} ends a request's upstream
 * work when its client goes away.
 */
export { Cancellation } from './cancellation.js';
export { countingCandidates } from './count-tokens.js';
export { embeddingCallsFor } from './embed.js';
export { Gateway, UnrelayedAnswer, upstreamCallsFor, type AttemptInfo, type GatewayDeps, type StreamResult } from './gateway.js';
export { assertImageUrlBound, type ImageBounds } from './image-bounds.js';
export { ImageFetcher } from './image-fetch.js';
export { UpstreamClient } from './upstream-client.js';
