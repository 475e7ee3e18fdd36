import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arr, obj, parseSse, post, PROVIDER_HEADERS, readFixtureChunks, readFixtureJson } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

const headers = PROVIDER_HEADERS.anthropic;
const simulator = useSimulator('/anthropic/v1/messages');

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  system: 'Be brief.', // 9 chars → 3 + 3
  messages: [{ role: 'user', content: [{ type: 'text', text: 'one two three' }] }], // 13 chars → 4 + 3
};
const inputTokens = 3 + 3 + 4 + 3;

/** Like the recorded stream, with the run of deltas collapsed: one type per distinct step. */
function eventOrder(types: string[]): string[] {
  return types.filter((type, index) => type !== 'content_block_delta' || types[index - 1] !== 'content_block_delta');
}

describe('Anthropic format, non-streaming', () => {
  it('answers a Message with the recorded shape and usage', async () => {
    const response = await post(simulator.endpoint, headers, request);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('request-id') ?? '', /^req_/);
    const body = obj(await response.json());
    for (const key of Object.keys(obj(readFixtureJson('anthropic-text.json')))) assert.ok(key in body, key);
    assert.match(String(body.id), /^msg_01[A-Za-z0-9]{22}$/);
    assert.equal(body.type, 'message');
    assert.equal(body.model, 'claude-sonnet-4-5');
    assert.deepEqual(body.content, [{ type: 'text', text: 'Simulated reply from claude-sonnet-4-5: one two three one' }]);
    assert.equal(body.stop_reason, 'end_turn');
    assert.equal(body.stop_sequence, null);
    const usage = obj(body.usage);
    assert.equal(usage.input_tokens, inputTokens);
    assert.equal(usage.output_tokens, 8);
  });

  it('cuts at max_tokens with stop_reason max_tokens', async () => {
    const body = obj(await (await post(simulator.endpoint, headers, { ...request, max_tokens: 2 })).json());
    assert.equal(body.stop_reason, 'max_tokens');
    assert.deepEqual(body.content, [{ type: 'text', text: 'Simulated reply' }]);
    assert.equal(obj(body.usage).output_tokens, 2);
  });

  it('stops at a stop sequence and names it', async () => {
    const body = obj(await (await post(simulator.endpoint, headers, { ...request, stop_sequences: ['two'] })).json());
    assert.equal(body.stop_reason, 'stop_sequence');
    assert.equal(body.stop_sequence, 'two');
    assert.equal(obj(arr(body.content)[0]).text, 'Simulated reply from claude-sonnet-4-5: one ');
  });

  it('requires max_tokens like the real API', async () => {
    const { max_tokens: _omitted, ...withoutMax } = request;
    const response = await post(simulator.endpoint, headers, withoutMax);
    assert.equal(response.status, 400);
    const body = obj(await response.json());
    assert.equal(body.type, 'error');
    assert.equal(obj(body.error).type, 'invalid_request_error');
    assert.match(String(obj(body.error).message), /max_tokens/);
  });

  it('answers 401 without x-api-key and 400 without anthropic-version', async () => {
    const noKey = await post(simulator.endpoint, { 'anthropic-version': '2023-06-01' }, request);
    assert.equal(noKey.status, 401);
    assert.equal(obj(obj(await noKey.json()).error).type, 'authentication_error');
    const noVersion = await post(simulator.endpoint, { 'x-api-key': 'k' }, request);
    assert.equal(noVersion.status, 400);
    assert.equal(obj(obj(await noVersion.json()).error).type, 'invalid_request_error');
  });

  it('answers malformed JSON with 400 invalid_request_error', async () => {
    const response = await post(simulator.endpoint, headers, '{nope');
    assert.equal(response.status, 400);
    assert.equal(obj(obj(await response.json()).error).type, 'invalid_request_error');
  });

  it('maps injected 529 to overloaded_error and 429 to rate_limit_error with retry-after', async () => {
    simulator.sim.setKnobs('*', { errorRate: 1, errorStatus: 529 });
    const overloaded = await post(simulator.endpoint, headers, request);
    assert.equal(overloaded.status, 529);
    assert.deepEqual(await overloaded.json(), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    simulator.sim.setKnobs('*', { errorStatus: 429 });
    const limited = await post(simulator.endpoint, headers, request);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(obj(obj(await limited.json()).error).type, 'rate_limit_error');
  });
});

describe('Anthropic format, streaming', () => {
  it('streams named events in the recorded order with cumulative usage', async () => {
    const response = await post(simulator.endpoint, headers, { ...request, stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = parseSse(await response.text());
    const payloads = events.map((event) => obj(JSON.parse(event.data)));
    for (const [index, event] of events.entries()) assert.equal(event.event, payloads[index]?.type);

    const recorded = readFixtureChunks('anthropic-text.chunks.txt').map((chunk) => String(obj(chunk).type));
    assert.deepEqual(eventOrder(payloads.map((payload) => String(payload.type))), eventOrder(recorded));

    const start = obj(obj(payloads[0]).message);
    assert.equal(start.stop_reason, null);
    assert.deepEqual(start.content, []);
    assert.equal(obj(start.usage).input_tokens, inputTokens);
    const text = payloads
      .filter((payload) => payload.type === 'content_block_delta')
      .map((payload) => obj(payload.delta).text)
      .join('');
    assert.equal(text, 'Simulated reply from claude-sonnet-4-5: one two three one');
    const delta = obj(payloads.at(-2));
    assert.deepEqual(delta.delta, { stop_reason: 'end_turn', stop_sequence: null });
    assert.equal(obj(delta.usage).output_tokens, 8);
    assert.equal(obj(delta.usage).input_tokens, inputTokens);
  });

  it('reports stop_sequence in message_delta', async () => {
    const response = await post(simulator.endpoint, headers, { ...request, stream: true, stop_sequences: ['three'] });
    const payloads = parseSse(await response.text()).map((event) => obj(JSON.parse(event.data)));
    const delta = payloads.find((payload) => payload.type === 'message_delta');
    assert.deepEqual(obj(delta).delta, { stop_reason: 'stop_sequence', stop_sequence: 'three' });
  });

  it('sends 200, message_start, then an overloaded error event when midStreamError is set', async () => {
    simulator.sim.setKnobs('claude-sonnet-4-5', { midStreamError: true });
    const response = await post(simulator.endpoint, headers, { ...request, stream: true });
    assert.equal(response.status, 200);
    const events = parseSse(await response.text());
    assert.deepEqual(
      events.map((event) => event.event),
      ['message_start', 'error'],
    );
    assert.deepEqual(JSON.parse(events[1]?.data ?? ''), {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });
});
