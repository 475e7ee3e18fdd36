/**
 * @module The dashboard API's response bodies (docs/dashboard-api.md), as TypeBox schemas. The routes register them
 * (`schema.response`), so Fastify serializes each answer through its schema, and the dashboard derives its types from
 * them (`web/src/lib/types.ts`, type-only imports): one definition of the wire for both sides.
 * Fastify's serializer drops any property a schema does not list and coerces values to the listed type, so every
 * field a route sends must be here, nullable where it can be null; the builders in `wire.ts` are typed against these
 * schemas so that the compiler holds them to it. Error answers (4xx) have no schema here: they keep the error
 * handler's shape. This module imports only TypeBox and request schemas free of server code, because the dashboard's
 * compiler reads it too.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ProviderPreferencesSchema } from '../../../core/chat-request.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** ISO-8601 UTC time. */
const Time = Type.String();
/** USD, rounded to ten decimals where summed (`roundUsd`). */
const Usd = Type.Number();

/** `cost`, `latency` or `reliability`: how a request routed by `auto` (or a key's default) picks a deployment. */
export const RoutingMode = Type.Union([Type.Literal('cost'), Type.Literal('latency'), Type.Literal('reliability')]);

/** How often a key's budget starts again (UTC; weeks on Monday). */
export const BudgetPeriod = Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]);

/** An account as the dashboard shows it. */
export const Account = Type.Object({
  id: Type.String(),
  email: Type.String(),
  /** `free`, `pro`, `enterprise` or a plan the config defines. */
  plan: Type.String(),
  created_at: Time,
});

/** Requests, tokens and cost in the current UTC month, with the response cache's hits and what they saved. */
export const MonthTotals = Type.Object({
  requests: Type.Number(),
  prompt_tokens: Type.Number(),
  completion_tokens: Type.Number(),
  cost_usd: Usd,
  response_cache_hits: Type.Number(),
  response_cache_saved_usd: Usd,
});

/** The account's limits after its plan and overrides. */
export const Limits = Type.Object({
  rpm: Type.Number(),
  tpm: Type.Number(),
  concurrent: Type.Number(),
  /** Tokens (prompt + completion) a month included in the plan. */
  included_tokens: Type.Number(),
});

/** `POST /api/signup` (201) and `POST /api/login`: the account and the new session's CSRF token. */
export const AuthAnswer = Type.Object({ account: Account, csrf_token: Type.String() });

/** `GET /api/me`. */
export const Me = Type.Object({
  account: Account,
  limits: Limits,
  /** USD per month; null: none. */
  spend_cap_usd: Nullable(Type.Number()),
  month: MonthTotals,
  csrf_token: Type.String(),
});

/** An API key without its secret. */
export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  last4: Type.String(),
  /** `expired` once `expires_at` has passed (it is refused like a revoked key). */
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  created_at: Time,
  last_used_at: Nullable(Time),
  default_routing: Nullable(RoutingMode),
  /** Default provider preferences (OpenRouter's `provider` object); null: none. */
  default_provider: Nullable(ProviderPreferencesSchema),
  response_cache_ttl_seconds: Nullable(Type.Number()),
  spend_cap_usd: Nullable(Usd),
  /** USD the key may spend per `budget_period`; null: no budget. */
  budget_usd: Nullable(Usd),
  budget_period: Nullable(BudgetPeriod),
  /** Catalog ids and patterns (`claude-*`) the key may use; null: every model. */
  allowed_models: Nullable(Type.Array(Type.String())),
  /** The key's own rate limits beneath the account's; null: none. */
  rpm_limit: Nullable(Type.Number()),
  tpm_limit: Nullable(Type.Number()),
  /** When the key stops working; null: never. */
  expires_at: Nullable(Time),
  rotated_from: Nullable(Type.String()),
  /** While a rotated key's grace period runs: when it ends. */
  grace_until: Nullable(Time),
});

/** `GET /api/keys`. */
export const KeyList = Type.Object({ data: Type.Array(ApiKey) });
/** `PATCH /api/keys/{id}` and `POST /api/keys/{id}/revoke`. */
export const KeyAnswer = Type.Object({ key: ApiKey });
/** `POST /api/keys` (201) and `POST /api/keys/{id}/rotate`: the only answers with the secret. */
export const KeyWithSecret = Type.Object({ key: ApiKey, secret: Type.String() });

/** A provider key (BYOK) without the key. */
export const ProviderKey = Type.Object({ id: Type.String(), provider: Type.String(), last4: Type.String(), created_at: Time });
/** `GET /api/provider-keys`. */
export const ProviderKeyList = Type.Object({ data: Type.Array(ProviderKey) });
/** `POST /api/provider-keys` (201). */
export const ProviderKeyAnswer = Type.Object({ provider_key: ProviderKey });

