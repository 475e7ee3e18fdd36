/**
 * @module The gateway's validated configuration: providers, the model catalog, plans, server and timeouts.
 */
import type { WireFormat } from '../providers/index.js';

export interface ProviderConfig {
  id: string;
  format: WireFormat;
  /** As the provider's official SDK takes it (OpenAI-format ones include `/v1`), without a trailing slash. */
  baseUrl: string;
  /** Absent means the provider is unavailable (or simulated under `--simulate`). */
  apiKey?: string | undefined;
  /** A regular expression every key of this provider matches; checks BYOK keys added in the dashboard. */
  keyPattern?: string | undefined;
}

export interface Deployment {
  provider: string;
  /** The provider's own model name. */
  model: string;
}

export interface ModelPricing {
  /** USD per million input tokens. */
  input_per_million: number;
  /** USD per million output tokens. */
  output_per_million: number;
  /** USD per million cached input tokens, where the provider discounts cache reads. */
  cached_input_per_million?: number | undefined;
  /** USD per million input tokens written to the provider's prompt cache (Anthropic's five-minute writes). */
  cache_write_per_million?: number | undefined;
  /** USD per million input tokens written to the prompt cache for one hour (Anthropic's `ttl: "1h"`). */
  cache_write_1h_per_million?: number | undefined;
}

/** What a model does: answer chat completions, or turn text into vectors (`/v1/embeddings`). */
export type ModelKind = 'chat' | 'embedding';

/** What every catalog model has, whatever its kind. */
interface ModelBase {
  id: string;
  owned_by: string;
  /** Unix seconds the model was published, reported as `created` by /v1/models. */
  created: number;
  /** Tokens the model reads: for an embedding model, its `max_input_tokens` (per input). */
  context_length: number;
  /** Tokens the model may write: 0 for an embedding model. */
  max_output_tokens: number;
  /** An embedding model's output price is 0. */
  pricing: ModelPricing;
  /** An embedding model has neither. */
  capabilities: { vision: boolean; tools: boolean };
  deployments: Deployment[];
}

/** A chat model. `kind` is absent in catalogs built in code before embeddings existed; the loader always sets it. */
export interface ChatModelConfig extends ModelBase {
  kind?: 'chat';
}

/** The `dimensions` values an embedding model accepts, both ends included. */
export interface DimensionRange {
  min: number;
  max: number;
}

/** An embedding model, served at `/v1/embeddings` only. */
export interface EmbeddingModelConfig extends ModelBase {
  kind: 'embedding';
  /** Length of the vectors when the request sets no `dimensions`. */
  dimensions: number;
  /** The `dimensions` the model accepts; absent: it takes no `dimensions` parameter (a fixed size). */
  dimension_range?: DimensionRange | undefined;
  /** Tokens one input may have. */
  max_input_tokens: number;
  /** Token-id input is accepted in this encoding (OpenAI's `text-embedding-3-*`: cl100k_base); absent: text only. */
  token_ids?: 'cl100k_base' | undefined;
  /**
   * OpenAI-format upstreams only: ask for `encoding_format: "base64"` (float32, a third of the JSON size). False
   * for upstreams that refuse the field or encode otherwise; the answer then comes as JSON numbers.
   */
  upstream_base64: boolean;
  /** OpenAI-format upstreams only: forward the client's `user`. False for upstreams whose schema forbids it. */
  upstream_user: boolean;
}

/** A catalog model; narrow on `kind === 'embedding'` for the embedding fields. */
export type ModelConfig = ChatModelConfig | EmbeddingModelConfig;

export interface PlanConfig {
  rpm: number;
  tpm: number;
  concurrent: number;
  included_tokens: number;
}

export interface TimeoutConfig {
  /** TCP/TLS connect to an upstream. */
  connectMs: number;
  /** From sending the request to the upstream's response headers. */
  firstByteMs: number;
  /** Longest silence between two body chunks once the upstream has answered. */
  idleMs: number;
}

/** What one request may make the gateway do; see the README's Security section. */
export interface RequestBounds {
  /** Deepest nesting of objects and arrays in a request body; deeper is a 400 at parse time. */
  maxJsonDepth: number;
  /** Longest text the tokenizer counts exactly; longer text is counted from a prefix of this length and scaled. */
  tokenizerMaxChars: number;
  /** Remote (http/https) image URLs one request may carry; more is a 400 before any download. */
  imageUrlsPerRequest: number;
  /** Bytes of remote images one request may download in all; more is a 400. */
  imageBytesPerRequest: number;
  /** Image downloads one request runs at once. */
  imageFetchConcurrency: number;
  /** Ledger rows refused requests (4xx) may write per key and minute; the rest are counted in `/metrics` only. */
  refusedRowsPerKeyPerMinute: number;
  /** Input tokens one `/v1/embeddings` request may carry in all (OpenAI's own cap is 300,000); more is a 400. */
  embeddingMaxTokens: number;
  /** Inputs × dimensions one `/v1/embeddings` request may ask for (the size of its answer); more is a 400. */
  embeddingMaxValues: number;
}

