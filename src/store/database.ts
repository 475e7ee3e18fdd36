/**
 * @module The Kysely schema: one interface per table, with the TypeScript types of the values each column holds.
 * Tables and columns are named in camelCase here and snake_case in SQL (`apiKeys.keyHash` is `api_keys.key_hash`):
 * every store's Kysely instance carries the naming plugin (`naming.ts`) that maps one to the other.
 */
import type { ColumnType } from 'kysely';

/** The plans an account can be on. */
export const PLANS = ['free', 'pro', 'enterprise'] as const;

/** A plan name, as stored in `accounts.plan`. */
export type Plan = (typeof PLANS)[number];

/** The routing strategies a key can default to when a request asks for `model: "auto"`. */
export const ROUTING_MODES = ['cost', 'latency', 'reliability'] as const;

/** A routing strategy, as stored in `api_keys.default_routing`. */
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** How often a key's budget starts again: at the start of each UTC day, ISO week (Monday) or calendar month. */
export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly'] as const;

/** A budget period, as stored in `api_keys.budget_period`. */
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** A nullable column added by a migration: optional on insert. */
type AddedColumn<T> = ColumnType<T | null, T | null | undefined, T | null>;

/**
 * The API a ledger row's request came through, as stored in `usage.endpoint`: OpenAI Chat Completions, Embeddings
 * or Responses, or Anthropic Messages.
 */
export type UsageEndpoint = 'chat.completions' | 'embeddings' | 'responses' | 'messages';

/** `accounts`: one row per customer. Limits left null fall back to the plan's defaults. */
export interface AccountsTable {
  id: string;
  /** Lower-cased by the accounts service before it gets here. */
  email: string;
  /** `scrypt$…` encoded hash; null for accounts created without a dashboard password. */
  passwordHash: string | null;
  /** Defaults to `free` in SQL. */
  plan: ColumnType<Plan, Plan | undefined, Plan>;
  rpmLimit: number | null;
  tpmLimit: number | null;
  concurrentLimit: number | null;
  /** Tokens per month included in the plan price. */
  includedTokens: number | null;
  monthlySpendCapUsd: number | null;
  /** ISO-8601 UTC timestamp. */
  createdAt: string;
}

/** `api_keys`: only the SHA-256 of the secret and its last four characters are kept. */
export interface ApiKeysTable {
  /** `key_…`, shown to users; never the secret. */
  id: string;
  accountId: string;
  name: string;
  /** Hex SHA-256 of the whole secret. */
  keyHash: string;
  last4: string;
  defaultRouting: RoutingMode | null;
  spendCapUsd: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The id of the key this one replaced by rotation. */
  rotatedFrom: string | null;
  /** Seconds the key's answers are kept in the response cache by default; null: only when a request asks (0008). */
  responseCacheTtlS: ColumnType<number | null, number | null | undefined, number | null>;
  /** Default `provider` routing preferences as JSON text, checked when saved; null: none (0009). */
  defaultProvider: ColumnType<string | null, string | null | undefined, string | null>;
  /** USD the key may spend per `budgetPeriod`; null: no budget (0011). */
  budgetUsd: AddedColumn<number>;
  /** The budget's period; set whenever `budgetUsd` is (0011). */
  budgetPeriod: AddedColumn<BudgetPeriod>;
  /** JSON array of the catalog ids and glob patterns the key may use; null: every model (0011). */
  allowedModels: AddedColumn<string>;
  /** The key's own requests per minute beneath its account's; null: none (0011). */
  rpmLimit: AddedColumn<number>;
  /** The key's own tokens per minute beneath its account's; null: none (0011). */
  tpmLimit: AddedColumn<number>;
  /** ISO-8601 UTC time from which the key is refused like a revoked one; null: never (0011). */
  expiresAt: AddedColumn<string>;
}

/**
 * `usage`: the ledger, one row per request, success or failure. Append-only; booleans are 0/1 integers so the
 * same column works on SQLite and PostgreSQL.
 */
