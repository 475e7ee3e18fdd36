/**
 * @module `X-RateLimit-*` on every `/v1` response: from the admission ticket when the request was admitted, from
 * the rejection when it was refused, and from a peek at the account's windows otherwise (e.g. a 400).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { KeyRecord } from '../auth/index.js';
import { AdmissionError, type Admission, type RateLimitHeaders } from '../limits/index.js';

/** Copies the header values onto the reply. */
export function setRateLimitHeaders(reply: FastifyReply, headers: RateLimitHeaders): void {
  // A plain loop over the names: every admitted request sets these, and `Object.entries` would allocate its pairs.
  for (const name in headers) reply.header(name, headers[name as keyof RateLimitHeaders]);
}

/**
 * Adds the headers to authenticated responses that did not get them from admission. Admitted requests (nearly
 * all) pass straight through, without a promise.
 */
export function registerRateLimitHeaders(app: FastifyInstance, admission: Admission): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.apiKey === null || reply.hasHeader('x-ratelimit-limit')) return done(null, payload);
    admission.peekHeaders(request.apiKey as KeyRecord).then(
      (headers) => {
        setRateLimitHeaders(reply, headers);
        done(null, payload);
      },
      (error: Error) => done(error),
    );
  });
}

/** The headers a rejection carries, if it is one. */
export function rejectionHeaders(error: unknown): RateLimitHeaders | undefined {
  return error instanceof AdmissionError ? error.headers : undefined;
}
