/**
 * @module OpenRouter's `provider` preferences (a request extension, and an API key's defaults): checked against the
 * catalog's provider ids, merged with the key's defaults (the request's fields win, field by field), and the
 * filters and orderings the router applies with them. Pure; the router decides when each applies.
 * @see https://openrouter.ai/docs/guides/routing/provider-selection
 */
import type { ModelConfig, ModelPricing } from '../config/types.js';
import type { ProviderPreferences, ProviderSortBy } from '../core/chat-request.js';
import { invalidRequest } from '../core/gateway-error.js';
import type { Candidate } from './catalog.js';

/** The fields this gateway acts on; any other is refused unless it asks for nothing (see {@link NO_OP_FIELDS}). */
const KNOWN_FIELDS: ReadonlySet<string> = new Set(['order', 'only', 'ignore', 'allow_fallbacks', 'require_parameters', 'sort', 'max_price']);

/**
 * OpenRouter fields about providers' data policies, which the gateway has no information on: accepted only with the
 * value that asks for nothing, so a request that relies on them is refused rather than silently routed anywhere.
 */
const NO_OP_FIELDS: Readonly<Record<string, unknown>> = { data_collection: 'allow', zdr: false, enforce_distillable_text: false };

/** Price ceilings the catalog can compare: it prices chat per token only, so per-request, image and audio caps always hold. */
const PRICED_FIELDS = ['prompt', 'completion'] as const;
const MAX_PRICE_FIELDS = [...PRICED_FIELDS, 'request', 'image', 'audio'] as const;

/**
 * The provider ids preferences may name — those serving some catalog model — matched without regard to case
 * (OpenRouter accepts `"Anthropic"`).
 */
export class ProviderDirectory {
  readonly ids: readonly string[];
  readonly #byLowerCase: ReadonlyMap<string, string>;

  /** The providers of the catalog's deployments. */
  static of(models: readonly ModelConfig[]): ProviderDirectory {
    return new ProviderDirectory(models.flatMap((model) => model.deployments.map((deployment) => deployment.provider)));
  }

  constructor(ids: Iterable<string>) {
    this.ids = [...new Set(ids)].sort();
    this.#byLowerCase = new Map(this.ids.map((id) => [id.toLowerCase(), id]));
  }

  /** The catalog's spelling of a provider id, or undefined when the catalog has no such provider. */
  resolve(id: string): string | undefined {
    return this.#byLowerCase.get(id.toLowerCase());
  }
}

/**
 * Checks preferences against the catalog and returns them normalised: provider ids as the catalog spells them
 * (duplicates dropped), prices as numbers, fields that ask for nothing removed.
 * @param param where the object sits, for error `param`s: `provider` in a request, `default_provider` on a key.
 * @throws GatewayError 400 naming the field: an unknown provider id, a negative or non-numeric price, a field the
 * gateway does not support.
 */
export function checkProviderPreferences(value: ProviderPreferences, providers: ProviderDirectory, param = 'provider'): ProviderPreferences {
  const checked: ProviderPreferences = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    if (fieldValue === undefined || KNOWN_FIELDS.has(field)) continue;
    if (field in NO_OP_FIELDS && (fieldValue === null || fieldValue === NO_OP_FIELDS[field])) continue;
    throw invalidRequest(
      `\`${param}.${field.slice(0, 64)}\` is not supported by this gateway (it has no data on providers' policies or quantizations); supported: ${[...KNOWN_FIELDS].join(', ')}.`,
      `${param}.${field.slice(0, 64)}`,
    );
  }
  for (const list of ['order', 'only', 'ignore'] as const) {
    const ids = value[list];
    if (ids !== undefined) checked[list] = resolveIds(ids, providers, `${param}.${list}`);
  }
  if (value.allow_fallbacks !== undefined) checked.allow_fallbacks = value.allow_fallbacks;
  if (value.require_parameters !== undefined) checked.require_parameters = value.require_parameters;
  if (value.sort !== undefined) checked.sort = value.sort;
  if (value.max_price !== undefined) checked.max_price = checkMaxPrice(value.max_price, `${param}.max_price`);
  return checked;
}

function resolveIds(ids: readonly string[], providers: ProviderDirectory, param: string): string[] {
  const resolved: string[] = [];
  for (const id of ids) {
    const known = providers.resolve(id);
    if (known === undefined) {
      throw invalidRequest(
        `Unknown provider \`${id.slice(0, 100)}\` in \`${param}\`; this gateway's providers are: ${providers.ids.join(', ')}.`,
        param,
      );
    }
    if (!resolved.includes(known)) resolved.push(known);
  }
  return resolved;
}

type MaxPrice = NonNullable<ProviderPreferences['max_price']>;

