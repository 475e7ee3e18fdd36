/**
 * `Gateway.countTokens`: a native Messages body is counted by an Anthropic-format deployment (the simulator's
 * `count_tokens`), failing over between candidates like any call; deployments of other formats are never asked.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { NativeBody } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Candidate } from '../routing/catalog.js';
import type { Router } from '../routing/router.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { Cancellation } from './cancellation.js';
import { Gateway } from './gateway.js';
import { ImageFetcher } from './image-fetch.js';
import { candidatesOf as routedCandidates, simulatorBaseUrls, TEST_TIMEOUTS, unitRouter } from './testing.js';
import { UpstreamClient } from './upstream-client.js';

let sim: Simulator;
let client: UpstreamClient;
let router: Router;
let gateway: Gateway;
const outcomes: string[] = [];

before(async () => {
  sim = await startSimulator();
  router = unitRouter(simulatorBaseUrls(sim.url));
  client = new UpstreamClient(TEST_TIMEOUTS);
  gateway = new Gateway({
    client,
    now: () => 0,
    generateId: () => 'chatcmpl-count',
    images: new ImageFetcher(),
    onOutcome: (candidate, outcome) => outcomes.push(`${candidate.model.id}:${outcome.ok ? 'ok' : 'failed'}`),
  });
});

after(async () => {
  await client.close();
  await sim.close();
});

beforeEach(() => {
  sim.resetKnobs();
  outcomes.length = 0;
});

const native: NativeBody = {
  format: 'anthropic',
  body: { model: 'claude-sonnet-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'How many tokens is this?' }] },
  betas: [],
};

function candidatesOf(...models: string[]): Candidate[] {
  return routedCandidates(router, ...models);
}

describe('Gateway.countTokens', () => {
  it("answers the upstream's count and the candidate that counted", async () => {
    const result = await gateway.countTokens(native, candidatesOf('claude-sonnet-4.5'), new Cancellation());
    // "Be brief." → ceil(9/4)+3 = 6; the message → ceil(24/4)+3 = 9 (the simulator's count, README: Prompt tokens).
    assert.equal(result.input_tokens, 15);
    assert.equal(result.candidate.model.id, 'claude-sonnet-4.5');
    assert.equal(result.attempts, 1);
    assert.deepEqual(outcomes, [], 'a count is not a latency sample');
  });

  it('fails over to the next Anthropic candidate on a retryable error', async () => {
    sim.setKnobs('claude-sonnet-4-5', { errorRate: 1, errorStatus: 529 });
    const result = await gateway.countTokens(native, candidatesOf('claude-sonnet-4.5', 'claude-haiku-4.5'), new Cancellation());
    assert.equal(result.candidate.model.id, 'claude-haiku-4.5');
    assert.equal(result.attempts, 2);
    assert.deepEqual(outcomes, ['claude-sonnet-4.5:failed']);
  });

  it('asks only deployments that speak the body format', async () => {
    const result = await gateway.countTokens(native, candidatesOf('gpt-4o-mini', 'claude-haiku-4.5'), new Cancellation());
    assert.equal(result.candidate.model.id, 'claude-haiku-4.5');
    assert.equal(sim.stats().byModel['gpt-4o-mini'], undefined);
    await assert.rejects(gateway.countTokens(native, candidatesOf('gpt-4o-mini', 'gemini-2.5-flash'), new Cancellation()), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 503);
      return true;
    });
  });

  it("passes on the upstream's refusal of bad input without failing over", async () => {
    const requestsBefore = sim.stats().requests;
    const bad: NativeBody = {
      ...native,
      body: {
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'assistant', content: 'x' },
          { role: 'bot', content: 'y' },
        ],
      },
    };
    await assert.rejects(gateway.countTokens(bad, candidatesOf('claude-sonnet-4.5', 'claude-haiku-4.5'), new Cancellation()), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 400);
      assert.match(error.message, /role/);
      return true;
    });
    assert.equal(sim.stats().requests, requestsBefore + 1, 'the second candidate was not tried');
  });
});
