/**
 * @module The request pipeline shared by every provider endpoint: read body → authenticate → parse → count →
 * draw a fault → wait the latency knob → answer JSON or stream. Provider specifics live behind `SimulatedFormat`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterDelay, parseJson, readBody, sendJson, type BodyResult } from './http-io.js';
import type { ProviderRoute } from './routes.js';
import type { SimulatorState } from './state.js';
import { writePacedStream } from './stream-writer.js';
import { generateReply } from './reply.js';
import { isHttpReply, type ReplyContext, type SimCall } from './wire-format.js';

/** Answers one request to a provider endpoint. Never throws; a broken request socket is destroyed. */
export function handleProviderCall(state: SimulatorState, route: ProviderRoute, req: IncomingMessage, res: ServerResponse): void {
  state.countRequest();
  readBody(req, res, (body) => dispatch(state, route, req, res, body));
}

/** Rejects what the real API would reject (size, credentials, JSON, fields), then answers the call. */
function dispatch(state: SimulatorState, route: ProviderRoute, req: IncomingMessage, res: ServerResponse, body: BodyResult): void {
  const { format } = route;
  const context: ReplyContext = { nextId: state.nextId, nowSeconds: Math.floor(Date.now() / 1000) };
  const headers = format.responseHeaders(context);
  if ('tooLarge' in body) {
    sendJson(res, format.error(413, 'Request body is too large.'), headers);
    return;
  }
  const authFailure = format.authenticate(req.headers, route);
  if (authFailure !== undefined) {
    sendJson(res, authFailure, headers);
    return;
  }
  const json = parseJson(body.text);
  if ('error' in json) {
    sendJson(res, format.error(400, `We could not parse the JSON body of your request: ${json.error}`), headers);
    return;
  }
  const call = format.parse(json.value, route);
  if (isHttpReply(call)) {
    sendJson(res, call, headers);
    return;
  }
  state.recordKeyTail(call.model, credentialOf(req));
  answer(state, route, call, context, headers, res);
}

/** The credential a call came with, whatever the wire format's header (or Gemini's `?key=`). */
export function credentialOf(req: IncomingMessage): string | undefined {
  const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
  const header = bearer ?? req.headers['x-api-key'] ?? req.headers['x-goog-api-key'];
  if (typeof header === 'string') return header;
  return new URL(req.url ?? '/', 'http://sim').searchParams.get('key') ?? undefined;
}

function answer(
  state: SimulatorState,
  route: ProviderRoute,
  call: SimCall,
  context: ReplyContext,
  headers: Record<string, string>,
  res: ServerResponse,
): void {
  state.countModel(call.model);
  res.once('close', state.enter());
  const knobs = state.knobs.resolve(call.model);
  // Draw only when a failure is possible, so the random sequence is untouched while errorRate is 0.
  const fails = knobs.errorRate > 0 && state.random() < knobs.errorRate;
  afterDelay(res, knobs.latencyMs, () => {
    const { format } = route;
    if (fails) {
      sendJson(res, format.fault(knobs.errorStatus), headers);
      return;
    }
    // Only an answered call touches the prompt cache: a failed one wrote nothing.
    const cache = call.promptCache === undefined ? undefined : state.promptCache.use(call.promptCache);
    const reply = generateReply(call, knobs, cache);
    if (!call.stream) {
      sendJson(res, format.respond(call, reply, context), headers);
      return;
    }
    const plan = format.stream(call, reply, context, knobs.midStreamError);
    res.writeHead(200, { ...headers, 'content-type': plan.contentType, 'cache-control': 'no-cache' });
    writePacedStream(res, plan, knobs, state.now);
  });
}
