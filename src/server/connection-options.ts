/**
 * @module The inbound side of the HTTP server: whose forwarded headers to believe, and how long a connection may
 * take to deliver a request. Which of Node's timeouts are used, and why:
 *
 * - `headersTimeout` and `requestTimeout` bound *receiving* a request: the request line and headers, then the
 *   whole request with its body (a client trickling a body a byte at a time gets a 408 and the connection is
 *   closed). Node stops timing a request once it has fully arrived, so neither can cut an answer that is waiting
 *   on a slow upstream (up to `timeouts.firstByteMs` per attempt, then `timeouts.idleMs` between chunks).
 * - Node checks those two every `connectionsCheckingInterval` (30 s by default, which would let a 10 s timeout run
 *   to 40 s); it is set to a tenth of the shorter timeout, so a deadline is kept to within 10 %.
 * - `keepAliveTimeout` closes a keep-alive connection idle between requests; it stays above the 60 s idle timeout
 *   of common load balancers, so the balancer, not the gateway, closes first (no request sent on a closing socket).
 * - `connectionTimeout` (socket inactivity) is the only one that also covers answering, so it is long: a socket
 *   silent both ways for that long has a client that stopped reading, or one that gave up (the OpenAI SDKs time
 *   out at 10 minutes). Failover may chain several `firstByteMs` waits before the first byte; 10 minutes covers them.
 * - `maxConnections` refuses connections past the cap on arrival (they are closed at once), so a flood of idle
 *   sockets cannot take every file descriptor.
 *
 * `trustProxy`: Fastify reads `X-Forwarded-For` (the client address, `request.ip`) and `X-Forwarded-Proto`
 * (`request.protocol`) only from a connection whose own address is in this list; from anyone else they are ignored.
 * An empty list trusts nobody.
 * @see https://nodejs.org/api/http.html#serverrequesttimeout
 * @see https://fastify.dev/docs/latest/Reference/Server/#trustproxy
 */
import type { ServerOptions } from 'node:http';
import type { ConnectionLimits } from '../config/types.js';

/** The Fastify options that carry the limits. */
export interface FastifyConnectionOptions {
  trustProxy: string[] | false;
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
  maxRequestsPerSocket: number;
  http: ServerOptions;
}

/** Fastify's options for these limits and trusted proxies; `maxConnections` is set on the server afterwards. */
export function fastifyConnectionOptions(limits: ConnectionLimits, trustProxy: readonly string[]): FastifyConnectionOptions {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    trustProxy: trustProxy.length === 0 ? false : [...trustProxy],
    connectionTimeout: limits.socketIdleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.round(shortest / 10))),
    },
  };
}