/** One chart point: a day (`YYYY-MM-DD`) or an hour (`YYYY-MM-DDTHH:00:00Z`). */
export const UsagePoint = Type.Object({ bucket: Type.String(), ...MonthTotals.properties });

/** Requests, tokens (prompt + completion) and cost of one slice of usage. */
const Share = { requests: Type.Number(), tokens: Type.Number(), cost_usd: Usd };
export const UsageByModel = Type.Object({ model: Type.String(), ...Share });
/** `name` is the key id when the key no longer exists. */
export const UsageByKey = Type.Object({ key_id: Type.String(), name: Type.String(), ...Share });
/** Usage of one end user (the `user`, `safety_identifier` or `metadata.user_id` requests named). */
export const UsageByUser = Type.Object({ user: Type.String(), ...Share });

/** `GET /api/usage`. */
export const UsageAnswer = Type.Object({
  series: Type.Array(UsagePoint),
  by_model: Type.Array(UsageByModel),
  by_key: Type.Array(UsageByKey),
  /** The costliest end users (at most 100). */
  by_user: Type.Array(UsageByUser),
  /** The end user the answer is narrowed to; null: all. */
  user: Nullable(Type.String()),
  totals: MonthTotals,
});

/** The API a logged request came through. */
export const LogEndpoint = Type.Union([
  Type.Literal('chat.completions'),
  Type.Literal('embeddings'),
  Type.Literal('responses'),
  Type.Literal('messages'),
]);

/** One request of the log. */
export const LogEntry = Type.Object({
  time: Time,
  request_id: Type.String(),
  endpoint: LogEndpoint,
  key_id: Type.String(),
  /** Null when the key no longer exists. */
  key_name: Nullable(Type.String()),
  requested_model: Type.String(),
  routed_model: Nullable(Type.String()),
  provider: Nullable(Type.String()),
  byok: Type.Boolean(),
  prompt_tokens: Type.Number(),
  completion_tokens: Type.Number(),
  /** The provider reported no usage: the tokens (and the cost priced from them) are the gateway's own count. */
  estimated: Type.Boolean(),
  cost_usd: Usd,
  /** Answered by the response cache: no provider call, nothing billed; the saving is what the answer first cost. */
  response_cache_hit: Type.Boolean(),
  response_cache_saved_usd: Usd,
  latency_ms: Type.Number(),
  status: Type.Number(),
  error_code: Nullable(Type.String()),
  /** The end user the request named; null: none. */
  end_user: Nullable(Type.String()),
});

/** `GET /api/logs`: a page, newest first, and the cursor of the next one (null: the last page). */
export const LogsAnswer = Type.Object({ data: Type.Array(LogEntry), next_cursor: Nullable(Type.String()) });

const ModelBase = {
  id: Type.String(),
  object: Type.Literal('model'),
  created: Type.Number(),
  owned_by: Type.String(),
  pricing: Type.Object({
    input_per_million: Type.Number(),
    output_per_million: Type.Number(),
    cached_input_per_million: Type.Optional(Type.Number()),
  }),
};

/** A chat model as `/v1/models` shows it. */
export const ChatModel = Type.Object({
  ...ModelBase,
  kind: Type.Literal('chat'),
  context_length: Type.Number(),
  max_output_tokens: Type.Number(),
  capabilities: Type.Object({ vision: Type.Boolean(), tools: Type.Boolean() }),
});

/** An embedding model as `/v1/models` shows it. */
export const EmbeddingModel = Type.Object({
  ...ModelBase,
  kind: Type.Literal('embedding'),
  /** Vector length when the request sets no `dimensions`. */
  dimensions: Type.Number(),
  /** The `dimensions` the model accepts; null: a fixed size. */
  dimension_range: Nullable(Type.Object({ min: Type.Number(), max: Type.Number() })),
  /** Tokens one input may have. */
  max_input_tokens: Type.Number(),
});

/** `GET /api/models`: the catalog, the same objects as `/v1/models`. */
export const ModelList = Type.Object({ object: Type.Literal('list'), data: Type.Array(Type.Union([ChatModel, EmbeddingModel])) });

/** One provider's line on the status page. */
export const ProviderStatus = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  /** Share of successful calls among the recent outcomes (the last minute); null when there were none. */
  success_rate: Nullable(Type.Number()),
  /** Estimated time to first token in ms, from measured calls; null before any was measured. */
  ttft_ms: Nullable(Type.Number()),
  /** Calls counted in `success_rate`. */
  recent_requests: Type.Number(),
  /** Whether the gateway has a credential (real or simulated) for it. */
  configured: Type.Boolean(),
  /** Whether the built-in simulator stands in for it. */
  simulated: Type.Boolean(),
});

/** `GET /api/status` (public). */
export const StatusAnswer = Type.Object({ providers: Type.Array(ProviderStatus), updated_at: Time });
