/**
 * @module `/api/provider-keys`: the signed-in account's own provider keys (BYOK). The key is checked for the
 * provider's format (and, with `test: true`, against the provider: 10 tests per account an hour by default), sealed,
 * and from then on shown only as its last four characters. Another account's id answers 404 exactly like an unknown one.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../../core/gateway-error.js';
import type { DashboardContext } from './context.js';
import { callService, refuseWhenThrottled } from './errors.js';
import { ProviderKeyAnswer, ProviderKeyList } from './schemas.js';
import { sessionOf } from './session.js';
import { providerKeyJson } from './wire.js';

const AddBody = Type.Object(
  {
    provider: Type.String({ minLength: 1, maxLength: 64 }),
    api_key: Type.String({ minLength: 1, maxLength: 1024 }),
    test: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** Registers the provider key routes on the `/api` instance. */
export function registerProviderKeyRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  api.get('/provider-keys', { schema: { response: { 200: ProviderKeyList } } }, async (request): Promise<Static<typeof ProviderKeyList>> => {
    const { accountId } = sessionOf(request);
    return { data: (await ctx.credentials.list(accountId)).map(providerKeyJson) };
  });

  api.post<{ Body: Static<typeof AddBody> }>(
    '/provider-keys',
    { schema: { body: AddBody, response: { 201: ProviderKeyAnswer } } },
    async (request, reply) => {
      const { accountId } = sessionOf(request);
      const { provider, api_key: apiKey, test } = request.body;
      const key = await callService(async () => ctx.credentials.checkFormat(provider, apiKey));
      if (test === true) {
        if (ctx.testProviderKey === undefined) {
          throw new GatewayError(400, 'invalid_request', 'Testing provider keys is not available on this gateway.', { param: 'test' });
        }
        // Counted before the call: a test tells whether someone's key works, which must not be asked at will.
        refuseWhenThrottled(await ctx.throttles.beginProviderKeyTest(accountId), 'Too many provider key tests. Try again later.');
        await ctx.testProviderKey(provider, key);
      }
      const added = await callService(() => ctx.credentials.add(accountId, provider, key));
      const answer: Static<typeof ProviderKeyAnswer> = { provider_key: providerKeyJson(added) };
      return reply.code(201).send(answer);
    },
  );

  api.delete<{ Params: Static<typeof IdParams> }>('/provider-keys/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { accountId } = sessionOf(request);
    await callService(() => ctx.credentials.remove(accountId, request.params.id));
    return reply.code(204).send();
  });
}
