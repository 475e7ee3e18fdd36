/**
 * @module `POST /v1/responses`: the OpenAI Responses API front door, for every chat model and `model: "auto"`. It
 * validates the body, expands the conversation (`previous_response_id` from the store, `item_reference`s), translates
 * it into the canonical Chat Completions request — for OpenAI deployments too: one code path, one behaviour, and no
 * conversation state kept in a provider account — and hands it to the pipeline with the door's encoders, which
 * answer a Response object or the Responses event stream. With `store` (the default) the turn is saved before the
 * client gets its last byte, so the next turn can continue it from any instance.
 *
 * Everything refused for its input (schema, checks, an unknown previous response, a full store) is refused before
 * routing, admission and any upstream call: nothing is charged, and the pipeline writes the refused request's row.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import type { FastifyInstance } from 'fastify';
import type { ResponseStore } from '../../conversation/index.js';
import { requestedModelOf, withModelFromModels, type ChatCompletionRequest } from '../../core/chat-request.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import { assertImageUrlBound, type ImageBounds } from '../../gateway/index.js';
import { refuseUnpricedParameters } from '../../metering/index.js';
import type { Pipeline } from '../../pipeline/index.js';
import { checkResponsesRequest, toCanonicalRequest } from '../responses/canonical-request.js';
import { ResponsesBodySchema, type ResponsesBody } from '../responses/request-schema.js';
import { newResponseId, responseEcho } from '../responses/response-object.js';
import { responsesDoor } from '../responses/responses-door.js';
import type { ResponseTurn } from '../responses/response-turn.js';
import { toChatMessages } from '../responses/to-chat-messages.js';
import { translateTools } from '../responses/tools.js';
import { loadTurnInput } from '../responses/turn-input.js';
import { INCLUDE_ENCRYPTED_REASONING, requestWarnings, WARNINGS_HEADER, warningsHeaderValue } from '../responses/warnings.js';
import { schemaIssuesToError, type SchemaIssue } from '../validation.js';

export interface ResponsesRouteDeps {
  pipeline: Pipeline;
  store: ResponseStore;
  imageBounds: ImageBounds;
  /** Milliseconds since the epoch (`created_at`, `completed_at`). */
  now: () => number;
}

/** Registers `POST /v1/responses`. */
export function registerResponses(app: FastifyInstance, deps: ResponsesRouteDeps): void {
  const { pipeline, store } = deps;
  const options = { schema: { body: ResponsesBodySchema }, attachValidation: true, onError: pipeline.refusedBodyHook('responses') };
  app.post('/v1/responses', options, (request, reply) => {
    const raw: unknown = request.body;
    const described = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const facts = {
      endpoint: 'responses' as const,
      requestedModel: requestedModelOf(described),
      stream: described.stream === true,
    };
    return pipeline.handle(request, reply, facts, async (lifecycle) => {
      if (request.validationError !== undefined) throw schemaIssuesToError(request.validationError.validation as SchemaIssue[]);
      const body = withModelFromModels(raw as ResponsesBody);
      checkResponsesRequest(body);
      const tools = translateTools(body.tools ?? [], body.tool_choice);
      const accountId = lifecycle.key.accountId;
      const turnInput = await loadTurnInput(store, accountId, body.input, body.previous_response_id);
      const messages = toChatMessages(body.instructions, turnInput.conversation);
      if (messages.length === 0) throw invalidRequest('The conversation is empty: send at least one input item.', 'input');
      const canonical = toCanonicalRequest(body, messages, tools);
      refuseUnpricedParameters(canonical);
      checkImageUrls(canonical, deps.imageBounds);
      const warnings = warningsHeaderValue(requestWarnings(body, tools.dropped));
      if (warnings !== undefined) reply.header(WARNINGS_HEADER, warnings);
      const keep = body.store !== false;
      if (keep) await store.assertRoom(accountId, turnInput.input);
      const createdAt = Math.floor(deps.now() / 1000);
      const turn: ResponseTurn = {
        id: newResponseId(),
        createdAt,
        echo: responseEcho(body, tools.echo),
        customNames: tools.customNames,
        includeEncrypted: body.include?.includes(INCLUDE_ENCRYPTED_REASONING) === true,
        now: deps.now,
        async keep(output, response) {
          if (!keep) return;
          const previousResponseId = body.previous_response_id ?? null;
          await store.save({ id: response.id, accountId, createdAt, previousResponseId, input: turnInput.input, output: [...output], response });
        },
      };
      await pipeline.chat(lifecycle, reply, canonical, responsesDoor(turn, body.model));
    });
  });
}

/** The chat door's bound on remote image URLs, with the Responses parameter named. */
function checkImageUrls(canonical: ChatCompletionRequest, bounds: ImageBounds): void {
  try {
    assertImageUrlBound(canonical, bounds);
  } catch (error) {
    throw error instanceof GatewayError ? invalidRequest(error.message, 'input') : error;
  }
}
