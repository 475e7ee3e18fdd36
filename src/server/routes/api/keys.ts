/**
 * @module `/api/keys`: list, create, change, rotate and revoke the signed-in account's API keys. Every call is
 * scoped to that account: another account's key id answers 404 exactly like an unknown one. The secret is in the
 * answer to create and rotate only. A key's `default_provider` (OpenRouter's `provider` preferences, applied to its
 * requests under their own) is checked against the catalog's providers like a request's (400 naming the field); its
 * `response_cache_ttl_seconds` turns the response cache on for every request made with it (README: Response cache).
 * Its governance — `budget_usd` + `budget_period`, `allowed_models` (each entry must match a catalog model),
 * `rpm_limit`, `tpm_limit`, `expires_at` — is checked in full before anything is stored (400 naming the field).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_ROTATION_GRACE_SECONDS } from '../../../auth/index.js';
import { ProviderPreferencesSchema, type ProviderPreferences } from '../../../core/chat-request.js';
import { checkAllowedModels } from '../../../routing/model-allow-list.js';
import { checkProviderPreferences, ProviderDirectory } from '../../../routing/provider-preferences.js';
import type { DashboardContext } from './context.js';
import { callService } from './errors.js';
import { KeyAnswer, KeyList, KeyWithSecret, RoutingMode } from './schemas.js';
import { sessionOf } from './session.js';
import { keyJson } from './wire.js';

const Routing = Type.Union([RoutingMode, Type.Null()]);
const SpendCap = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 100 });
const ProviderDefaults = Type.Union([ProviderPreferencesSchema, Type.Null()]);
/** Seconds (checked by the keys service: whole, 1 to 30 days); null: none. */
const CacheTtl = Type.Union([Type.Number(), Type.Null()]);
/** Numbers and strings the keys service checks, so its 400s name the field and say why. */
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const NullableText = Type.Union([Type.String({ maxLength: 100 }), Type.Null()]);
const AllowedModels = Type.Union([Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 }), Type.Null()]);

/** A key's settings besides its name, the same on create and change: all optional. */
const Settings = {
  default_routing: Type.Optional(Routing),
  default_provider: Type.Optional(ProviderDefaults),
  spend_cap_usd: Type.Optional(SpendCap),
  response_cache_ttl_seconds: Type.Optional(CacheTtl),
  budget_usd: Type.Optional(NullableNumber),
  budget_period: Type.Optional(NullableText),
  allowed_models: Type.Optional(AllowedModels),
  rpm_limit: Type.Optional(NullableNumber),
  tpm_limit: Type.Optional(NullableNumber),
  expires_at: Type.Optional(NullableText),
};

const CreateBody = Type.Object({ name: Name, ...Settings }, { additionalProperties: false });
const PatchBody = Type.Object({ name: Type.Optional(Name), ...Settings }, { additionalProperties: false });
const RotateBody = Type.Union([
  Type.Object({ grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ROTATION_GRACE_SECONDS })) }, { additionalProperties: false }),
  Type.Null(),
]);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** Registers the key routes on the `/api` instance. */
export function registerKeyRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  const providers = ProviderDirectory.of(ctx.models);
  /** The body's `default_provider` checked and normalised; undefined when absent, null when cleared. */
  const providerDefaults = (value: ProviderPreferences | null | undefined): ProviderPreferences | null | undefined =>
    value === undefined || value === null ? value : checkProviderPreferences(value, providers, 'default_provider');
  /**
   * The body's settings under the keys service's names, `default_provider` checked against the catalog's providers
   * and the allow-list against its models (400 naming the field or entry).
   */
  const settings = (body: Static<typeof PatchBody>) => ({
    routing: body.default_routing,
    provider: providerDefaults(body.default_provider),
    spendCapUsd: body.spend_cap_usd,
    responseCacheTtlSeconds: body.response_cache_ttl_seconds,
    budgetUsd: body.budget_usd,
    budgetPeriod: body.budget_period,
    allowedModels:
      body.allowed_models === undefined || body.allowed_models === null ? body.allowed_models : checkAllowedModels(body.allowed_models, ctx.models),
    rpmLimit: body.rpm_limit,
    tpmLimit: body.tpm_limit,
    expiresAt: body.expires_at,
  });
  api.get('/keys', { schema: { response: { 200: KeyList } } }, async (request): Promise<Static<typeof KeyList>> => {
    const { accountId } = sessionOf(request);
    const keys = await callService(() => ctx.keys.listKeys({ accountId }));
    return { data: keys.map(keyJson) };
  });

  api.post<{ Body: Static<typeof CreateBody> }>(
    '/keys',
    { schema: { body: CreateBody, response: { 201: KeyWithSecret } } },
    async (request, reply) => {
      const { accountId } = sessionOf(request);
      const key = { accountId, name: request.body.name, ...settings(request.body) };
      const created = await callService(() => ctx.keys.createKey(key));
      const answer: Static<typeof KeyWithSecret> = { key: keyJson(created), secret: created.secret };
      return reply.code(201).send(answer);
    },
  );

  api.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof PatchBody> }>(
    '/keys/:id',
    { schema: { params: IdParams, body: PatchBody, response: { 200: KeyAnswer } } },
    async (request): Promise<Static<typeof KeyAnswer>> => {
      const { accountId } = sessionOf(request);
      const changes = { name: request.body.name, ...settings(request.body) };
      const key = await callService(() => ctx.keys.updateKey(request.params.id, changes, { accountId }));
      return { key: keyJson(key) };
    },
  );

  api.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RotateBody> | undefined }>(
    '/keys/:id/rotate',
    { schema: { params: IdParams, body: RotateBody, response: { 200: KeyWithSecret } } },
    async (request): Promise<Static<typeof KeyWithSecret>> => {
      const { accountId } = sessionOf(request);
      const graceSeconds = request.body?.grace_seconds ?? 0;
      const rotated = await callService(() => ctx.keys.rotateKey(request.params.id, { accountId }, { graceSeconds }));
      return { key: keyJson(rotated), secret: rotated.secret };
    },
  );

  api.post<{ Params: Static<typeof IdParams> }>(
    '/keys/:id/revoke',
    { schema: { params: IdParams, response: { 200: KeyAnswer } } },
    async (request): Promise<Static<typeof KeyAnswer>> => {
      const { accountId } = sessionOf(request);
      const key = await callService(() => ctx.keys.revokeKey(request.params.id, { accountId }));
      return { key: keyJson(key) };
    },
  );
}
