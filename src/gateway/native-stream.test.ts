/**
 * A door that relays an upstream's stream natively (Anthropic Messages in, Anthropic out) needs every upstream
 * event, in order, even when one read of the body carries many of them: the gateway keeps each event the adapter
 * returned in its native form as a step of its own, while chunks without one are still merged per read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import type { NativeEvent, StreamStep } from '../providers/types.js';
import type { Router } from '../routing/router.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { Cancellation } from './cancellation.js';
import { Gateway } from './gateway.js';
import { ImageFetcher } from './image-fetch.js';
import { simulatorBaseUrls, TEST_TIMEOUTS, unitRouter } from './testing.js';
import { UpstreamClient } from './upstream-client.js';

let sim: Simulator;
let client: UpstreamClient;
let router: Router;
let gateway: Gateway;

before(async () => {
  // tokensPerSecond 0: the simulator writes the whole stream at once, so one read carries every event.
  sim = await startSimulator({ defaults: { outputTokens: 6, reasoningTokens: 3 } });
  router = unitRouter(simulatorBaseUrls(sim.url));
  client = new UpstreamClient(TEST_TIMEOUTS);
  gateway = new Gateway({ client, now: () => 0, generateId: () => 'chatcmpl-native', images: new ImageFetcher() });
});

after(async () => {
  await client.close();
  await sim.close();
});

async function streamSteps(model: string): Promise<StreamStep[]> {
  const req: ChatCompletionRequest = { model, messages: [{ role: 'user', content: 'count the stars tonight' }], stream: true };
  const result = await gateway.stream(req, router.route(req).candidates, new Cancellation());
  const steps: StreamStep[] = [];
  for await (const step of result.steps) steps.push(step);
  return steps;
}

describe('native upstream events through the gateway', () => {
  it('every Anthropic event reaches the door in order, pings and signatures included', async () => {
    const steps = await streamSteps('claude-haiku-4.5');
    const natives = steps.flatMap((step) => (step.native === undefined ? [] : [step.native]));
    const names = natives.map((native: NativeEvent) => native.event);
    assert.deepEqual(names.slice(0, 3), ['message_start', 'content_block_start', 'ping']);
    assert.deepEqual(names.slice(-2), ['message_delta', 'message_stop']);
    const deltaTypes = natives.filter((n) => n.event === 'content_block_delta').map((n) => (n.data.delta as { type: string }).type);
    assert.deepEqual(deltaTypes, [...Array(3).fill('thinking_delta'), 'signature_delta', ...Array(deltaTypes.length - 4).fill('text_delta')]);
    assert.equal(names.filter((name) => name === 'content_block_stop').length, 2, 'the thinking block and the text block');
    for (const native of natives) assert.equal(native.data.type, native.event, 'the data is the event as Anthropic sent it');
    assert.ok(
      steps.slice(0, -1).every((step) => step.native !== undefined),
      'each Anthropic event is a step of its own',
    );
    assert.deepEqual(steps.at(-1), { chunks: [] }, 'then the end of the body');
    const text = steps.flatMap((step) => step.chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '')).join('');
    assert.match(text, /^Simulated reply from claude-haiku-4-5: /, 'the translated chunks still come with their events');
  });

  it('streams without native events still merge each read into one step', async () => {
    const steps = await streamSteps('gpt-4o-mini');
    assert.ok(steps.every((step) => step.native === undefined));
    assert.equal(steps.length, 2, 'one read of the whole stream, then the end of the body');
  });
});
