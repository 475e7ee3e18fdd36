/**
 * @module Test fixtures for the gateway core, so its tests read as what they check rather than how they set up:
 * - {@link unitRouter}: a router over the built-in catalog with every provider pointed at one place (the simulator,
 *   or nowhere for a fake client), a fixed clock and no randomness, so candidates come in a known order;
 * - {@link FakeUpstreamClient}: an upstream client that answers from a script instead of a socket, and records what
 *   the gateway sent, so failover, stream commit and cancellation can be tested without timing or a network;
 * - reply builders for it: {@link jsonReply}, {@link sseReply}, {@link hangingReply}.
 * Nothing here is used outside tests.
 */
import { PassThrough, Readable } from 'node:stream';
import { loadConfig } from '../config/index.js';
import type { ProviderConfig } from '../config/types.js';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import type { UpstreamRequest } from '../providers/types.js';
import { type Candidate, Catalog } from '../routing/catalog.js';
import { InMemoryCircuitBreakers } from '../routing/circuit-breaker.js';
import { InMemoryHealthStore } from '../routing/health.js';
import { Router } from '../routing/router.js';
import type { CancelSignal } from './cancellation.js';
import { UpstreamClient, type UpstreamResponse } from './upstream-client.js';

/** The default config's timeouts, for a real client next to a router built here. */
export const TEST_TIMEOUTS = loadConfig({ env: {} }).timeouts;

/**
 * A router over the default catalog where each provider's base URL is `baseUrlOf(id, provider)` and its key
 * `sk-unit`; health and breakers (unless given) are in memory with the clock at 0 and `random` fixed, so routing is
 * deterministic.
 */
export function unitRouter(
  baseUrlOf: (id: string, provider: ProviderConfig) => string,
  breakers = new InMemoryCircuitBreakers({ now: () => 0 }),
): Router {
  const config = loadConfig({ env: {} });
  const providers = Object.fromEntries(
    Object.entries(config.providers).map(([id, p]) => [id, { ...p, baseUrl: baseUrlOf(id, p), apiKey: 'sk-unit' }]),
  );
  return new Router({
    catalog: new Catalog(config.models, providers),
    health: new InMemoryHealthStore({ now: () => 0 }),
    breakers,
    now: () => 0,
    random: () => 0.5,
  });
}

/** Base URLs of the simulator at `url`: OpenAI-format providers under `/{id}/v1`, the others under `/{id}`. */
export function simulatorBaseUrls(url: string): (id: string, provider: ProviderConfig) => string {
  return (id, provider) => (provider.format === 'openai' ? `${url}/${id}/v1` : `${url}/${id}`);
}

/** The first candidate of each named model, in the order given: a failover list across models. */
export function candidatesOf(router: Router, ...models: string[]): Candidate[] {
  return models.flatMap((model) => {
    const req: ChatCompletionRequest = { model, messages: [{ role: 'user', content: 'x' }] };
    return router.route(req).candidates;
  });
}

/** What the gateway sent through a {@link FakeUpstreamClient}. */
export interface FakeCall {
  baseUrl: string;
  request: UpstreamRequest;
  traceHeaders: Readonly<Record<string, string>> | undefined;
}

/** One scripted answer: a response, a thrown error (a network failure, say), or a function of the call. */
export type FakeReply = UpstreamResponse | Error | ((call: FakeCall, signal: CancelSignal) => Promise<UpstreamResponse>);

/**
 * An upstream client that answers each call with the next scripted reply. Like undici, it destroys a response's
 * body once the request's signal aborts, so cancellation behaves as over a socket. No connection is ever opened
 * (the base class's agent stays idle).
 */
export class FakeUpstreamClient extends UpstreamClient {
  readonly calls: FakeCall[] = [];
  private readonly replies: FakeReply[];

  constructor(...replies: FakeReply[]) {
    super(TEST_TIMEOUTS);
    this.replies = replies;
  }

  /** The upstream model of each call, in order: which deployments were tried. */
  get models(): string[] {
    return this.calls.map((call) => String((call.request.body as { model?: unknown }).model));
  }

  override async send(
    baseUrl: string,
    request: UpstreamRequest,
    signal: CancelSignal,
    traceHeaders?: Readonly<Record<string, string>>,
  ): Promise<UpstreamResponse> {
    const call = { baseUrl, request, traceHeaders };
    this.calls.push(call);
    if (signal.aborted) throw abortError();
    const reply = this.replies.shift();
    if (reply === undefined) throw new Error(`FakeUpstreamClient: no reply scripted for call ${this.calls.length}`);
    if (reply instanceof Error) throw reply;
    const response = typeof reply === 'function' ? await reply(call, signal) : reply;
    onAbort(signal, () => response.body.destroy(abortError()));
    return response;
  }
}

/** Runs `listener` once `signal` aborts (AbortSignal or Cancellation). */
function onAbort(signal: CancelSignal, listener: () => void): void {
  if (signal instanceof AbortSignal) signal.addEventListener('abort', listener, { once: true });
  else signal.once('abort', listener);
}

function abortError(): Error {
  return Object.assign(new Error('This operation was aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}

/** A Node stream as undici's response body (the gateway only reads, iterates and destroys it). */
function asBody(stream: Readable): UpstreamResponse['body'] {
  return stream as unknown as UpstreamResponse['body'];
}

/** A network failure as undici throws it on a refused connection. */
export function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
}

/** A whole body of `text` (JSON when an object is given) with `status` and `headers`. */
export function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): UpstreamResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: asBody(Readable.from([Buffer.from(text)])) };
}

/**
 * An event stream whose body the test drives: `push` sends bytes, `end` finishes it, `fail` breaks it as a reset
 * connection would. `destroyed` tells whether the gateway closed it.
 */
export function sseReply(contentType = 'text/event-stream'): {
  response: UpstreamResponse;
  push: (text: string) => void;
  end: () => void;
  fail: (error?: Error) => void;
  destroyed: () => boolean;
} {
  const body = new PassThrough();
  return {
    response: { status: 200, headers: { 'content-type': contentType }, body: asBody(body) },
    push: (text) => body.write(text),
    end: () => body.end(),
    fail: (error = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })) => body.destroy(error),
    destroyed: () => body.destroyed,
  };
}

/** Resolves once `client` has received `count` calls (for a test that acts while a call is in flight). */
export async function callsReceived(client: FakeUpstreamClient, count: number): Promise<void> {
  while (client.calls.length < count) await new Promise((resolve) => setImmediate(resolve));
}

/** A reply whose headers never come: it fails, as undici does, once the request is cancelled. */
export function hangingReply(): FakeReply {
  return (_call, signal) =>
    new Promise((_resolve, reject) => {
      onAbort(signal, () => reject(abortError()));
    });
}

/** An OpenAI chat completion chunk carrying `content`, as one SSE event. */
export function openAIChunkEvent(content: string, finish: string | null = null): string {
  const chunk = {
    id: 'chatcmpl-up',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'up',
    choices: [{ index: 0, delta: finish === null ? { role: 'assistant', content } : {}, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** An OpenAI chat completion answering `content`. */
export function openAICompletion(content: string): Record<string, unknown> {
  return {
    id: 'chatcmpl-up',
    object: 'chat.completion',
    created: 0,
    model: 'up',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}
