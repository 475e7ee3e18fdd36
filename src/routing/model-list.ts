/**
 * @module The models a chat request names: none for `model: "auto"` (the router chooses), else `model` followed by
 * the `models` fallback list (OpenRouter's extension), aliases resolved and repeats dropped. Every name must be a
 * catalog chat model: the 400s here name the field it came from. Also the refusals that concern named models as
 * such: an image for a text-only model, no provider configured for any of them.
 * @see https://openrouter.ai/docs/guides/routing/model-fallbacks
 */
import type { ChatModelConfig, ModelConfig } from '../config/types.js';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError, invalidRequest } from '../core/gateway-error.js';
import { type Catalog, isChatModel, requireChatModel } from './catalog.js';
import { hasImage } from './requirements.js';

/** The model id that asks for smart routing (the router's `AUTO_MODEL`, repeated to keep this module a leaf). */
const AUTO = 'auto';

/**
 * The catalog models to try, in order; undefined for `model: "auto"` without `models`.
 * @throws GatewayError 400: `models` together with `model: "auto"`, or naming `"auto"`, an unknown or an embedding
 * model (param `models`); `model` naming an unknown or an embedding model (param `model`).
 */
export function namedModels(req: ChatCompletionRequest, catalog: Catalog): ChatModelConfig[] | undefined {
  const list = req.models;
  if (list === undefined) {
    if (req.model === AUTO) return undefined;
    const model = catalog.get(req.model);
    if (model === undefined) throw unknownModel(req.model, 'model');
    return [requireChatModel(model)];
  }
  if (req.model === AUTO) {
    throw invalidRequest(
      'Pick one: `model: "auto"` lets the gateway choose, `models` lists the models to try in order; send one of them, not both.',
      'models',
    );
  }
  const named: ChatModelConfig[] = [];
  const first = catalog.get(req.model);
  if (first === undefined) throw unknownModel(req.model, 'model');
  named.push(requireChatModel(first));
  for (const [index, name] of list.entries()) {
    if (name === AUTO) {
      throw invalidRequest(`\`models[${index}]\` is "auto": list catalog models only (or send \`model: "auto"\` without \`models\`).`, 'models');
    }
    const model = catalog.get(name);
    if (model === undefined) throw unknownModel(name, 'models', index);
    if (!isChatModel(model)) {
      throw invalidRequest(`\`models[${index}]\` (\`${model.id}\`) is an embedding model: list chat models only.`, 'models');
    }
    if (!named.includes(model)) named.push(model);
  }
  return named;
}

function unknownModel(name: string, param: 'model' | 'models', index?: number): never {
  const where = index === undefined ? `The model \`${name.slice(0, 200)}\`` : `\`models[${index}]\` (\`${name.slice(0, 200)}\`)`;
  throw invalidRequest(`${where} does not exist. GET /v1/models lists the available models.`, param);
}

/** A model without vision asked about an image: 400, as the upstream would refuse it anyway. */
export function refuseImageForTextModel(model: ModelConfig, req: ChatCompletionRequest): void {
  if (!model.capabilities.vision && hasImage(req)) {
    throw invalidRequest(`The model \`${model.id}\` does not support image input; choose a vision model or "auto".`, 'messages');
  }
}

/** 503 for named models none of whose providers has a credential. */
export function noProviderFor(models: readonly ModelConfig[]): GatewayError {
  const names = [...new Set(models.flatMap((m) => m.deployments.map((d) => d.provider)))].join(', ');
  return new GatewayError(
    503,
    'provider_unavailable',
    `No provider is configured for ${models.map((m) => m.id).join(', ')} (needs an API key for: ${names}).`,
  );
}
