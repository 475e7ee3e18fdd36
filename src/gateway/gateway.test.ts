/**
 * The attempt loop of `Gateway` against a scripted upstream client (no sockets): which deployments are tried and in
 * what order, when a stream commits to its deployment, what a client's cancellation does upstream, and what each
 * attempt reports to routing health.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import type { StreamStep } from '../providers/types.js';
import { Cancellation } from './cancellation.js';
import { type AttemptOutcome, Gateway, UnrelayedAnswer } from './gateway.js';
import { ImageFetcher } from './image-fetch.js';
import {
  callsReceived,
  candidatesOf,
  connectionRefused,
  FakeUpstreamClient,
  hangingReply,
  jsonReply,
  openAIChunkEvent,
  openAICompletion,
  sseReply,
  unitRouter,
} from './testing.js';

const router = unitRouter((id) => `http://${id}.invalid/v1`);
/** Three OpenAI-format deployments, tried in this order. */
const candidates = candidatesOf(router, 'gpt-4o-mini', 'gpt-4.1', 'gpt-5-nano');
const request: ChatCompletionRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const streamRequest: ChatCompletionRequest = { ...request, stream: true };

function setup(client: FakeUpstreamClient) {
  const outcomes: string[] = [];
  const describeOutcome = (outcome: AttemptOutcome): string => (outcome.ok ? 'ok' : outcome.retryable ? 'retryable' : 'failed');
  const gateway = new Gateway({
    client,
    now: () => 0,
    generateId: () => 'chatcmpl-unit',
    images: new ImageFetcher(),
    onOutcome: (candidate, outcome) => outcomes.push(`${candidate.deployment.model}:${describeOutcome(outcome)}`),
  });
  return { gateway, outcomes };
}

