/**
 * @module The TypeBox schema of the YAML config file (after merging with the built-in defaults).
 */
import { Type, type Static } from '@sinclair/typebox';

const PositiveInt = Type.Integer({ minimum: 1 });
/** At most `limit` attempts in any `windowMs`. */
const Window = Type.Object({ limit: PositiveInt, windowMs: PositiveInt }, { additionalProperties: false });

export const ConfigFileSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        dataDir: Type.String({ minLength: 1 }),
        trustProxy: Type.Array(Type.String({ minLength: 1 })),
        headersTimeoutMs: PositiveInt,
        requestTimeoutMs: PositiveInt,
        keepAliveTimeoutMs: PositiveInt,
        socketIdleTimeoutMs: Type.Integer({ minimum: 0 }),
        maxRequestsPerSocket: Type.Integer({ minimum: 0 }),
        maxConnections: PositiveInt,
      },
      { additionalProperties: false },
    ),
    timeouts: Type.Object({ connectMs: PositiveInt, firstByteMs: PositiveInt, idleMs: PositiveInt }, { additionalProperties: false }),
    requests: Type.Object(
      {
        maxJsonDepth: PositiveInt,
        tokenizerMaxChars: PositiveInt,
        imageUrlsPerRequest: Type.Integer({ minimum: 0 }),
        imageBytesPerRequest: PositiveInt,
        imageFetchConcurrency: PositiveInt,
        refusedRowsPerKeyPerMinute: Type.Integer({ minimum: 0 }),
        embeddingMaxTokens: PositiveInt,
        embeddingMaxValues: PositiveInt,
      },
      { additionalProperties: false },
    ),
    providers: Type.Record(
      Type.String({ pattern: '^[a-z0-9_-]+$' }),
      Type.Object(
        {
          format: Type.Union([Type.Literal('openai'), Type.Literal('anthropic'), Type.Literal('gemini')]),
          baseUrl: Type.String({ pattern: '^https?://' }),
          apiKey: Type.Optional(Type.String({ minLength: 1 })),
          keyPattern: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    plans: Type.Record(
      Type.String(),
      Type.Object(
        { rpm: PositiveInt, tpm: PositiveInt, concurrent: PositiveInt, included_tokens: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    models: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Za-z0-9._:/-]+$' }),
          /** Absent: chat. Which of the other fields each kind needs is checked in `models.ts`. */
          kind: Type.Optional(Type.Union([Type.Literal('chat'), Type.Literal('embedding')])),
          owned_by: Type.String({ minLength: 1 }),
          created: Type.Integer({ minimum: 0 }),
          context_length: Type.Optional(PositiveInt),
          max_output_tokens: Type.Optional(PositiveInt),
          pricing: Type.Object(
            {
              input_per_million: Type.Number({ minimum: 0 }),
              output_per_million: Type.Optional(Type.Number({ minimum: 0 })),
              cached_input_per_million: Type.Optional(Type.Number({ minimum: 0 })),
              cache_write_per_million: Type.Optional(Type.Number({ minimum: 0 })),
              cache_write_1h_per_million: Type.Optional(Type.Number({ minimum: 0 })),
            },
            { additionalProperties: false },
          ),
          capabilities: Type.Optional(Type.Object({ vision: Type.Boolean(), tools: Type.Boolean() }, { additionalProperties: false })),
          dimensions: Type.Optional(PositiveInt),
          dimension_range: Type.Optional(Type.Object({ min: PositiveInt, max: PositiveInt }, { additionalProperties: false })),
          max_input_tokens: Type.Optional(PositiveInt),
          token_ids: Type.Optional(Type.Literal('cl100k_base')),
          upstream_base64: Type.Optional(Type.Boolean()),
          upstream_user: Type.Optional(Type.Boolean()),
          deployments: Type.Array(Type.Object({ provider: Type.String(), model: Type.String({ minLength: 1 }) }, { additionalProperties: false }), {
            minItems: 1,
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    /** Other names for catalog models (`name: catalog id`), on every door; see `model-aliases.ts`. */
    modelAliases: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9._:/-]+$' }), Type.String({ minLength: 1 }))),
    throttles: Type.Object(
      {
        loginPerEmail: Window,
        loginPerAddress: Window,
        signupPerAddress: Window,
        providerKeyTestsPerAccount: Window,
        keysPerAccount: PositiveInt,
      },
      { additionalProperties: false },
    ),
    keys: Type.Object({ cacheSize: PositiveInt }, { additionalProperties: false }),
    sessions: Type.Object({ maxAgeMs: PositiveInt, idleTimeoutMs: PositiveInt, touchIntervalMs: PositiveInt }, { additionalProperties: false }),
    responses: Type.Object(
      { retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }), maxStoredBytesPerAccount: Type.Integer({ minimum: 1024 * 1024 }) },
      { additionalProperties: false },
    ),
    cache: Type.Object(
      {
        maxBytes: Type.Integer({ minimum: 0 }),
        maxEntryBytes: PositiveInt,
        defaultTtlSeconds: PositiveInt,
        maxTtlSeconds: Type.Integer({ minimum: 1, maximum: 2_592_000 }),
      },
      { additionalProperties: false },
    ),
    /** Tracing switches the OTEL_* variables do not cover (README: Tracing); the exporter comes from those variables. */
    telemetry: Type.Object({ captureContent: Type.Boolean() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export type ConfigFile = Static<typeof ConfigFileSchema>;
