/**
 * @module The simulator's HTTP server: plain `node:http` (no framework, for throughput), one port for every
 * provider, plus the `/_sim/*` control endpoints.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANTHROPIC_COUNT_TOKENS_PATH, handleAnthropicCountTokens } from './anthropic-count-tokens.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { handleProviderCall } from './handle-call.js';
import { handleEmbeddingCall, matchEmbeddingRoute } from './handle-embeddings.js';
import { guarded, sendJson } from './http-io.js';
import type { SimulatorKnobs } from './knobs.js';
import { matchProviderRoute } from './routes.js';
import { SimulatorState, type SimulatorStats } from './state.js';

/** Where to listen and how to start. */
export interface SimulatorOptions {
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Port to bind; default 0 (any free port; read it back from `Simulator.port`). */
  port?: number;
  /** Knobs every model starts with (and returns to on reset), over the built-in defaults. */
  defaults?: Partial<SimulatorKnobs>;
  /** Source of error draws in [0, 1); default a fixed-seed generator, so runs repeat. */
  random?: () => number;
  /** The clock streams are paced on, in ms; default `performance.now` (tests pass a mocked one). */
  now?: () => number;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`; provider routes hang below it (`/openai/v1/chat/completions`). */
  url: string;
  port: number;
  /** Merges knobs into the layer of one upstream model name, or of every model with `'*'`. */
  setKnobs(model: string, knobs: Partial<SimulatorKnobs>): void;
  /** Drops all knobs set since start, back to `options.defaults`. */
  resetKnobs(): void;
  /** Request counters since start. */
  stats(): SimulatorStats;
  /** Stops listening and cuts open connections (in-flight streams end); resolves when closed. */
  close(): Promise<void>;
}

/** Shared by every request without a query string; nothing mutates route queries. */
const NO_QUERY = new URLSearchParams();

function notFound(method: string, path: string, req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  sendJson(res, {
    status: 404,
    body: { error: { message: `Unknown route: ${method} ${path}`, type: 'not_found_error', param: null, code: null } },
  });
}

function route(state: SimulatorState, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  if (path.startsWith(CONTROL_PREFIX)) {
    handleControl(state, method, path, req, res);
    return;
  }
  if (method === 'POST' && path === ANTHROPIC_COUNT_TOKENS_PATH) {
    handleAnthropicCountTokens(state, req, res);
    return;
  }
  const query = mark < 0 ? NO_QUERY : new URLSearchParams(url.slice(mark + 1));
  const embeddings = matchEmbeddingRoute(method, path, query);
  if (embeddings !== undefined) {
    handleEmbeddingCall(state, embeddings, req, res);
    return;
  }
  const provider = matchProviderRoute(method, path, query);
  if (provider === undefined) {
    notFound(method, path, req, res);
    return;
  }
  handleProviderCall(state, provider, req, res);
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Starts a simulator that speaks the OpenAI, Anthropic and Gemini wire formats on one port.
 * @example
 * const sim = await startSimulator({ defaults: { outputTokens: 8 } });
 * sim.setKnobs('claude-sonnet-4-5', { errorRate: 1, errorStatus: 529 });
 * await fetch(`${sim.url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer x' },
 *   body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimulatorState(options.defaults, options.random, options.now);
  // Handlers do not throw by design; if one does, answer 500 rather than crash the test or benchmark.
  const server = createServer((req, res) => guarded(res, () => route(state, req, res)));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: formatUrl(host, port),
    port,
    setKnobs: (model, knobs) => state.knobs.set(model, knobs),
    resetKnobs: () => state.knobs.reset(),
    stats: () => state.stats(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
