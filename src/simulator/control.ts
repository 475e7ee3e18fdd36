/**
 * @module The `/_sim/*` control endpoints, so a simulator in another process (`originalpoint simulate`) can be
 * steered by benchmarks and tests: `POST /_sim/knobs`, `POST /_sim/reset`, `GET /_sim/stats`, `GET /_sim/knobs`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord } from '../core/guards.js';
import { parseJson, readBody, sendJson } from './http-io.js';
import { ALL_MODELS, parseKnobPatch, type SimulatorKnobs } from './knobs.js';
import type { SimulatorState } from './state.js';

/** Path prefix of the control endpoints. */
export const CONTROL_PREFIX = '/_sim/';

function controlError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, { status, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } });
}

/**
 * `{model?: string, ...knobs}` → knobs set for that model (default `'*'`); the model and its resolved knobs, or why
 * the body was refused.
 */
function setKnobs(state: SimulatorState, text: string): { error: string } | { model: string; knobs: SimulatorKnobs } {
  const json = parseJson(text.length === 0 ? '{}' : text);
  if ('error' in json) return { error: `Malformed JSON body: ${json.error}` };
  if (!isRecord(json.value)) return { error: 'Body must be a JSON object.' };
  const { model = ALL_MODELS, ...knobs } = json.value;
  if (typeof model !== 'string' || model.length === 0) return { error: 'model must be a non-empty string' };
  const parsed = parseKnobPatch(knobs);
  if ('error' in parsed) return { error: parsed.error };
  state.knobs.set(model, parsed.patch);
  return { model, knobs: state.knobs.resolve(model) };
}

/** Answers a `/_sim/*` request. */
export function handleControl(state: SimulatorState, method: string, path: string, req: IncomingMessage, res: ServerResponse): void {
  const endpoint = `${method} ${path}`;
  switch (endpoint) {
    case 'GET /_sim/stats':
      sendJson(res, { status: 200, body: state.stats() });
      break;
    case 'GET /_sim/knobs':
      sendJson(res, { status: 200, body: state.knobs.snapshot() });
      break;
    case 'POST /_sim/knobs':
    case 'POST /_sim/reset':
      readBody(req, res, (body) => {
        if ('tooLarge' in body) return controlError(res, 413, 'Body too large.');
        if (endpoint === 'POST /_sim/reset') {
          state.knobs.reset();
          return sendJson(res, { status: 200, body: { ok: true } });
        }
        const outcome = setKnobs(state, body.text);
        if ('error' in outcome) controlError(res, 400, outcome.error);
        else sendJson(res, { status: 200, body: outcome });
      });
      break;
    default:
      req.resume();
      controlError(res, 404, `Unknown simulator control endpoint: ${endpoint}`);
  }
}
