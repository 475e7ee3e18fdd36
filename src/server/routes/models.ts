/**
 * @module `GET /v1/models` and `GET /v1/models/{id}`: the catalog in OpenAI's list shape plus our context, output,
 * pricing and capability fields. The objects are built once at start.
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
import type { FastifyInstance } from 'fastify';
import type { ModelConfig } from '../../config/types.js';
import { GatewayError } from '../../core/gateway-error.js';

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  context_length: number;
  max_output_tokens: number;
  pricing: { input_per_million: number; output_per_million: number; cached_input_per_million?: number };
  capabilities: { vision: boolean; tools: boolean };
}

/** A catalog model as `/v1/models` (and the dashboard's `/api/models`) shows it. */
export function toModelObject(model: ModelConfig): ModelObject {
  const pricing: ModelObject['pricing'] = {
    input_per_million: model.pricing.input_per_million,
    output_per_million: model.pricing.output_per_million,
  };
  if (model.pricing.cached_input_per_million !== undefined) pricing.cached_input_per_million = model.pricing.cached_input_per_million;
  return {
    id: model.id,
    object: 'model',
    created: model.created,
    owned_by: model.owned_by,
    context_length: model.context_length,
    max_output_tokens: model.max_output_tokens,
    pricing,
    capabilities: { ...model.capabilities },
  };
}

/** Registers the model routes over a fixed catalog. */
export function registerModelRoutes(app: FastifyInstance, models: readonly ModelConfig[]): void {
  const objects = models.map(toModelObject);
  const byId = new Map(objects.map((m) => [m.id, m]));
  const list = { object: 'list' as const, data: objects };

  app.get('/v1/models', async () => list);
  app.get<{ Params: { id: string } }>('/v1/models/:id', async (request) => {
    const model = byId.get(request.params.id);
    if (model === undefined) {
      throw new GatewayError(404, 'model_not_found', `The model \`${request.params.id}\` does not exist.`, {
        param: 'model',
        type: 'invalid_request_error',
      });
    }
    return model;
  });
}
