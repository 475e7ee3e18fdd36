/**
 * @module `POST /v1/messages` and `POST /v1/messages/count_tokens` (also as `?beta=true`, how Anthropic's SDK calls
 * its beta namespace): the Anthropic Messages front door. The body is checked and translated into the canonical request (`messages/parse.ts`), with
 * the client's cleaned body attached for Claude, and handed to the pipeline with the door's encoders; errors, from
 * the key check on, are in Anthropic's shape (`messages/errors.ts`). Bodies refused before the handler (malformed
 * JSON, too large, too deep) get their ledger row from the pipeline's `onError` hook.
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { requestedModelOf, withModelFromModels } from '../../core/chat-request.js';
import { assertImageUrlBound, type ImageBounds } from '../../gateway/index.js';
import type { Pipeline } from '../../pipeline/index.js';
import type { Router } from '../../routing/index.js';
import { messagesDoor } from '../messages/door.js';
import { handleAnthropicError, setRequestIdHeader } from '../messages/errors.js';
import { parseCountTokensRequest, parseMessagesRequest } from '../messages/parse.js';
import { CountTokensRequestSchema, MessagesBodySchema, type CountTokensRequest, type MessagesBody } from '../messages/request-schema.js';
import { schemaIssuesToError, type SchemaIssue } from '../validation.js';

/** What the Messages routes need. */
export interface MessagesRouteDeps {
  pipeline: Pipeline;
  router: Router;
  imageBounds: ImageBounds;
}

/** Registers `POST /v1/messages` and `POST /v1/messages/count_tokens`. */
export function registerMessages(app: FastifyInstance, deps: MessagesRouteDeps): void {
  const { pipeline, router, imageBounds } = deps;
  const lookup = router.lookup.bind(router);
  const options = {
    schema: { body: MessagesBodySchema },
    attachValidation: true,
    onRequest: requestIdHook,
    onError: pipeline.refusedBodyHook('messages'),
    errorHandler: handleAnthropicError,
  };
  app.post('/v1/messages', options, (request, reply) => {
    const raw: unknown = request.body;
    const described = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const facts = {
      endpoint: 'messages' as const,
      requestedModel: requestedModelOf(described),
      stream: described.stream === true,
    };
    return pipeline.handle(request, reply, facts, async (lifecycle) => {
      if (request.validationError !== undefined) throw schemaIssuesToError(request.validationError.validation as SchemaIssue[]);
      const body = withModelFromModels(raw as MessagesBody);
      const canonical = parseMessagesRequest(body, request.headers['anthropic-beta'], lookup);
      assertImageUrlBound(canonical, imageBounds);
      const thinking = body.thinking;
      const omitThinking = thinking !== undefined && thinking.type !== 'disabled' && thinking.display === 'omitted';
      await pipeline.chat(lifecycle, reply, canonical, messagesDoor({ omitThinking, model: () => answeringModel(reply, body.model) }));
    });
  });
  registerCountTokens(app, deps);
}

/**
 * Registers `POST /v1/messages/count_tokens`: checked like a Messages body, admitted like any request (rpm and
 * concurrency; no tokens or spend held), counted by Claude for a Claude route and by our bounded tokenizer otherwise
 * (`Pipeline.countTokens`); its ledger row (endpoint `messages`) has no tokens and no cost.
 * @see https://platform.claude.com/docs/en/api/messages-count-tokens
 */
function registerCountTokens(app: FastifyInstance, deps: MessagesRouteDeps): void {
  const { pipeline, router } = deps;
  const lookup = router.lookup.bind(router);
  const options = {
    schema: { body: CountTokensRequestSchema },
    attachValidation: true,
    onRequest: requestIdHook,
    onError: pipeline.refusedBodyHook('messages'),
    errorHandler: handleAnthropicError,
  };
  app.post('/v1/messages/count_tokens', options, (request, reply) => {
    const raw: unknown = request.body;
    const described = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const facts = { endpoint: 'messages' as const, requestedModel: typeof described.model === 'string' ? described.model : '', stream: false };
    return pipeline.handle(request, reply, facts, async (lifecycle) => {
      if (request.validationError !== undefined) throw schemaIssuesToError(request.validationError.validation as SchemaIssue[]);
      const canonical = parseCountTokensRequest(raw as CountTokensRequest, request.headers['anthropic-beta'], lookup);
      await reply.send({ input_tokens: await pipeline.countTokens(lifecycle, canonical) });
    });
  });
}

/** The route-level `onRequest` hook: Anthropic's `request-id` header on every answer. */
export function requestIdHook(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  setRequestIdHeader(request, reply);
  done();
}

/** The catalog id of the deployment that answered (the pipeline's `x-op-model`), else the name the client gave. */
function answeringModel(reply: FastifyReply, requested: string): string {
  const model = reply.getHeader('x-op-model');
  return typeof model === 'string' ? model : requested;
}