const upstreamError = (status: number): ReturnType<typeof jsonReply> => jsonReply({ error: { message: `upstream ${status}` } }, status);

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatewayError, `a GatewayError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

async function collect(steps: AsyncGenerator<StreamStep>): Promise<StreamStep[]> {
  const all: StreamStep[] = [];
  for await (const step of steps) all.push(step);
  return all;
}

const textOf = (steps: readonly StreamStep[]): string =>
  steps.flatMap((step) => step.chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '')).join('');

describe('Gateway.complete: failover', () => {
  it('moves on to the next deployment after a retryable error, in candidate order', async () => {
    const client = new FakeUpstreamClient(upstreamError(503), connectionRefused(), jsonReply(openAICompletion('third time')));
    const { gateway, outcomes } = setup(client);
    const result = await gateway.complete(request, candidates, new Cancellation());
    assert.deepEqual(client.models, ['gpt-4o-mini', 'gpt-4.1', 'gpt-5-nano']);
    assert.equal(result.completion.choices[0]?.message.content, 'third time');
    assert.equal(result.candidate.deployment.model, 'gpt-5-nano');
    assert.equal(result.attempts, 3);
    assert.deepEqual(outcomes, ['gpt-4o-mini:retryable', 'gpt-4.1:retryable', 'gpt-5-nano:ok']);
  });

  it('does not fail over on a 4xx the client caused, and passes it on', async () => {
    const client = new FakeUpstreamClient(upstreamError(400), jsonReply(openAICompletion('never asked')));
    const { gateway, outcomes } = setup(client);
    const error = await rejection(gateway.complete(request, candidates, new Cancellation()));
    assert.equal(error.status, 400);
    assert.match(error.message, /upstream 400/);
    assert.deepEqual(client.models, ['gpt-4o-mini'], 'the second deployment was not asked');
    assert.deepEqual(outcomes, ['gpt-4o-mini:failed']);
  });

  it('tries each candidate once and no more, then names every failure in one 503', async () => {
    const client = new FakeUpstreamClient(upstreamError(500), upstreamError(429), connectionRefused(), jsonReply(openAICompletion('spare')));
    const { gateway } = setup(client);
    const error = await rejection(gateway.complete(request, candidates, new Cancellation()));
    assert.equal(client.calls.length, 3, 'the fourth scripted reply is never used');
    assert.equal(error.status, 503);
    assert.match(error.message, /^Every deployment failed\. Tried: openai\/gpt-4o-mini: .+; openai\/gpt-4\.1: .+; openai\/gpt-5-nano: /);
  });

  it("passes a lone candidate's own error on, and answers 503 when there is no candidate", async () => {
    const { gateway } = setup(new FakeUpstreamClient(upstreamError(429)));
    assert.equal((await rejection(gateway.complete(request, candidates.slice(0, 1), new Cancellation()))).status, 429);
    const none = await rejection(setup(new FakeUpstreamClient()).gateway.complete(request, [], new Cancellation()));
    assert.equal(none.status, 503);
  });

  it('a 2xx body that is not JSON is a retryable 502: the next deployment answers', async () => {
    const client = new FakeUpstreamClient(jsonReply('<html>gateway timeout</html>'), jsonReply(openAICompletion('json')));
    const { gateway, outcomes } = setup(client);
    const result = await gateway.complete(request, candidates, new Cancellation());
    assert.equal(result.completion.choices[0]?.message.content, 'json');
    assert.deepEqual(outcomes, ['gpt-4o-mini:retryable', 'gpt-4.1:ok']);
  });

  it('an answer over the size cap is refused without failover nor a health report, and billed', async () => {
    const huge = jsonReply(openAICompletion('x'), 200, { 'content-length': String(9 * 1024 * 1024) });
    const client = new FakeUpstreamClient(huge, jsonReply(openAICompletion('never asked')));
    const { gateway, outcomes } = setup(client);
    const error = await rejection(gateway.complete(request, candidates, new Cancellation()));
    assert.equal(error.status, 502);
    assert.equal(client.calls.length, 1);
    assert.deepEqual(outcomes, [], 'the provider is not at fault');
    assert.ok(error instanceof UnrelayedAnswer && error.outputTokens > 0, 'the tokens the provider generated are paid for');
    assert.equal(error.attempt.candidate.deployment.model, 'gpt-4o-mini', 'to the deployment that generated them');
  });
});

describe('Gateway.stream: committing to a deployment', () => {
  it('fails over on an error event before the first chunk', async () => {
    const first = sseReply();
    first.push('data: {"error":{"message":"overloaded","code":503}}\n\n');
    const second = sseReply();
    second.push(openAIChunkEvent('hello'));
    second.push(openAIChunkEvent('', 'stop'));
    second.push('data: [DONE]\n\n');
    second.end();
    const client = new FakeUpstreamClient(first.response, second.response);
    const { gateway, outcomes } = setup(client);
    const result = await gateway.stream(streamRequest, candidates, new Cancellation());
    assert.equal(result.attempts, 2);
    assert.ok(first.destroyed(), 'the failed stream is closed');
    const steps = await collect(result.steps);
    assert.equal(textOf(steps), 'hello');
    assert.ok(steps.every((step) => step.error === undefined));
    assert.deepEqual(outcomes, ['gpt-4o-mini:retryable', 'gpt-4.1:ok']);
  });

  it('fails over when the answer is not an event stream', async () => {
    const html = sseReply('text/html; charset=utf-8');
    const good = sseReply();
    good.push(openAIChunkEvent('ok'));
    good.end();
    const client = new FakeUpstreamClient(html.response, good.response);
    const { gateway } = setup(client);
    const result = await gateway.stream(streamRequest, candidates, new Cancellation());
    assert.equal(result.candidate.deployment.model, 'gpt-4.1');
    assert.ok(html.destroyed());
    await collect(result.steps);
  });

  it('after the first chunk, an upstream failure is an error step for the client, not a failover', async () => {
    const upstream = sseReply();
    upstream.push(openAIChunkEvent('partial'));
    const client = new FakeUpstreamClient(upstream.response, jsonReply(openAICompletion('never asked')));
    const { gateway, outcomes } = setup(client);
    const result = await gateway.stream(streamRequest, candidates, new Cancellation());
    assert.equal(result.attempts, 1, 'resolved once the first chunk arrived');
    const iterator = result.steps;
    const head = await iterator.next();
    assert.equal(head.done, false);
    assert.equal(textOf([head.value as StreamStep]), 'partial');
    upstream.fail();
    const rest = await collect(iterator);
    assert.equal(rest.length, 1);
    assert.equal(rest[0]?.error?.status, 503, 'the reset connection, as the final step');
    assert.equal(client.calls.length, 1, 'no other deployment was asked');
    assert.deepEqual(outcomes, ['gpt-4o-mini:retryable'], 'counted against the deployment once the stream ends');
  });

  it('an upstream that ends before its first chunk fails over', async () => {
    const empty = sseReply();
    empty.end();
    const good = sseReply();
    good.push(openAIChunkEvent('second'));
    good.end();
    const client = new FakeUpstreamClient(empty.response, good.response);
    const result = await setup(client).gateway.stream(streamRequest, candidates, new Cancellation());
    assert.equal(result.candidate.deployment.model, 'gpt-4.1');
    assert.equal(textOf(await collect(result.steps)), 'second');
  });
});

describe('Gateway: cancellation', () => {
  it('a client gone while the upstream has not answered: the request is aborted, 499, no failover, no report', async () => {
    const client = new FakeUpstreamClient(hangingReply(), jsonReply(openAICompletion('never asked')));
    const { gateway, outcomes } = setup(client);
    const cancellation = new Cancellation();
    const pending = gateway.complete(request, candidates, cancellation);
    await callsReceived(client, 1);
    cancellation.cancel();
    const error = await rejection(pending);
    assert.equal(error.status, 499);
    assert.equal(client.calls.length, 1);
    assert.deepEqual(outcomes, []);
  });

  it('a client gone mid-stream: the upstream body is closed and the deployment is not blamed', async () => {
    const upstream = sseReply();
    upstream.push(openAIChunkEvent('first'));
    const client = new FakeUpstreamClient(upstream.response);
    const { gateway, outcomes } = setup(client);
    const cancellation = new Cancellation();
    const result = await gateway.stream(streamRequest, candidates, cancellation);
    await result.steps.next();
    const next = result.steps.next();
    cancellation.cancel();
    const step = await next;
    assert.equal(step.done, false);
    assert.equal((step.value as StreamStep).error?.status, 499);
    assert.equal((await result.steps.next()).done, true);
    assert.ok(upstream.destroyed());
    assert.deepEqual(outcomes, []);
  });

  it('a consumer that stops reading closes the upstream body', async () => {
    const upstream = sseReply();
    upstream.push(openAIChunkEvent('first'));
    const { gateway, outcomes } = setup(new FakeUpstreamClient(upstream.response));
    const result = await gateway.stream(streamRequest, candidates, new Cancellation());
    await result.steps.next();
    await result.steps.return(undefined);
    assert.ok(upstream.destroyed());
    assert.deepEqual(outcomes, [], 'an abandoned stream is no sample of the deployment');
  });
});
