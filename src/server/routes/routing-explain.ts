/**
 * @module `POST /v1/routing/explain`: for a chat request body, the candidates the router would try, in order, with
 * their scores, and why the others were excluded. No upstream is called and no circuit probe is claimed.
 * It is admitted like any request before the router does any work: it counts against the key's rpm and holds a
 * concurrency slot while it runs (no tokens or spend are reserved: nothing is generated), and the prompt is
 * measured with the same tokenizer bound as a completion. The body's `models` and `provider` (over the key's default
 * `provider` preferences) apply as they would to the completion.
 */
import type { FastifyInstance } from 'fastify';
import type { KeyRecord } from '../../auth/index.js';
import { ChatCompletionBodySchema, withModelFromModels, type ChatCompletionBody } from '../../core/chat-request.js';
import type { Admission } from '../../limits/index.js';
import { measurePrompt } from '../../metering/index.js';
import { explainRoute, type Router } from '../../routing/index.js';
import { setRateLimitHeaders } from '../rate-limit-headers.js';

export interface ExplainRouteDeps {
  router: Router;
  admission: Admission;
  /** Characters of a prompt the tokenizer may count (`requests.tokenizerMaxChars`). */
  tokenizerMaxChars: number;
}

/** Registers the explain route. */
export function registerRoutingExplain(app: FastifyInstance, deps: ExplainRouteDeps): void {
  app.post('/v1/routing/explain', { schema: { body: ChatCompletionBodySchema } }, async (request, reply) => {
    const body = withModelFromModels(request.body as ChatCompletionBody);
    const key = request.apiKey as KeyRecord;
    const ticket = await deps.admission.admit({ key, promptTokens: 0, maxOutputTokens: 0, worstCaseCostUsd: 0, byok: false });
    setRateLimitHeaders(reply, ticket.headers());
    try {
      const prompt = measurePrompt(body, deps.tokenizerMaxChars);
      const options = { prompt, providerDefaults: key.defaultProvider, allowedModels: key.allowedModels };
      return explainRoute(deps.router.preview(body, key.defaultRouting ?? undefined, options));
    } finally {
      await ticket.fail();
    }
  });
}
