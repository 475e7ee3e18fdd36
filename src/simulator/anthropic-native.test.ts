/**
 * The Anthropic behaviours a native Messages path relies on: token counting, signed thinking that must come back
 * unchanged, prompt caching, and the extra fields Claude Code sends.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSimulator, type Simulator } from './index.js';
import { obj, post, PROVIDER_HEADERS } from './test-helpers.js';

const headers = PROVIDER_HEADERS.anthropic;
const model = 'claude-sonnet-4-5';
let sim: Simulator;

before(async () => {
  sim = await startSimulator({ defaults: { outputTokens: 8 } });
});
after(() => sim.close());
beforeEach(() => sim.resetKnobs());

const user = { role: 'user', content: 'Weather in Paris' }; // 16 chars → 4 + 3

async function messages(body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await post(
    `${sim.url}/anthropic/v1/messages`,
    { ...headers, ...extraHeaders },
    { model, max_tokens: 1024, messages: [user], ...body },
  );
  assert.equal(response.status, 200, await response.clone().text());
  return obj(await response.json());
}

describe('Anthropic count_tokens', () => {
  const countUrl = (): string => `${sim.url}/anthropic/v1/messages/count_tokens`;

  it('answers {input_tokens} with the prompt count /v1/messages reports for the same body', async () => {
    const body = {
      model,
      system: 'Be brief.',
      messages: [user],
      tools: [{ name: 'get_time', input_schema: { type: 'object', properties: {} } }],
    };
    const response = await post(countUrl(), headers, body);
    assert.equal(response.status, 200);
    const counted = obj(await response.json());
    assert.deepEqual(Object.keys(counted), ['input_tokens']);
    const usage = obj((await messages({ ...body, tool_choice: { type: 'none' } })).usage);
    assert.equal(counted.input_tokens, usage.input_tokens);
    assert.ok(Number(counted.input_tokens) > 7, 'the system prompt and the tools are counted');
  });

  it('refuses what the Messages endpoint refuses, with Anthropic errors', async () => {
    const noKey = await post(countUrl(), { 'anthropic-version': '2023-06-01' }, { model, messages: [user] });
    assert.equal(noKey.status, 401);
    const bad = await post(countUrl(), headers, { model, messages: [{ role: 'system', content: 'x' }] });
    assert.equal(bad.status, 400);
    assert.equal(obj(obj(await bad.json()).error).type, 'invalid_request_error');
    const noMessages = await post(countUrl(), headers, { model });
    assert.match(String(obj(obj(await noMessages.json()).error).message), /messages: Field required/);
  });

  it('fails as the fault knobs say', async () => {
    sim.setKnobs(model, { errorRate: 1, errorStatus: 529 });
    const response = await post(countUrl(), headers, { model, messages: [user] });
    assert.equal(response.status, 529);
    assert.equal(obj(obj(await response.json()).error).type, 'overloaded_error');
  });
});
