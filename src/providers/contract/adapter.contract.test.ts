/**
 * @module The adapter contract: the one suite every wire-format adapter runs (Hono's `common.case.test.ts`
 * pattern). An adapter is done when it passes.
 *
 * For each scenario of `scenarios.ts` the suite translates the same OpenAI request and checks the upstream request
 * against the adapter's fixture; then it translates the adapter's upstream answer, whole and streamed, and checks
 * that both mean the scenario's expected answer, the same for every adapter. Every object produced is validated
 * against the official OpenAI schemas. The error cases check the status, retry delay and message kept from an
 * upstream 429, 5xx, in-band stream error, cut stream and malformed body.
 *
 * The file is named `*.test.ts` so the build leaves it out (it imports test helpers from outside `src/`); loaded on
 * its own it registers nothing.
 * @example
 * // src/providers/anthropic/contract.test.ts
 * const fixtures = new URL('./__fixtures__/contract.json', import.meta.url);
 * runAdapterContract('anthropic', loadAdapterFixtureSet(anthropicAdapter, fixtures));
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { UpstreamCompletion } from '../../core/chat-response.js';
import { GatewayError, type ErrorCode } from '../../core/gateway-error.js';
import type { TranslateContext } from '../types.js';
import { assertChoices, assertSubset, assertUsage } from './assert-answer.js';
import type { AdapterFixtureSet, ScenarioFixture } from './fixture-set.js';
import { observeCompletion, observeStream, replayStream, type StreamReplay } from './observe.js';
import { SCENARIO_NAMES, SCENARIOS, type Scenario } from './scenarios.js';

export { loadAdapterFixtureSet, type AdapterFixtureSet } from './fixture-set.js';

const ctx: TranslateContext = { id: 'chatcmpl-contract0001', model: 'contract-model', created: 1_750_000_000 };

/** The retry delay every fixture's upstream 429 announces, in its own way (header, body detail). */
export const CONTRACT_RETRY_AFTER_SECONDS = 30;

/** Registers the whole contract for one adapter and its fixtures. */
export function runAdapterContract(name: string, set: AdapterFixtureSet): void {
  describe(`adapter contract: ${name}`, () => {
    for (const scenarioName of SCENARIO_NAMES) {
      runScenario(set, SCENARIOS[scenarioName], set.scenarios[scenarioName]);
    }
    describe('errors', () => runErrorCases(set));
  });
}

function assertStamped(completion: UpstreamCompletion): void {
  assert.deepEqual([completion.id, completion.object, completion.model, completion.created], [ctx.id, 'chat.completion', ctx.model, ctx.created]);
}

function validateChunks(replay: StreamReplay): void {
  for (const chunk of replay.chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
}

function runScenario(set: AdapterFixtureSet, scenario: Scenario, fixture: ScenarioFixture): void {
  describe(`${scenario.name}: ${scenario.title}`, () => {
    if ('skip' in fixture) {
      it('has no native equivalent', { skip: fixture.skip }, () => undefined);
      return;
    }
    it('builds the upstream request', () => {
      for (const stream of [false, true]) {
        const { request, warnings } = set.adapter.toUpstream(scenario.request, set.target, stream);
        assert.deepEqual(JSON.parse(JSON.stringify(request.body)), request.body, 'the body is plain JSON');
        assertSubset(request.body, fixture.request.body);
        if (!stream && fixture.request.path !== undefined) assert.equal(request.path, fixture.request.path);
        assert.deepEqual(warnings, fixture.request.warnings, `warnings (stream: ${stream})`);
      }
    });
    it('translates the whole answer', () => {
      const completion = set.adapter.fromUpstream(fixture.response.body, ctx);
      validateOpenAI('CreateChatCompletionResponse', completion);
      assertStamped(completion);
      assertChoices(observeCompletion(completion), scenario.expected, 'response');
      assertUsage(completion.usage, scenario.expected.usage, 'response');
    });
    it('translates the streamed answer to the same result', () => {
      const replay = replayStream(set.adapter, ctx, fixture.response.events);
      assert.equal(replay.error, undefined, `the stream translates without error: ${replay.error?.message}`);
      validateChunks(replay);
      assertChoices(observeStream(replay.chunks, ctx), scenario.expected, 'stream');
      assertUsage(replay.usage, scenario.expected.usage, 'stream');
    });
  });
}

interface ExpectedError {
  status: number;
  code: ErrorCode;
  retryable: boolean;
  message?: string;
}

function assertGatewayError(error: unknown, expected: ExpectedError): asserts error is GatewayError {
  assert.ok(error instanceof GatewayError, `a GatewayError, got ${String(error)}`);
  validateOpenAI('ErrorResponse', error.toBody());
  assert.deepEqual(
    [error.status, error.code, error.retryable],
    [expected.status, expected.code, expected.retryable],
    `status, code, retryable of "${error.message}"`,
  );
  if (expected.message !== undefined) assert.ok(error.message.includes(expected.message), error.message);
}

function runErrorCases(set: AdapterFixtureSet): void {
  const { adapter, errors } = set;
  it('maps an upstream 429 to a rate limit carrying the retry delay', () => {
    const { status, headers, body, message } = errors.rateLimit;
    const error = adapter.toGatewayError(status, headers, body);
    assertGatewayError(error, { status: 429, code: 'rate_limit_exceeded', retryable: true, message });
    assert.equal(error.retryAfterSeconds, CONTRACT_RETRY_AFTER_SECONDS);
  });

  it('maps an upstream 5xx to a retryable 503', () => {
    const { status, headers, body, message } = errors.serverError;
    assertGatewayError(adapter.toGatewayError(status, headers, body), {
      status: 503,
      code: 'provider_unavailable',
      retryable: true,
      message,
    });
  });

  it('ends a stream that fails mid-way with a typed error, after valid chunks and no finish', () => {
    const replay = replayStream(adapter, ctx, errors.streamError.events);
    assertGatewayError(replay.error, {
      status: 503,
      code: 'provider_unavailable',
      retryable: true,
      message: errors.streamError.message,
    });
    assert.ok(replay.chunks.length > 0, 'the fixture sends some content before failing');
    validateChunks(replay);
    assert.ok(observeStream(replay.chunks, ctx).every((choice) => choice.finishReason === null));
  });

  it('reports a stream cut after its first event', () => {
    const text = set.scenarios.text;
    assert.ok(!('skip' in text) && text.response.events.length > 1, 'the text scenario streams several events');
    const replay = replayStream(adapter, ctx, text.response.events.slice(0, 1));
    validateChunks(replay);
    assertGatewayError(replay.error, { status: 502, code: 'provider_error', retryable: true });
  });

  it('reports an event that is not JSON as an error, without throwing', () => {
    const step = adapter.createStreamTranslator(ctx).push({ data: '{"unterminated": ' });
    assert.deepEqual(step.chunks, []);
    assertGatewayError(step.error, { status: 502, code: 'provider_error', retryable: true });
  });

  it('rejects a whole answer that is not the promised shape with a 502', () => {
    assert.throws(
      () => adapter.fromUpstream({ unexpected: true }, ctx),
      (error: unknown) => {
        assertGatewayError(error, { status: 502, code: 'provider_error', retryable: true });
        return true;
      },
    );
  });
}
