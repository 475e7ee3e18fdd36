/**
 * Shapes of the dashboard JSON API (docs/dashboard-api.md) and of the parts of
 * the OpenAI-compatible API the dashboard uses. Written from the contract, not
 * imported from the server, so the SPA builds on its own.
 */

export type Plan = 'free' | 'pro' | 'enterprise' | (string & {});
export type RoutingMode = 'cost' | 'latency' | 'reliability';
export const ROUTING_MODES: readonly RoutingMode[] = ['cost', 'latency', 'reliability'];

export interface Account {
  id: string;
  email: string;
  plan?: Plan;
  created_at?: string;
}

export interface Limits {
  rpm: number | null;
  tpm: number | null;
  concurrent: number | null;
  included_tokens: number | null;
}

export interface MonthTotals {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  /** Requests the response cache answered, and what those answers had cost when generated (what the cache saved). */
  response_cache_hits?: number;
  response_cache_saved_usd?: number;
}

export interface Me {
  account: Account;
  limits: Limits;
  spend_cap_usd: number | null;
  month: MonthTotals;
  csrf_token: string;
}

export interface AuthAnswer {
  account: Account;
  csrf_token: string;
}

export type KeyStatus = 'active' | 'revoked' | 'rotating' | 'expired' | (string & {});

export interface ApiKey {
  id: string;
  name: string;
  last4: string;
  status: KeyStatus;
  created_at: string;
  last_used_at: string | null;
  default_routing: RoutingMode | null;
  /** Default provider preferences (OpenRouter's `provider` object); null: none. */
  default_provider?: ProviderPreferences | null;
  spend_cap_usd: number | null;
  /** USD the key may spend per `budget_period`; null: no budget. */
  budget_usd?: number | null;
  budget_period?: BudgetPeriod | null;
  /** Catalog ids and patterns (`claude-*`) the key may use; null: every model. */
  allowed_models?: string[] | null;
  /** The key's own rate limits beneath the account's; null: none. */
  rpm_limit?: number | null;
  tpm_limit?: number | null;
  /** When the key stops working; null: never. */
  expires_at?: string | null;
  rotated_from: string | null;
  grace_until: string | null;
}

/** How often a key's budget starts again (UTC; weeks on Monday). */
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly';

/** A key's governance fields as sent to the gateway; null clears one, an absent one is kept. */
export interface KeyGovernancePatch {
  budget_usd?: number | null;
  budget_period?: BudgetPeriod;
  allowed_models?: string[] | null;
  rpm_limit?: number | null;
  tpm_limit?: number | null;
  expires_at?: string | null;
}

/** How `provider.sort` orders deployments. */
export type ProviderSort = 'price' | 'latency' | 'throughput';

/** OpenRouter's `provider` preferences, as a key's defaults (the fields the dashboard reads and writes). */
export interface ProviderPreferences {
  order?: string[];
  only?: string[];
  ignore?: string[];
  allow_fallbacks?: boolean;
  require_parameters?: boolean;
  sort?: ProviderSort | { by: ProviderSort; partition?: 'model' | 'none' };
  max_price?: { prompt?: number | string; completion?: number | string; request?: number | string; image?: number | string; audio?: number | string };
}

export interface KeyWithSecret {
  key: ApiKey;
  secret: string;
}

export interface ProviderKey {
  id: string;
  provider: string;
  last4: string;
  created_at: string;
}

export interface UsagePoint {
  bucket: string | number;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  response_cache_hits?: number;
  response_cache_saved_usd?: number;
}

export interface UsageByModel {
  model: string;
  requests: number;
  tokens: number;
  cost_usd: number;
}

export interface UsageByKey {
  key_id: string;
  name: string | null;
  requests: number;
  tokens: number;
  cost_usd: number;
}

/** Usage of one end user (the `user`, `safety_identifier` or `metadata.user_id` requests named). */
export interface UsageByUser {
  user: string;
  requests: number;
  tokens: number;
  cost_usd: number;
}

export interface UsageAnswer {
  series: UsagePoint[];
  by_model: UsageByModel[];
  by_key: UsageByKey[];
  /** The costliest end users (at most 100); absent from older gateways. */
  by_user?: UsageByUser[];
  /** The end user the answer is narrowed to; null: all. */
  user?: string | null;
  totals: MonthTotals;
}

/** The API a logged request came through; a newer gateway may add more. */
export type LogEndpoint = 'chat.completions' | 'embeddings' | 'responses' | 'messages' | (string & {});

export interface LogEntry {
  time: string;
  request_id: string;
  endpoint: LogEndpoint;
  key_id: string | null;
  key_name: string | null;
  requested_model: string | null;
  routed_model: string | null;
  provider: string | null;
  byok: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  /** The provider reported no usage: the tokens (and the cost priced from them) are the gateway's own count. */
  estimated: boolean;
  cost_usd: number;
  /** Answered by the response cache: no provider call, nothing billed; the saving is what the answer first cost. */
  response_cache_hit?: boolean;
  response_cache_saved_usd?: number;
  latency_ms: number | null;
  status: number;
  error_code: string | null;
  /** The end user the request named; null: none. */
  end_user?: string | null;
}

export interface LogsAnswer {
  data: LogEntry[];
  next_cursor: string | null;
}

export interface ModelPricing {
  input_per_million?: number | null;
  output_per_million?: number | null;
  cached_input_per_million?: number | null;
}

/** What a model does; a newer gateway may add kinds. */
export type ModelKind = 'chat' | 'embedding' | (string & {});

export interface CatalogModel {
  id: string;
  object?: string;
  created?: number;
  owned_by?: string;
  provider?: string;
  /** Absent from gateways that predate embeddings: chat. */
  kind?: ModelKind;
  context_length?: number | null;
  max_output_tokens?: number | null;
  pricing?: ModelPricing;
  capabilities?: Record<string, boolean | undefined>;
  /** Embedding models: the vector length by default, the `dimensions` accepted (null: fixed), tokens per input. */
  dimensions?: number | null;
  dimension_range?: { min: number; max: number } | null;
  max_input_tokens?: number | null;
}

export type ProviderState = 'up' | 'degraded' | 'down' | (string & {});

export interface ProviderStatus {
  id: string;
  state: ProviderState;
  success_rate: number | null;
  ttft_ms: number | null;
  /** Outcomes the success rate is computed from (not in the written contract; shown when present). */
  recent_requests?: number;
  configured: boolean;
  simulated: boolean;
}

export interface StatusAnswer {
  providers: ProviderStatus[];
  updated_at: string;
}

/** One `chat.completion.chunk` of a stream, as far as the playground reads it. */
export interface ChatChunk {
  id?: string;
  model?: string;
  choices?: { index?: number; delta?: { role?: string; content?: string | null }; finish_reason?: string | null }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
    cost_usd?: number;
  } | null;
  error?: { message?: string; type?: string; code?: string | null };
}
