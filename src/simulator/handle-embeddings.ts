/**
 * @module Embeddings endpoints: which paths they live at, and the request pipeline for them — read body →
 * authenticate → parse → draw a fault → wait the latency knob → answer JSON (embeddings never stream). The knobs that
 * shape text replies (`outputTokens`, `tokensPerSecond`, …) do not apply.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEmbeddingCall, type EmbeddingEndpoint } from './embedding-call.js';
import { geminiEmbeddings } from './gemini-embeddings.js';
import { credentialOf } from './handle-call.js';
import { afterDelay, parseJson, readBody, sendJson } from './http-io.js';
import { geminiPathModel } from './routes.js';
import { openAIEmbeddings } from './openai-embeddings.js';
import { OPENAI_COMPATIBLE_PROVIDERS } from './openai-format.js';
import type { SimulatorState } from './state.js';
import type { RouteInfo } from './wire-format.js';

/** A matched embeddings endpoint and what its URL says. */
export interface EmbeddingRoute extends RouteInfo {
  endpoint: EmbeddingEndpoint;
}

/** `/google/{v1beta|v1}/models/{model}:batchEmbedContents` */
const GEMINI_BATCH_PATH = /^\/google\/v1(?:beta)?\/models\/([^/]+):batchEmbedContents$/;

const OPENAI_PATHS: ReadonlyMap<string, string> = new Map(OPENAI_COMPATIBLE_PROVIDERS.map((provider) => [`/${provider}/v1/embeddings`, provider]));

/** Finds the embeddings endpoint for a POST, or `undefined`. */
export function matchEmbeddingRoute(method: string, path: string, query: URLSearchParams): EmbeddingRoute | undefined {
  if (method !== 'POST') return undefined;
  const provider = OPENAI_PATHS.get(path);
  if (provider !== undefined) return { endpoint: openAIEmbeddings, provider, pathModel: undefined, pathStream: false, query };
  const gemini = path.endsWith(':batchEmbedContents') ? GEMINI_BATCH_PATH.exec(path) : null;
  const model = gemini === null ? undefined : geminiPathModel(gemini);
  if (model === undefined) return undefined;
  return { endpoint: geminiEmbeddings, provider: 'google', pathModel: model, pathStream: false, query };
}

/** Answers one embeddings request. Never throws. */
export function handleEmbeddingCall(state: SimulatorState, route: EmbeddingRoute, req: IncomingMessage, res: ServerResponse): void {
  state.countRequest();
  readBody(req, res, (body) => {
    const { format } = route.endpoint;
    const headers = format.responseHeaders({ nextId: state.nextId, nowSeconds: Math.floor(Date.now() / 1000) });
    if ('tooLarge' in body) return sendJson(res, format.error(413, 'Request body is too large.'), headers);
    const authFailure = format.authenticate(req.headers, route);
    if (authFailure !== undefined) return sendJson(res, authFailure, headers);
    const json = parseJson(body.text);
    if ('error' in json) return sendJson(res, format.error(400, `We could not parse the JSON body of your request: ${json.error}`), headers);
    const call = route.endpoint.parse(json.value, route);
    if (!isEmbeddingCall(call)) return sendJson(res, call, headers);
    state.countModel(call.model);
    state.recordKeyTail(call.model, credentialOf(req));
    res.once('close', state.enter());
    const knobs = state.knobs.resolve(call.model);
    const fails = knobs.errorRate > 0 && state.random() < knobs.errorRate;
    afterDelay(res, knobs.latencyMs, () => sendJson(res, fails ? format.fault(knobs.errorStatus) : { status: 200, body: call.answer() }, headers));
  });
}
