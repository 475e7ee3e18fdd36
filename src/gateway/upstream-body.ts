/**
 * @module Reading upstream bodies with bounds: a non-streaming answer is read whole only up to 8 MiB, an error body
 * only as far as its message needs, and a stream must really be an event stream. What breaks a bound is a 502
 * before anything reaches the client, and the connection is closed. An answer over the size cap is the gateway's
 * refusal, not the provider's failure: it is not retried elsewhere (the provider has already billed it, and a
 * failover would pay twice), does not count against the deployment's health, and carries the output tokens that
 * arrived (estimated from their bytes) so the tenant pays what the provider generated.
 */
import { GatewayError } from '../core/gateway-error.js';
import { ESTIMATE_BYTES_PER_TOKEN } from '../metering/index.js';
import { headerValue } from '../providers/index.js';
import { toNetworkError, type UpstreamResponse } from './upstream-client.js';
import type { CancelSignal } from './cancellation.js';

/**
 * The largest upstream answer the gateway reads whole (a non-streaming completion), and the largest single event of
 * an upstream stream: 8 MiB, like the request body limit. A provider that sends more (a broken proxy, an endless
 * body) gets its connection closed and the client a 502, instead of the gateway buffering without bound.
 */
export const MAX_UPSTREAM_BODY_BYTES = 8 * 1024 * 1024;

/** How much of an upstream error body is read for its message; the rest is discarded. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

function upstreamTooLarge(bytes: number, limit: number): GatewayError {
  return new GatewayError(502, 'provider_error', `The provider's answer exceeded the ${Number((limit / 1024 / 1024).toFixed(1))} MiB limit.`, {
    retryable: false,
    unrelayedOutputTokens: Math.ceil(bytes / ESTIMATE_BYTES_PER_TOKEN),
  });
}

/**
 * A 2xx body read whole, up to `limit` bytes ({@link MAX_UPSTREAM_BODY_BYTES}, or what an embeddings answer of the
 * asked size can take); a larger one is a 502 (and the connection is closed).
 */
export async function readBodyText(response: UpstreamResponse, signal: CancelSignal, limit = MAX_UPSTREAM_BODY_BYTES): Promise<string> {
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (declared > limit) {
    discardBody(response);
    throw upstreamTooLarge(declared, limit);
  }
  const text = await readAtMost(response, signal, limit);
  if (text === undefined) throw upstreamTooLarge(limit, limit);
  return text;
}

/** An error body for its message: the first {@link MAX_ERROR_BODY_BYTES}, the rest discarded. */
export async function readErrorText(response: UpstreamResponse, signal: CancelSignal): Promise<string> {
  return (await readAtMost(response, signal, MAX_ERROR_BODY_BYTES, true)) ?? '';
}

/**
 * Reads the body as UTF-8 up to `limit` bytes. Past it the body is destroyed and the result is the first `limit`
 * bytes when `truncate`, else undefined. Read with `data` events rather than `for await`: the async iterator costs a
 * promise per piece and end-of-stream bookkeeping, on every non-streaming request.
 */
function readAtMost(response: UpstreamResponse, signal: CancelSignal, limit: number, truncate = false): Promise<string | undefined> {
  const body = response.body;
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      body.off('error', onError);
      // A destroyed body may still report its abort; it must not be an unhandled error.
      body.on('error', ignore);
    };
    const onData = (part: Buffer): void => {
      if (size + part.length <= limit) {
        parts.push(part);
        size += part.length;
        return;
      }
      settle();
      body.destroy();
      if (!truncate) {
        resolve(undefined);
        return;
      }
      parts.push(part.subarray(0, limit - size));
      resolve(Buffer.concat(parts, limit).toString('utf8'));
    };
    const onEnd = (): void => {
      settle();
      resolve(Buffer.concat(parts, size).toString('utf8'));
    };
    const onError = (error: unknown): void => {
      settle();
      reject(toNetworkError(error, signal));
    };
    // Closed before its end without an error of its own: cut short, as `for await` would report it.
    const onClose = (): void => onError(body.errored ?? prematureClose());
    if (body.destroyed) {
      onClose();
      return;
    }
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('close', onClose);
    body.on('error', onError);
  });
}

function ignore(): void {}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Closes a body nobody will read (undici reports the abort as an error event, which must have a listener). */
function discardBody(response: UpstreamResponse): void {
  response.body.on('error', ignore);
  response.body.destroy();
}

/**
 * A 2xx answer to a stream request must be an event stream. Anything else (an HTML page from a proxy, a JSON body
 * from an upstream that ignored `stream`) is a 502 before any byte reaches the client, so it can still fail over.
 * A missing content type is given the benefit of the doubt: the SSE parser and the translator judge the body.
 */
export function assertEventStream(response: UpstreamResponse): void {
  const type = headerValue(response.headers, 'content-type');
  if (type === undefined || /^\s*text\/event-stream\b/i.test(type)) return;
  discardBody(response);
  const shown = type.split(';')[0]?.trim().slice(0, 100) ?? '';
  throw new GatewayError(502, 'provider_error', `The provider answered a stream request with ${shown} instead of an event stream.`, {
    retryable: true,
    upstream: true,
  });
}
