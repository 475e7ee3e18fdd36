/**
 * @module `POST /v1/routing/explain`: for a chat request body, the candidates the router would try, in order, with
 * their scores, and why the others were excluded. No upstream is called and no circuit probe is claimed.
 */
import type { FastifyInstance } from 'fastify';
import type { KeyRecord } from '../../auth/index.js';
import { ChatCompletionRequestSchema, type ChatCompletionRequest } from '../../core/chat-request.js';
import { explainRoute } from '../../routing/explain.js';
import type { Router } from '../../routing/router.js';

/** Registers the explain route. */
export function registerRoutingExplain(app: FastifyInstance, router: Router): void {
  app.post('/v1/routing/explain', { schema: { body: ChatCompletionRequestSchema } }, async (request) => {
    const body = request.body as ChatCompletionRequest;
    const key = request.apiKey as KeyRecord;
    return explainRoute(router.preview(body, key.defaultRouting ?? undefined));
  });
}
