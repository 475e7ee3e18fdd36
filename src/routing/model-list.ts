/**
 * @module The models a chat request names: none for `model: "auto"` (the router chooses), else `model` followed by
 * the `models` fallback list (OpenRouter's extension), aliases resolved and repeats dropped. Every name must be a
 * catalog chat model: the 400s here name the field it came from.
 * @see https://openrouter.ai/docs/guides/routing/model-fallbacks
 */
import type { ChatModelConfig } from '../config/types.js';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { invalidRequest } from '../core/gateway-error.js';
import { type Catalog, isChatModel, requireChatModel } from './catalog.js';

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
