/**
 * Shapes of the dashboard JSON API (docs/dashboard-api.md), derived from the response schemas the server registers
 * on its `/api` routes (`src/server/routes/api/schemas.ts`), so the two cannot drift apart. The imports are type-only:
 * nothing of the server reaches the bundle. Also the request bodies the dashboard sends and the parts of the
 * OpenAI-compatible API it reads, which have no response schema.
 */
import type { Static } from '@sinclair/typebox';
import type * as Api from '../../../src/server/routes/api/schemas';

export type RoutingMode = Static<typeof Api.RoutingMode>;
/** How often a key's budget starts again (UTC; weeks on Monday). */
export type BudgetPeriod = Static<typeof Api.BudgetPeriod>;

export type Account = Static<typeof Api.Account>;
export type Limits = Static<typeof Api.Limits>;
export type MonthTotals = Static<typeof Api.MonthTotals>;
export type Me = Static<typeof Api.Me>;
export type AuthAnswer = Static<typeof Api.AuthAnswer>;

export type ApiKey = Static<typeof Api.ApiKey>;
export type KeyWithSecret = Static<typeof Api.KeyWithSecret>;
/** OpenRouter's `provider` preferences, as a key's defaults. */
export type ProviderPreferences = NonNullable<ApiKey['default_provider']>;
/** How `provider.sort` orders deployments. */
export type ProviderSort = Extract<NonNullable<ProviderPreferences['sort']>, string>;

/** A key's governance fields as sent to the gateway; null clears one, an absent one is kept. */
export interface KeyGovernancePatch {
  budget_usd?: number | null;
  budget_period?: BudgetPeriod;
  allowed_models?: string[] | null;
  rpm_limit?: number | null;
  tpm_limit?: number | null;
  expires_at?: string | null;
}

export type ProviderKey = Static<typeof Api.ProviderKey>;

export type UsagePoint = Static<typeof Api.UsagePoint>;
export type UsageByModel = Static<typeof Api.UsageByModel>;
export type UsageByKey = Static<typeof Api.UsageByKey>;
export type UsageByUser = Static<typeof Api.UsageByUser>;
export type UsageAnswer = Static<typeof Api.UsageAnswer>;

/** The API a logged request came through. */
export type LogEndpoint = Static<typeof Api.LogEndpoint>;
export type LogEntry = Static<typeof Api.LogEntry>;
export type LogsAnswer = Static<typeof Api.LogsAnswer>;

export type ChatModel = Static<typeof Api.ChatModel>;
export type EmbeddingModel = Static<typeof Api.EmbeddingModel>;
/** A catalog model: its `kind` tells which. */
export type CatalogModel = ChatModel | EmbeddingModel;

export type ProviderStatus = Static<typeof Api.ProviderStatus>;
export type StatusAnswer = Static<typeof Api.StatusAnswer>;

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
