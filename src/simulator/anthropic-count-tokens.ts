/**
 * @module `POST /anthropic/v1/messages/count_tokens`: Anthropic's token counting endpoint, answering `{input_tokens}`
 * with the prompt count the simulator reports for the same body on `/v1/messages`. Auth, body and fault handling are
 * the Messages endpoint's; the latency knob applies, the reply knobs do not (nothing is generated).
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicFormat } from './anthropic-format.js';
import { parseAnthropicCountTokens } from './anthropic-request.js';
import { credentialOf } from './handle-call.js';
import { afterDelay, parseJson, readBody, sendJson } from './http-io.js';
import type { SimulatorState } from './state.js';
import type { RouteInfo } from './wire-format.js';

/** The endpoint's path. */
export const ANTHROPIC_COUNT_TOKENS_PATH = '/anthropic/v1/messages/count_tokens';

const ROUTE: RouteInfo = { provider: 'anthropic', pathModel: undefined, pathStream: false, query: new URLSearchParams() };

/** Answers one count request. Never throws. */
export function handleAnthropicCountTokens(state: SimulatorState, req: IncomingMessage, res: ServerResponse): void {
  state.countRequest();
  readBody(req, res, (body) => {
    const format = anthropicFormat;
    const headers = format.responseHeaders({ nextId: state.nextId, nowSeconds: Math.floor(Date.now() / 1000) });
    if ('tooLarge' in body) return sendJson(res, format.error(413, 'Request body is too large.'), headers);
    const authFailure = format.authenticate(req.headers, ROUTE);
    if (authFailure !== undefined) return sendJson(res, authFailure, headers);
    const json = parseJson(body.text);
    if ('error' in json) return sendJson(res, format.error(400, `We could not parse the JSON body of your request: ${json.error}`), headers);
    const count = parseAnthropicCountTokens(json.value);
    if ('status' in count) return sendJson(res, count, headers);
    state.countModel(count.model);
    state.recordKeyTail(count.model, credentialOf(req));
    res.once('close', state.enter());
    const knobs = state.knobs.resolve(count.model);
    const fails = knobs.errorRate > 0 && state.random() < knobs.errorRate;
    const answer = { status: 200, body: { input_tokens: count.inputTokens } };
    afterDelay(res, knobs.latencyMs, () => sendJson(res, fails ? format.fault(knobs.errorStatus) : answer, headers));
  });
}
