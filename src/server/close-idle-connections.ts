/**
 * @module Graceful close: in-flight responses finish, then their connections are let go at once.
 *
 * `app.close()` stops accepting connections and closes the keep-alive connections that are idle at that moment,
 * then waits for the others. A connection whose response was still in flight (a long stream) turns idle only when
 * that response ends, and Node then keeps it open for `keepAliveTimeout` (72 s in Fastify) before the server counts
 * as closed. So a gateway told to stop mid-stream took over a minute to do so, and flushed the usage ledger only
 * after that (an orchestrator that kills after a 30 s grace period would lose the rows). While closing, idle
 * connections are therefore closed every few milliseconds until the server has closed.
 */
import type { FastifyInstance } from 'fastify';

/** How often idle connections are swept while the server drains. */
const SWEEP_MS = 20;

/** Registers the sweep on `app`'s close. */
export function closeIdleConnectionsWhileClosing(app: FastifyInstance): void {
  app.addHook('preClose', async () => {
    const server = app.server;
    const timer = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    timer.unref();
    server.once('close', () => clearInterval(timer));
  });
}
