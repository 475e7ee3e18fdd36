/**
 * @module The HTTP server, seen from outside: {@link startGateway} opens the store, builds every service (keys,
 * limits, routing, the gateway, the ledger, the caches, tracing), mounts the doors (`/v1/chat/completions`,
 * `/v1/messages`, `/v1/responses`, `/v1/embeddings`, …), the dashboard's `/api` and `/metrics`, and listens;
 * the returned gateway's `close()` stops it. The CLI's `serve` starts the gateway through it.
 */
export { startGateway, type RunningGateway, type StartOptions } from './start.js';
