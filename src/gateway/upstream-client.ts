/**
 * @module HTTP to the providers: one undici Agent with keep-alive pools per origin, connect / first-byte / idle
 * timeouts, and network failures mapped into GatewayError.
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { TimeoutConfig } from '../config/types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { UpstreamHeaders, UpstreamRequest } from '../providers/types.js';
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

  /** POSTs `request` to `baseUrl` + its path. Resolves once response headers arrive; throws a GatewayError otherwise. */
  async send(baseUrl: string, request: UpstreamRequest, signal: CancelSignal): Promise<UpstreamResponse> {
    const base = this.parseBase(baseUrl);
    try {
      const response = await this.agent.request({
        origin: base.origin,
        path: base.pathPrefix + request.path,
        method: 'POST',
        headers: request.headers,
        body: JSON.stringify(request.body),
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

/** Maps a failure while talking to a provider (connect, timeout, reset, client abort) to a GatewayError. */
export function toNetworkError(error: unknown, signal?: CancelSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  if (signal?.aborted) {
    return new GatewayError(499, 'client_closed_request', 'The client closed the request.', { retryable: false, cause: error });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError(503, 'provider_unavailable', 'The provider timed out.', { retryable: true, cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError(503, 'provider_unavailable', 'Connecting to the provider timed out.', { retryable: true, cause: error });
  }
  return new GatewayError(503, 'provider_unavailable', 'The provider is unreachable.', { retryable: true, cause: error });
}
