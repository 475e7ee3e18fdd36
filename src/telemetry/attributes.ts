/**
 * @module The names spans carry: the OpenTelemetry GenAI semantic conventions (copied here, as the conventions
 * package advises for its still-experimental names, so a package update cannot rename them under us), the stable
 * general ones, and ours under `originalpoint.*`. What each span carries is listed in the README (Tracing).
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
import type { UsageEndpoint } from '../store/index.js';

export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read_input_tokens';
export const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation_input_tokens';
/** Opt-in content (`telemetry.captureContent`), JSON strings in the conventions' message schemas. */
export const GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';

export const ERROR_TYPE = 'error.type';
export const SERVER_ADDRESS = 'server.address';
export const SERVER_PORT = 'server.port';
export const HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/** The door the request came through (`chat.completions`, `responses`, `messages`, `embeddings`). */
export const OP_ENDPOINT = 'originalpoint.endpoint';
/** `cost`, `latency`, `reliability`, or `explicit` for a named model (the `x-op-routing` header). */
export const OP_ROUTING_MODE = 'originalpoint.routing.mode';
/** Deployments tried, the answering one included (the `x-op-attempts` header); 0 for a response-cache hit. */
export const OP_ATTEMPTS = 'originalpoint.attempts';
/** What the request cost the tenant, in USD (the ledger's figure, `usage.cost_usd`). */
export const OP_COST_USD = 'originalpoint.cost_usd';
/** The gateway's id of the answering provider (the `x-op-provider` header), where `gen_ai.provider.name` is the conventions' name. */
export const OP_PROVIDER = 'originalpoint.provider';
/** The tenant: ids only, never a key's secret. */
export const OP_ACCOUNT_ID = 'originalpoint.account_id';
export const OP_KEY_ID = 'originalpoint.key_id';
/** The request was answered from the response cache (no upstream call). */
export const OP_CACHE_HIT = 'originalpoint.cache_hit';
/** The request ran on the account's own provider key (BYOK). */
export const OP_BYOK = 'originalpoint.byok';
/** The gateway's request id (the `x-request-id` header), to find the ledger row and the log lines. */
export const OP_REQUEST_ID = 'originalpoint.request_id';

/**
 * `gen_ai.operation.name` by door: Chat Completions, Responses and Messages are all chat; Anthropic's token count has
 * no well-known name and is called as its API calls it.
 */
export function operationOf(endpoint: UsageEndpoint): string {
  return endpoint === 'embeddings' ? 'embeddings' : 'chat';
}

/** The operation of `/v1/messages/count_tokens`. */
export const COUNT_TOKENS_OPERATION = 'count_tokens';

/**
 * The conventions' well-known `gen_ai.provider.name` for the provider ids of the default catalog
 * (`config/default.yaml`) where the two differ; any other id (`openai`, `anthropic`, `groq`, `deepseek`, one an
 * operator added) is its own name. Data, not behaviour: nothing else depends on which provider this is.
 */
const WELL_KNOWN_PROVIDER_NAMES: ReadonlyMap<string, string> = new Map([
  ['google', 'gcp.gemini'],
  ['mistral', 'mistral_ai'],
  ['xai', 'x_ai'],
]);

/** `gen_ai.provider.name` for a provider id of the config. */
export function providerNameOf(providerId: string): string {
  return WELL_KNOWN_PROVIDER_NAMES.get(providerId) ?? providerId;
}
