/**
 * @module `GET /v1/models` and `GET /v1/models/{id}`: the catalog in OpenAI's list shape plus our fields: each
 * model's `kind` (`chat` or `embedding`) and pricing; a chat model's context, output and capabilities; an embedding
 * model's vector size, the `dimensions` it accepts and its per-input token limit. The objects are built once at start.
 * An Anthropic client (one that sends `anthropic-version`) gets Anthropic's shapes instead (`messages/model-list.ts`).
 * A key with a model allow-list is shown only the models it may use.
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModelConfig } from '../../config/types.js';
import { GatewayError } from '../../core/gateway-error.js';
import { isChatModel, isAllowedModel } from '../../routing/index.js';
import { handleError } from '../error-handler.js';
import { handleAnthropicError } from '../messages/errors.js';
import { anthropicModelPage, toAnthropicModelInfo, type ModelPageQuery } from '../messages/model-list.js';

interface ModelObjectBase {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  pricing: { input_per_million: number; output_per_million: number; cached_input_per_million?: number };
}

export interface ChatModelObject extends ModelObjectBase {
  kind: 'chat';
  context_length: number;
  max_output_tokens: number;
  capabilities: { vision: boolean; tools: boolean };
}

export interface EmbeddingModelObject extends ModelObjectBase {
  kind: 'embedding';
  /** Vector length when the request sets no `dimensions`. */
  dimensions: number;
  /** The `dimensions` the model accepts; null: a fixed size (the parameter is refused). */
  dimension_range: { min: number; max: number } | null;
  /** Tokens one input may have. */
  max_input_tokens: number;
}

export type ModelObject = ChatModelObject | EmbeddingModelObject;

/** A catalog model as `/v1/models` (and the dashboard's `/api/models`) shows it. */
export function toModelObject(model: ModelConfig): ModelObject {
  const pricing: ModelObject['pricing'] = {
    input_per_million: model.pricing.input_per_million,
    output_per_million: model.pricing.output_per_million,
  };
  if (model.pricing.cached_input_per_million !== undefined) pricing.cached_input_per_million = model.pricing.cached_input_per_million;
  const { id, created, owned_by } = model;
  if (model.kind === 'embedding') {
    const range = model.dimension_range;
    return {
      id,
      object: 'model',
      created,
      owned_by,
      kind: 'embedding',
      dimensions: model.dimensions,
      dimension_range: range === undefined ? null : { min: range.min, max: range.max },
      max_input_tokens: model.max_input_tokens,
      pricing,
    };
  }
  return {
    id,
    object: 'model',
    created,
    owned_by,
    kind: 'chat',
    context_length: model.context_length,
    max_output_tokens: model.max_output_tokens,
    pricing,
    capabilities: { ...model.capabilities },
  };
}

/**
 * Registers the model routes over a fixed catalog. A request carrying `anthropic-version` (an Anthropic SDK) gets
 * Anthropic's shapes instead, errors included, and may name a model by an alias (`lookup`).
 */
export function registerModelRoutes(app: FastifyInstance, models: readonly ModelConfig[], lookup: (name: string) => ModelConfig | undefined): void {
  const objects = models.map(toModelObject);
  const byId = new Map(objects.map((m) => [m.id, m]));
  const list = { object: 'list' as const, data: objects };
  const anthropicModels = models.filter(isChatModel).map(toAnthropicModelInfo);
  const options = { errorHandler: handleModelsError };

  // A key with a model allow-list sees only the models it may use (another is "not found", as on OpenAI).
  app.get<{ Querystring: ModelPageQuery }>('/v1/models', options, async (request) => {
    const allowed = request.apiKey?.allowedModels;
    if (isAnthropicClient(request)) {
      const infos = allowed ? anthropicModels.filter((m) => isAllowedModel(m, allowed)) : anthropicModels;
      return anthropicModelPage(infos, request.query);
    }
    return allowed ? { object: 'list' as const, data: objects.filter((m) => isAllowedModel(m, allowed)) } : list;
  });
  app.get<{ Params: { id: string } }>('/v1/models/:id', options, async (request) => {
    const { id } = request.params;
    const allowed = request.apiKey?.allowedModels;
    if (isAnthropicClient(request)) {
      const model = lookup(id);
      if (model === undefined || !isChatModel(model) || !isAllowedModel(model, allowed)) throw modelNotFound(id);
      return toAnthropicModelInfo(model);
    }
    const model = byId.get(id);
    if (model === undefined || !isAllowedModel(model, allowed)) throw modelNotFound(id);
    return model;
  });
}

function modelNotFound(id: string): GatewayError {
  return new GatewayError(404, 'model_not_found', `The model \`${id}\` does not exist.`, { param: 'model', type: 'invalid_request_error' });
}

/** Whether the caller is an Anthropic client: every Anthropic SDK sends `anthropic-version`. */
function isAnthropicClient(request: FastifyRequest): boolean {
  return request.headers['anthropic-version'] !== undefined;
}

/** Errors (a bad key too) in the shape of the client that asked. */
function handleModelsError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return isAnthropicClient(request) ? handleAnthropicError(error, request, reply) : handleError(error, request, reply);
}
