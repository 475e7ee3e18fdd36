/**
 * @module The provider adapters, seen from outside: {@link adapterFor} gives the adapter that speaks a wire format
 * (`openai`, `anthropic`, `gemini`), which turns a canonical request into the upstream's and its answer, stream and
 * errors back (the contract is `ProviderAdapter` in `types.ts`). Also what the gateway needs to read an upstream's
 * bytes the way the adapters do: one header's value, JSON that may not parse, and the error for a malformed answer;
 * and Anthropic's error types and the one for a status, which the Messages door and the simulator answer with too.
 * Adapters' internals (`openai/`, `anthropic/`, `gemini/`, `shared/`) are not imported from outside.
 */
export { type AnthropicErrorType, anthropicErrorType } from './anthropic/index.js';
export { adapterFor } from './registry.js';
export { headerValue, malformedUpstream, parseJsonSafe } from './shared/upstream-error.js';
export type {
  EmbeddingsAdapter,
  NativeEvent,
  ProviderAdapter,
  SseEvent,
  StreamStep,
  StreamTranslator,
  ToUpstreamResult,
  TokenCountAdapter,
  TranslateContext,
  UpstreamHeaders,
  UpstreamRequest,
  UpstreamTarget,
  WireFormat,
} from './types.js';
