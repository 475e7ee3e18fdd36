/**
 * @module The catalog's cross-field rules and defaults: which fields each kind of model (chat or embedding) needs and
 * refuses, and the filled-in `ModelConfig` the rest of the gateway reads. A chat entry written before embeddings
 * existed (no `kind`) is a chat model, unchanged.
 */
import type { WireFormat } from '../providers/index.js';
import { ConfigError } from './config-error.js';
import type { ConfigFile } from './schema.js';
import type { ChatModelConfig, EmbeddingModelConfig, ModelConfig } from './types.js';

type ModelEntry = ConfigFile['models'][number];

/**
 * Wire formats with an embeddings API (`providers/{openai,gemini}/embeddings.ts`); Anthropic has none. An embedding
 * model deployed elsewhere is a configuration error. `providers/registry.test.ts` keeps this list and the adapters in step.
 */
export const EMBEDDING_FORMATS: ReadonlySet<WireFormat> = new Set<WireFormat>(['openai', 'gemini']);

/** Fields only an embedding model has. */
const EMBEDDING_FIELDS = ['dimensions', 'dimension_range', 'max_input_tokens', 'token_ids', 'upstream_base64', 'upstream_user'] as const;
/** Fields only a chat model has. */
const CHAT_FIELDS = ['context_length', 'max_output_tokens', 'capabilities'] as const;

/**
 * Checks every catalog entry (reserved and duplicate ids, known providers, the fields of its kind) and fills in the
 * defaults. Throws ConfigError naming the offending path.
 */
export function toModelConfigs(models: readonly ModelEntry[], providers: ConfigFile['providers']): ModelConfig[] {
  const seen = new Set<string>();
  return models.map((entry, index) => {
    if (entry.id === 'auto') throw new ConfigError('Model id "auto" is reserved for smart routing');
    if (seen.has(entry.id)) throw new ConfigError(`Duplicate model id ${entry.id}`);
    seen.add(entry.id);
    for (const deployment of entry.deployments) {
      if (providers[deployment.provider] === undefined) {
        throw new ConfigError(`Model ${entry.id} names unknown provider ${deployment.provider}`);
      }
    }
    const at = `/models/${index}`;
    return entry.kind === 'embedding' ? toEmbeddingModel(entry, at, providers) : toChatModel(entry, at);
  });
}

function toChatModel(entry: ModelEntry, at: string): ChatModelConfig {
  refuseFields(entry, EMBEDDING_FIELDS, at, 'embedding');
  const { context_length, max_output_tokens, capabilities } = entry;
  const output = entry.pricing.output_per_million;
  if (context_length === undefined) throw missing(at, 'context_length', 'a chat model');
  if (max_output_tokens === undefined) throw missing(at, 'max_output_tokens', 'a chat model');
  if (capabilities === undefined) throw missing(at, 'capabilities', 'a chat model');
  if (output === undefined) throw missing(at, 'pricing/output_per_million', 'a chat model');
  const model: ChatModelConfig = {
    id: entry.id,
    kind: 'chat',
    owned_by: entry.owned_by,
    created: entry.created,
    context_length,
    max_output_tokens,
    pricing: { input_per_million: entry.pricing.input_per_million, output_per_million: output },
    capabilities,
    deployments: entry.deployments,
  };
  const { cached_input_per_million: cachedInput, cache_write_per_million: cacheWrite, cache_write_1h_per_million: cacheWrite1h } = entry.pricing;
  if (cachedInput !== undefined) model.pricing.cached_input_per_million = cachedInput;
  if (cacheWrite !== undefined) model.pricing.cache_write_per_million = cacheWrite;
  if (cacheWrite1h !== undefined) model.pricing.cache_write_1h_per_million = cacheWrite1h;
  return model;
}

function toEmbeddingModel(entry: ModelEntry, at: string, providers: ConfigFile['providers']): EmbeddingModelConfig {
  refuseFields(entry, CHAT_FIELDS, at, 'chat');
  const { dimensions, dimension_range: range, max_input_tokens: maxInputTokens } = entry;
  if (dimensions === undefined) throw missing(at, 'dimensions', 'an embedding model');
  if (maxInputTokens === undefined) throw missing(at, 'max_input_tokens', 'an embedding model');
  for (const field of ['cached_input_per_million', 'cache_write_per_million', 'cache_write_1h_per_million'] as const) {
    if (entry.pricing[field] !== undefined) {
      throw new ConfigError(`Invalid config at ${at}/pricing/${field}: an embedding model has no prompt cache price`);
    }
  }
  if ((entry.pricing.output_per_million ?? 0) !== 0) {
    throw new ConfigError(`Invalid config at ${at}/pricing/output_per_million: an embedding model writes no tokens; leave it out or set 0`);
  }
  if (range !== undefined && (range.min > range.max || dimensions < range.min || dimensions > range.max)) {
    throw new ConfigError(`Invalid config at ${at}/dimension_range: must hold the default dimensions ${dimensions} (min ≤ dimensions ≤ max)`);
  }
  for (const deployment of entry.deployments) {
    const format = providers[deployment.provider]?.format;
    if (format !== undefined && !EMBEDDING_FORMATS.has(format)) {
      throw new ConfigError(`Invalid config at ${at}/deployments: provider ${deployment.provider} speaks ${format}, which has no embeddings API`);
    }
  }
  return {
    id: entry.id,
    kind: 'embedding',
    owned_by: entry.owned_by,
    created: entry.created,
    context_length: maxInputTokens,
    max_output_tokens: 0,
    pricing: { input_per_million: entry.pricing.input_per_million, output_per_million: 0 },
    capabilities: { vision: false, tools: false },
    deployments: entry.deployments,
    dimensions,
    ...(range === undefined ? {} : { dimension_range: { min: range.min, max: range.max } }),
    max_input_tokens: maxInputTokens,
    ...(entry.token_ids === undefined ? {} : { token_ids: entry.token_ids }),
    upstream_base64: entry.upstream_base64 ?? true,
    upstream_user: entry.upstream_user ?? true,
  };
}

/** Refuses the fields of the other kind, e.g. `dimensions` on a chat model. */
function refuseFields(entry: ModelEntry, fields: readonly (keyof ModelEntry)[], at: string, owner: 'chat' | 'embedding'): void {
  const field = fields.find((name) => entry[name] !== undefined);
  if (field !== undefined) {
    const article = owner === 'chat' ? 'a' : 'an';
    throw new ConfigError(`Invalid config at ${at}/${field}: only ${article} ${owner} model has it (set kind: ${owner}, or remove it)`);
  }
}

function missing(at: string, field: string, kind: string): ConfigError {
  return new ConfigError(`Invalid config at ${at}/${field}: required for ${kind}`);
}