function checkMaxPrice(value: MaxPrice, param: string): MaxPrice {
  const checked: MaxPrice = {};
  for (const field of MAX_PRICE_FIELDS) {
    const raw = value[field];
    if (raw === undefined) continue;
    const usd = priceOf(raw);
    if (usd === undefined || usd < 0) {
      throw invalidRequest(
        `\`${param}.${field}\` must be a non-negative price in USD per million tokens, got ${JSON.stringify(raw).slice(0, 40)}.`,
        `${param}.${field}`,
      );
    }
    checked[field] = usd;
  }
  return checked;
}

/** A price as a number; undefined when it is not a finite number or a string holding one. */
function priceOf(value: number | string): number | undefined {
  const usd = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(usd) ? usd : undefined;
}

/** Preferences ready to apply: merged, with defaults filled in. */
export interface ResolvedPreferences {
  /** Provider ids to try first, in this order. */
  order: readonly string[];
  /** When set, only these providers may serve. */
  only: ReadonlySet<string> | undefined;
  ignore: ReadonlySet<string>;
  /** False: no provider beyond the first choice (or beyond `order`, when given). */
  allowFallbacks: boolean;
  /** Only deployments that drop none of the request's parameters. */
  requireParameters: boolean;
  /** `partition: "model"` (the default) sorts each model's deployments; `"none"` sorts all of them together. */
  sort: { by: ProviderSortBy; partition: 'model' | 'none' } | undefined;
  /** USD per million prompt and completion tokens. */
  maxPrice: { prompt: number | undefined; completion: number | undefined } | undefined;
  /** The fields that came from the API key's defaults (the request did not set them), for error messages. */
  fromKeyDefaults: ReadonlySet<string>;
}

/**
 * The preferences a request routes with: the key's defaults with the request's fields over them, field by field (a
 * request that sets `sort` keeps the key's `ignore`; one that sets `ignore: []` clears it). Both must have been
 * checked ({@link checkProviderPreferences}). Undefined when neither sets anything: routing as without preferences.
 */
export function resolvePreferences(
  request: ProviderPreferences | undefined,
  defaults: ProviderPreferences | null | undefined,
): ResolvedPreferences | undefined {
  const merged: ProviderPreferences = {};
  const fromKeyDefaults = new Set<string>();
  for (const [field, value] of Object.entries(defaults ?? {})) {
    if (value === undefined) continue;
    merged[field] = value;
    fromKeyDefaults.add(field);
  }
  for (const [field, value] of Object.entries(request ?? {})) {
    if (value === undefined) continue;
    merged[field] = value;
    fromKeyDefaults.delete(field);
  }
  if (Object.keys(merged).length === 0) return undefined;
  const sort = merged.sort;
  const price = merged.max_price;
  return {
    order: merged.order ?? [],
    only: merged.only === undefined ? undefined : new Set(merged.only),
    ignore: new Set(merged.ignore ?? []),
    allowFallbacks: merged.allow_fallbacks ?? true,
    requireParameters: merged.require_parameters ?? false,
    sort:
      sort === undefined
        ? undefined
        : typeof sort === 'string'
          ? { by: sort, partition: 'model' }
          : { by: sort.by, partition: sort.partition ?? 'model' },
    maxPrice: price === undefined ? undefined : { prompt: ceiling(price.prompt), completion: ceiling(price.completion) },
    fromKeyDefaults,
  };
}

function ceiling(value: number | string | undefined): number | undefined {
  return value === undefined ? undefined : priceOf(value);
}

/** Whether a model's list prices are at or below the ceilings. */
export function withinMaxPrice(pricing: ModelPricing, maxPrice: NonNullable<ResolvedPreferences['maxPrice']>): boolean {
  return (
    (maxPrice.prompt === undefined || pricing.input_per_million <= maxPrice.prompt) &&
    (maxPrice.completion === undefined || pricing.output_per_million <= maxPrice.completion)
  );
}

/** `$3 / $15` per million prompt / completion tokens, for messages. */
export function describePrices(prompt: number | undefined, completion: number | undefined): string {
  const usd = (value: number | undefined): string => (value === undefined ? 'any' : `$${value}`);
  return `prompt ${usd(prompt)}, completion ${usd(completion)} per million tokens`;
}

/**
 * The candidates with the providers of `order` first, in that order, then the rest as they were (a stable partition,
 * so a ranking within each part is kept).
 */
export function orderByProvider<T>(items: readonly T[], order: readonly string[], providerOf: (item: T) => string): T[] {
  if (order.length === 0) return [...items];
  const rank = (item: T): number => {
    const at = order.indexOf(providerOf(item));
    return at === -1 ? order.length : at;
  };
  return items
    .map((item, index) => ({ item, index, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ item }) => item);
}

/** The provider of a candidate, as preferences name it. */
export function providerOf(candidate: Candidate): string {
  return candidate.deployment.provider;
}
