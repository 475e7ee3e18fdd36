/**
 * @module An API key's model allow-list meeting the catalog. When a key is saved (dashboard API, CLI), each entry must
 * be well formed and name at least one catalog model (else a 400 naming it: a typo would otherwise lock the key out,
 * or silently allow less than meant). When a request is routed, a model the key may not use is refused with 403
 * `permission_denied`, and `model: "auto"` chooses only among the models the key may use.
 */
import type { ModelConfig } from '../config/types.js';
import { GatewayError, invalidRequest } from '../core/gateway-error.js';
import { MAX_MODEL_PATTERNS, modelPatternProblem, ModelPatterns } from '../core/model-patterns.js';
import type { Catalog } from './catalog.js';

/**
 * The entries, checked and without repeats: each well formed and matching at least one of `models` by catalog id.
 * @throws GatewayError 400 naming `param` (and the entry) otherwise, or for an empty list (send null for every model).
 */
export function checkAllowedModels(entries: readonly string[], models: readonly ModelConfig[], param = 'allowed_models'): string[] {
  if (entries.length === 0) {
    throw invalidRequest(`\`${param}\` is empty, so the key could use no model: list models, or send null to allow every model.`, param);
  }
  const unique = [...new Set(entries)];
  if (unique.length > MAX_MODEL_PATTERNS) throw invalidRequest(`\`${param}\` holds more than ${MAX_MODEL_PATTERNS} entries.`, param);
  for (const [index, entry] of unique.entries()) {
    const problem = modelPatternProblem(entry);
    const shown = JSON.stringify(entry.slice(0, 100));
    if (problem !== undefined) throw invalidRequest(`\`${param}[${index}]\` (${shown}) ${problem}.`, param);
    const pattern = new ModelPatterns([entry]);
    if (!models.some((model) => pattern.matches(model.id))) {
      throw invalidRequest(`\`${param}[${index}]\` (${shown}) matches no catalog model; GET /v1/models lists them.`, param);
    }
  }
  return unique;
}

/** The catalog as a key with this allow-list sees it (null: the whole catalog). */
export function allowedCatalog(catalog: Catalog, allowed: ModelPatterns | null | undefined): Catalog {
  if (allowed === null || allowed === undefined) return catalog;
  const restricted = catalog.restrictedTo((model) => allowed.matches(model.id));
  if (restricted.chatModels.length === 0) {
    throw new GatewayError(403, 'permission_denied', 'This API key may use no chat model, so "auto" has none to choose from.', { param: 'model' });
  }
  return restricted;
}

/**
 * 403 `permission_denied` for the first of the named models the key may not use, naming where it came from (`model`,
 * or `models[i]` of the fallback list, i counted after `model`).
 */
export function refuseDisallowedModels(named: readonly ModelConfig[], allowed: ModelPatterns | null | undefined): void {
  if (allowed === null || allowed === undefined) return;
  const index = named.findIndex((model) => !allowed.matches(model.id));
  const model = named[index];
  if (model === undefined) return;
  const where = index === 0 ? 'model' : 'models';
  throw new GatewayError(
    403,
    'permission_denied',
    `This API key may not use the model \`${model.id}\`; its allowed models are: ${allowed.patterns.join(', ')}.`,
    {
      param: where,
    },
  );
}

/** Whether a key with this allow-list may use (and see listed on `/v1/models`) the model. */
export function isAllowedModel(model: { readonly id: string }, allowed: ModelPatterns | null | undefined): boolean {
  return allowed === null || allowed === undefined || allowed.matches(model.id);
}
