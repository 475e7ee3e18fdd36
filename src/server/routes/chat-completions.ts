/**
 * @module `POST /v1/chat/completions`: the Chat Completions front door. It validates the body (schema, sampling,
 * image URL count, parameters that would be billed beyond the catalog's prices) into the canonical request and
 * hands it to the pipeline with the door's encoders; routing, admission, dispatch, settling and the ledger are the
 * pipeline's. Bodies refused before the handler (malformed JSON, too large) get their ledger row from the pipeline's
 * `onError` hook.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type { FastifyInstance } from 'fastify';
import {
  ChatCompletionBodySchema,
  requestedModelOf,
  withModelFromModels,
  type ChatCompletionBody,
  type ChatCompletionRequest,
} from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { assertImageUrlBound, type ImageBounds } from '../../gateway/index.js';
import { refuseUnpricedParameters } from '../../metering/index.js';
import type { Pipeline } from '../../pipeline/index.js';
import { chatCompletionsDoor } from '../chat/chat-door.js';
import { schemaIssuesToError, type SchemaIssue } from '../validation.js';

/** Registers the chat completions route. */
export function registerChatCompletions(app: FastifyInstance, pipeline: Pipeline, imageBounds: ImageBounds): void {
  const options = { schema: { body: ChatCompletionBodySchema }, attachValidation: true, onError: pipeline.refusedBodyHook('chat.completions') };
  app.post('/v1/chat/completions', options, (request, reply) => {
    const raw: unknown = request.body;
    const described = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const facts = {
      endpoint: 'chat.completions' as const,
      requestedModel: requestedModelOf(described),
      stream: described.stream === true,
    };
    return pipeline.handle(request, reply, facts, async (lifecycle) => {
      if (request.validationError !== undefined) throw schemaIssuesToError(request.validationError.validation as SchemaIssue[]);
      const body = withModelFromModels(raw as ChatCompletionBody);
      checkSampling(body);
      refuseUnpricedParameters(body);
      assertImageUrlBound(body, imageBounds);
      await pipeline.chat(lifecycle, reply, body, chatCompletionsDoor(body.stream_options?.include_usage === true));
    });
  });
}

/** OpenAI: "alter this or temperature but not both". Both given and neither at its default of 1 is refused. */
function checkSampling(body: ChatCompletionRequest): void {
  const { temperature, top_p: topP } = body;
  if (temperature !== undefined && temperature !== null && topP !== undefined && topP !== null && temperature !== 1 && topP !== 1) {
    throw invalidRequest('Set either `temperature` or `top_p`, not both.', 'top_p');
  }
}
