/**
 * @module `POST /api/signup`, `POST /api/login`, `POST /api/logout`, `POST /api/logout-everywhere`,
 * `POST /api/password` and `GET /api/me`. Every sign-up and login starts a brand-new session (and ends the one the
 * browser came with), so a session id planted before login is useless afterwards. Logins, password checks and
 * signups are throttled per email and per client address, and the attempt is counted before the password is
 * hashed, so concurrent guesses cannot slip past the count (see `auth/throttle/`).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountInfo } from '../../../auth/index.js';
import { GatewayError } from '../../../core/gateway-error.js';
import { effectiveLimits } from '../../../limits/index.js';
import { readMonthlyUsage } from '../../../metering/index.js';
import { callService, refuseWhenThrottled } from './errors.js';
import type { DashboardContext } from './context.js';
import { AuthAnswer, Me } from './schemas.js';
import { clearSessionCookie, SESSION_COOKIE, sessionOf, setSessionCookie } from './session.js';
import { accountJson, monthJson } from './wire.js';

const NewPassword = Type.String({ minLength: 10, maxLength: 1024 });
const SignupBody = Type.Object({ email: Type.String({ maxLength: 254 }), password: NewPassword }, { additionalProperties: false });
const LoginBody = Type.Object(
  { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);
const PasswordBody = Type.Object({ current_password: Type.String({ maxLength: 1024 }), new_password: NewPassword }, { additionalProperties: false });

/** Registers the account routes on the `/api` instance. */
export function registerAccountRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  api.post<{ Body: Static<typeof SignupBody> }>(
    '/signup',
    { schema: { body: SignupBody, response: { 201: AuthAnswer } }, config: { dashboardPublic: true } },
    async (request, reply) => {
      const { email, password } = request.body;
      refuseWhenThrottled(await ctx.throttles.beginSignup(request.ip), 'Too many sign-ups from this address. Try again later.');
      const account = await callService(() => ctx.accounts.createAccount({ email, password, plan: 'free' }));
      return startSession(ctx, request, reply.code(201), account);
    },
  );

  api.post<{ Body: Static<typeof LoginBody> }>(
    '/login',
    { schema: { body: LoginBody, response: { 200: AuthAnswer } }, config: { dashboardPublic: true } },
    async (request, reply) => {
      const { email, password } = request.body;
      const verdict = await ctx.throttles.beginLogin(email, request.ip);
      refuseWhenThrottled(verdict, 'Too many failed sign-in attempts. Try again later.');
      const account = await ctx.accounts.authenticate(email, password);
      if (account === undefined) {
        throw new GatewayError(401, 'invalid_credentials', 'Incorrect email or password.', { type: 'invalid_request_error' });
      }
      await ctx.throttles.loginSucceeded(verdict.attempt);
      return startSession(ctx, request, reply, account);
    },
  );

  api.post('/logout', async (request, reply) => {
    await ctx.sessions.destroy(sessionOf(request).token);
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  api.post('/logout-everywhere', async (request, reply) => {
    await ctx.sessions.destroyAll(sessionOf(request).accountId);
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  api.post<{ Body: Static<typeof PasswordBody> }>('/password', { schema: { body: PasswordBody } }, async (request, reply) => {
    const session = sessionOf(request);
    const account = await ctx.accounts.findAccountById(session.accountId);
    if (account === undefined) throw new GatewayError(401, 'not_authenticated', 'This account no longer exists.');
    // Checking the current password is a login attempt: a stolen session must not become a password oracle.
    const verdict = await ctx.throttles.beginLogin(account.email, request.ip);
    refuseWhenThrottled(verdict, 'Too many wrong passwords. Try again later.');
    const { current_password: current, new_password: next } = request.body;
    await callService(() => ctx.accounts.changePassword(account.id, current, next));
    await ctx.throttles.loginSucceeded(verdict.attempt);
    await ctx.sessions.destroyAll(account.id, session.token);
    return reply.code(204).send();
  });

  api.get('/me', { schema: { response: { 200: Me } } }, async (request): Promise<Static<typeof Me>> => {
    const session = sessionOf(request);
    const account = await ctx.accounts.findAccountById(session.accountId);
    if (account === undefined) throw new GatewayError(401, 'not_authenticated', 'This account no longer exists.');
    const limits = effectiveLimits(
      {
        keyId: '',
        accountId: account.id,
        plan: account.plan,
        keySpendCapUsd: null,
        accountSpendCapUsd: account.monthlySpendCapUsd,
        limits: account.limits,
      },
      ctx.plans,
    );
    const month = await readMonthlyUsage(ctx.db, { accountId: account.id, nowMs: ctx.now() });
    return {
      account: accountJson(account),
      limits: { rpm: limits.rpm, tpm: limits.tpm, concurrent: limits.concurrent, included_tokens: limits.includedTokens },
      spend_cap_usd: account.monthlySpendCapUsd,
      month: monthJson(month),
      csrf_token: session.csrfToken,
    };
  });
}

/** Ends the session the browser came with (if any), starts a new one and answers with the account. */
async function startSession(
  ctx: DashboardContext,
  request: FastifyRequest,
  reply: FastifyReply,
  account: AccountInfo,
): Promise<Static<typeof AuthAnswer>> {
  const previous = request.cookies[SESSION_COOKIE];
  if (previous !== undefined) await ctx.sessions.destroy(previous);
  const session = await ctx.sessions.create(account.id);
  setSessionCookie(request, reply, session, ctx.now());
  return { account: accountJson(account), csrf_token: session.csrfToken };
}