export interface UsageTable {
  /** `usage_…`, unique per row; retried batch writes skip ids already stored. */
  id: string;
  /** The `x-request-id` the client saw. */
  requestId: string;
  accountId: string;
  keyId: string;
  /** The model the client asked for, `auto` included. */
  requestedModel: string;
  /** The catalog model that answered (the last one tried on failure); null when no route was found. */
  routedModel: string | null;
  /** The provider that answered (the last one tried on failure); null when none was called. */
  provider: string | null;
  /** 1 when the call used the account's own provider key (not charged against caps), else 0. */
  byok: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, as returned to the client in `usage.cost_usd`. */
  costUsd: number;
  /** Whole milliseconds from the request's arrival to its last byte. */
  latencyMs: number;
  /** Milliseconds to the first content byte (streams); null when none was sent. */
  ttftMs: number | null;
  /** The HTTP status the client got. */
  status: number;
  /** The OpenAI-style error `code` on failure; null on success. */
  errorCode: string | null;
  /** 1 for a streamed response, else 0. */
  stream: number;
  /** ISO-8601 UTC timestamp of the request's arrival. */
  createdAt: string;
  /** The API the request came through; rows from before migration 0005 read `chat.completions`. */
  endpoint: ColumnType<UsageEndpoint, UsageEndpoint | undefined, UsageEndpoint>;
  /** 1 when the upstream reported no usage and the token counts are the gateway's own estimate, else 0. */
  usageEstimated: ColumnType<number, number | undefined, number>;
  /** Prompt tokens read from the provider's prompt cache (inside `promptTokens`); 0 before migration 0007. */
  cacheReadTokens: ColumnType<number, number | undefined, number>;
  /** Prompt tokens written to the provider's prompt cache (inside `promptTokens`); 0 before migration 0007. */
  cacheWriteTokens: ColumnType<number, number | undefined, number>;
  /** 1 when the gateway's response cache answered (no upstream call, nothing billed), else 0; 0 before migration 0008. */
  responseCacheHit: ColumnType<number, number | undefined, number>;
  /** USD the replayed answer cost when it was generated (what the hit saved); 0 when not a hit or before 0008. */
  responseCacheSavedUsd: ColumnType<number, number | undefined, number>;
  /** The end user the client named (`user`, `safety_identifier`, `metadata.user_id`); null when none (0011). */
  endUser: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * `sessions`: dashboard logins. The browser holds a random token; only its SHA-256 is stored, so a copy of the
 * database cannot be replayed as a cookie.
 */
export interface SessionsTable {
  /** Hex SHA-256 of the cookie's token. */
  id: string;
  accountId: string;
  /** The token the dashboard echoes in `x-csrf-token` on state-changing calls. */
  csrfToken: string;
  /** ISO-8601 UTC timestamps. */
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

/**
 * `provider_credentials`: an account's own provider keys (BYOK), AES-256-GCM encrypted under the master key. The
 * three crypto fields are base64 text so the column types are the same on SQLite and PostgreSQL.
 */
export interface ProviderCredentialsTable {
  /** `pk_…`, shown to users. */
  id: string;
  accountId: string;
  /** A provider id from the config (`openai`, `anthropic`, …); one credential per account and provider. */
  provider: string;
  ciphertext: string;
  /** The 12-byte GCM nonce. */
  iv: string;
  /** The 16-byte GCM authentication tag. */
  tag: string;
  /** Which master key encrypted the row (a hash of it, not the key), to report a wrong key clearly. */
  keyFingerprint: string;
  last4: string;
  createdAt: string;
}

/**
 * `stored_responses`: the Responses API's stored turns (`store: true`), one row per Response. Rows live for the
 * configured retention from `createdAt` and are then purged; reads treat older rows as gone before that.
 */
export interface StoredResponsesTable {
  /** `resp_…`, the Response's id. */
  id: string;
  accountId: string;
  /** ISO-8601 UTC timestamp of the Response's `created_at`. */
  createdAt: string;
  /** The stored response this one continued; null for the first turn of a conversation. */
  previousResponseId: string | null;
  /** What this response (row and items) counts against the account's storage cap, in bytes. */
  bytes: number;
  /** The Response object as sent to the client, as JSON. */
  response: string;
}

/** The two lists of items a stored response keeps: the turn's input, and the model's output. */
export type StoredItemDirection = 'input' | 'output';

/** `stored_response_items`: the input and output items of each stored response, in order; go with their response. */
export interface StoredResponseItemsTable {
  responseId: string;
  direction: StoredItemDirection;
  /** 0-based position within the response's input or output list. */
  position: number;
  /** Copied from the response, so `item_reference` lookups stay within one account. */
  accountId: string;
  /** The item's own `id` (`msg_…`, `fc_…`, …); null for an item without one. */
  itemId: string | null;
  /** The item, as JSON. */
  item: string;
}

/** `stored_response_usage`: the bytes each account's stored responses count against its cap, kept with every write. */
export interface StoredResponseUsageTable {
  accountId: string;
  bytes: number;
}

/**
 * `key_changes` (SQLite only): the log of writes to `api_keys` and `accounts` that its triggers keep, so the server
 * learns which keys another process (the CLI) changed; it keeps its last 10,000 rows. See migration 0010.
 */
export interface KeyChangesTable {
  seq: ColumnType<number, never, never>;
  /** The hash of the key whose row was inserted, updated or deleted; null for an account's change. */
  keyHash: string | null;
  /** The account whose row was updated or deleted; null for a key's change. */
  accountId: string | null;
}

/** Every table the gateway owns, keyed by table name (camelCase: `apiKeys` is the SQL table `api_keys`). */
export interface Database {
  accounts: AccountsTable;
  apiKeys: ApiKeysTable;
  usage: UsageTable;
  sessions: SessionsTable;
  providerCredentials: ProviderCredentialsTable;
  storedResponses: StoredResponsesTable;
  storedResponseItems: StoredResponseItemsTable;
  storedResponseUsage: StoredResponseUsageTable;
  /** SQLite only (migration 0010). */
  keyChanges: KeyChangesTable;
}