export interface GatewayConfig {
  host: string;
  port: number;
  dataDir: string;
  providers: Record<string, ProviderConfig>;
  models: ModelConfig[];
  /** Other names a request may give for a catalog model (`modelAliases`): name → catalog id. */
  modelAliases: Record<string, string>;
  plans: Record<string, PlanConfig>;
  timeouts: TimeoutConfig;
  requests: RequestBounds;
  /** `OP_MASTER_KEY`: the key sealing BYOK provider keys (32 bytes, base64 or hex); unset: `<dataDir>/master.key`. */
  masterKey?: string | undefined;
  /** `OP_DATABASE_URL` (`postgres://…`): the shared store; unset: SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** `OP_REDIS_URL` (`redis://…`): shared limits, health and broadcasts; unset: in-process state. */
  redisUrl?: string | undefined;
  /** `OP_REDIS_PREFIX`: the key prefix every instance of one deployment shares (default `op`). */
  redisPrefix: string;
  /** `OP_INSTANCES`: how many instances share the limits, for the local share while Redis is unreachable (default 1). */
  instances: number;
  /** `OP_LEASE_TTL_MS`: how long a concurrency lease outlives a crashed instance (default 10 minutes). */
  leaseTtlMs?: number | undefined;
  /** `server.trustProxy` (or `OP_TRUST_PROXY`, comma-separated): proxies whose forwarded headers are believed. */
  trustProxy: string[];
  /** Timeouts and caps of inbound connections (`server.*`). */
  connections: ConnectionLimits;
  /** The dashboard's throttles and the key cap. */
  throttles: ThrottleConfig;
  /** API-key lookup. */
  keys: KeysConfig;
  /** Dashboard session lifetimes. */
  sessions: SessionConfig;
  /** The Responses API's conversation store. */
  responses: ResponsesConfig;
  /** The response cache. */
  cache: CacheConfig;
  /** OpenTelemetry tracing (`OTEL_*` variables and the `telemetry` section); absent: off. */
  telemetry?: TelemetryConfig | undefined;
}

/**
 * Timeouts and caps of inbound connections. Only receiving a request is timed (headers, then the whole request):
 * once it is in, the answer may legitimately wait on a slow upstream, which the `timeouts` section bounds.
 */
export interface ConnectionLimits {
  /** Request line and headers must arrive within this (Node's `headersTimeout`). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (Node's `requestTimeout`). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed (Fastify's `connectionTimeout`); 0: never. */
  socketIdleTimeoutMs: number;
  /** Requests one keep-alive connection may carry; 0: no limit. */
  maxRequestsPerSocket: number;
  /** Open connections at once; further ones are closed on arrival. */
  maxConnections: number;
}

/** At most `limit` attempts in any `windowMs`. */
export interface ThrottleWindow {
  limit: number;
  windowMs: number;
}

/** The dashboard's throttles (see `auth/throttle/`) and the cap on keys per account. */
export interface ThrottleConfig {
  loginPerEmail: ThrottleWindow;
  loginPerAddress: ThrottleWindow;
  signupPerAddress: ThrottleWindow;
  providerKeyTestsPerAccount: ThrottleWindow;
  /** API keys (not revoked) an account may hold at once. */
  keysPerAccount: number;
}

/** API-key lookup (see `auth/key-cache.ts`). */
export interface KeysConfig {
  /** Recently used keys each instance holds in memory. */
  cacheSize: number;
}

/** How long dashboard sessions last. */
export interface SessionConfig {
  /** From sign-in, however active. */
  maxAgeMs: number;
  /** Without use. */
  idleTimeoutMs: number;
  /** Use is written to the store at most this often. */
  touchIntervalMs: number;
}

/** What the Responses API stores (`store: true`) and for how long. */
export interface ResponsesConfig {
  /** Days a stored response is kept from its creation; then it reads as unknown and is purged. */
  retentionDays: number;
  /** Bytes of stored responses one account may keep; a turn that would pass it is refused (400, param `store`). */
  maxStoredBytesPerAccount: number;
}

/** The response cache (`cache`): its memory bound and the lifetimes requests and keys may ask for. */
export interface CacheConfig {
  /** Bytes one instance's in-memory cache may hold (LRU); 0 caches nothing in memory. Unused with Redis. */
  maxBytes: number;
  /** Largest answer cached, in bytes of its JSON; larger ones are answered but not kept. */
  maxEntryBytes: number;
  /** Lifetime of an entry when a request turns the cache on without giving one (and its key has no default). */
  defaultTtlSeconds: number;
  /** Longest lifetime a request or a key may ask for (at most 30 days); a request asking for more is a 400. */
  maxTtlSeconds: number;
}

/** How spans are sent: OTLP over HTTP, as protobuf (the spec's default) or JSON. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Where spans go (see `telemetry.ts` for the variables each field comes from). */
export interface OtlpTracesConfig {
  /** The full traces URL (`…/v1/traces`). */
  url: string;
  protocol: OtlpProtocol;
  /** Sent with every export (`OTEL_EXPORTER_OTLP_HEADERS`, `…_TRACES_HEADERS`), e.g. a vendor's API key. */
  headers: Record<string, string>;
}

/** OpenTelemetry tracing (README: Tracing). */
export interface TelemetryConfig {
  /** Where to export; absent: tracing is off (no SDK loaded, no spans made). */
  otlp?: OtlpTracesConfig | undefined;
  /** `service.name` of every span (`OTEL_SERVICE_NAME`, default `originalpoint`). */
  serviceName: string;
  /** `OTEL_RESOURCE_ATTRIBUTES`: more resource attributes (`deployment.environment.name=prod`, …). */
  resourceAttributes: Record<string, string>;
  /** Record prompts and completions on spans (`telemetry.captureContent`, default false): they may hold personal data. */
  captureContent: boolean;
}
