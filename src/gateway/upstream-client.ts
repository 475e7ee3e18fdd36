/**
 * @module HTTP to the providers: one undici Agent with keep-alive pools per origin, connect / first-byte / idle
 * timeouts, and network failures mapped into GatewayError.
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { TimeoutConfig } from '../config/types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { UpstreamHeaders, UpstreamRequest } from '../providers/index.js';
import type { CancelSignal } from './cancellation.js';

export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  body: Dispatcher.ResponseData['body'];
}

interface ParsedBase {
  origin: string;
  pathPrefix: string;
}

/** Sends upstream requests over pooled keep-alive connections. One per process. */
export class UpstreamClient {
  private readonly agent: Agent;
  private readonly bases = new Map<string, ParsedBase>();

  constructor(private readonly timeouts: TimeoutConfig) {
    this.agent = new Agent({
      connect: { timeout: timeouts.connectMs },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connections: 256,
      pipelining: 1,
    });
  }

  /**
   * POSTs `request` to `baseUrl` + its path, with `traceHeaders` (the attempt span's W3C `traceparent`) added when
   * tracing is on. Resolves once response headers arrive; throws a GatewayError otherwise.
   */
  async send(
    baseUrl: string,
    request: UpstreamRequest,
    signal: CancelSignal,
    traceHeaders?: Readonly<Record<string, string>>,
  ): Promise<UpstreamResponse> {
    const base = this.parseBase(baseUrl);
    const body = serialize(request.body);
    try {
      const response = await this.agent.request({
        origin: base.origin,
        path: base.pathPrefix + request.path,
        method: 'POST',
        headers: traceHeaders === undefined ? request.headers : { ...request.headers, ...traceHeaders },
        body,
        signal,
        headersTimeout: this.timeouts.firstByteMs,
        bodyTimeout: this.timeouts.idleMs,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw toNetworkError(error, signal);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private parseBase(baseUrl: string): ParsedBase {
    let base = this.bases.get(baseUrl);
    if (base === undefined) {
      const url = new URL(baseUrl);
      base = { origin: url.origin, pathPrefix: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '') };
      this.bases.set(baseUrl, base);
    }
    return base;
  }
}

/**
 * The request body as JSON. A body that cannot be serialised is the gateway's failure, never the provider's: it is
 * answered as a 500 and touches no deployment's health (request bodies are depth-limited at parse time, so this is
 * a bug if it happens).
 */
function serialize(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new GatewayError(500, 'internal_error', 'The request could not be encoded for the provider.', { retryable: false, cause: error });
  }
}

/**
 * Maps a failure while talking to a provider (connect, timeout, reset, client abort) to a GatewayError. Only
 * network failures are the provider's (503, retryable, counted against its health); anything else that was thrown
 * is the gateway's own failure: a 500 that neither fails over nor counts against the deployment.
 */
export function toNetworkError(error: unknown, signal?: CancelSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  if (signal?.aborted) {
    return new GatewayError(499, 'client_closed_request', 'The client closed the request.', { retryable: false, cause: error });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError(503, 'provider_unavailable', 'The provider timed out.', { retryable: true, upstream: true, cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError(503, 'provider_unavailable', 'Connecting to the provider timed out.', { retryable: true, upstream: true, cause: error });
  }
  if (isNetworkFailure(error)) {
    return new GatewayError(503, 'provider_unavailable', 'The provider is unreachable.', { retryable: true, upstream: true, cause: error });
  }
  return new GatewayError(500, 'internal_error', 'The server had an error while processing your request.', { retryable: false, cause: error });
}

/** undici's errors and Node's socket and DNS errors (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, …). */
function isNetworkFailure(error: unknown): boolean {
  if (error instanceof undiciErrors.UndiciError) return true;
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(E(?!RR_)[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code);
}
