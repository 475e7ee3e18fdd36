/**
 * @module The comparisons of the adapter contract: an observed answer against a scenario's expected one, and an
 * upstream body against the subset a fixture says it must contain.
 */
import assert from 'node:assert/strict';
import type { Usage } from '../../core/chat-response.js';
import type { ObservedChoice } from './observe.js';
import type { ExpectedAnswer, ExpectedUsage } from './scenarios.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** In a fixture's expected body, this value means "the key must not be there". */
export const ABSENT = '<absent>';

/**
 * Asserts that `actual` contains `expected`: objects need the expected keys (others are allowed; a key expected as
 * {@link ABSENT} must be missing), arrays need the same length with each item matched the same way, and any other
 * value must be strictly equal.
 * @param path where in the body the comparison is, for failure messages
 */
export function assertSubset(actual: unknown, expected: unknown, path = 'body'): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} should be an array, got ${JSON.stringify(actual)}`);
    const items = `${path} should have ${expected.length} items: ${JSON.stringify(actual)}`;
    assert.equal(actual.length, expected.length, items);
    for (const [i, item] of expected.entries()) assertSubset(actual[i], item, `${path}[${i}]`);
    return;
  }
  if (isPlainObject(expected)) {
    assert.ok(isPlainObject(actual), `${path} should be an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      if (value === ABSENT) {
        assert.ok(!Object.hasOwn(actual, key), `${path}.${key} should be absent, got ${JSON.stringify(actual[key])}`);
        continue;
      }
      assert.ok(Object.hasOwn(actual, key), `${path}.${key} is missing from ${JSON.stringify(actual)}`);
      assertSubset(actual[key], value, `${path}.${key}`);
    }
    return;
  }
  assert.equal(actual, expected, path);
}

function parseJson(text: string | null, label: string): unknown {
  assert.ok(text !== null, `${label}: content should hold JSON`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return assert.fail(`${label}: content is not JSON: ${text}`);
  }
}

/** Tool-call ids are the provider's; they must be usable, and distinct within an answer. */
function assertToolCallIds(choices: ObservedChoice[], label: string): void {
  const ids = choices.flatMap((choice) => choice.toolCalls.map((call) => call.id));
  assert.ok(
    ids.every((id) => /^[A-Za-z0-9_-]+$/.test(id)),
    `${label}: tool call ids are non-empty and URL-safe`,
  );
  assert.equal(new Set(ids).size, ids.length, `${label}: tool call ids are distinct`);
}

/** Asserts the observed choices mean exactly the expected answer. */
export function assertChoices(observed: ObservedChoice[], expected: ExpectedAnswer, label: string): void {
  assert.deepEqual(
    observed.map((choice) => choice.index),
    expected.choices.map((_, i) => i),
    `${label}: choice indexes`,
  );
  expected.choices.forEach((want, i) => {
    const got = observed[i];
    assert.ok(got !== undefined);
    const where = `${label}, choice ${i}`;
    if (expected.jsonContent === true && want.content !== null) {
      assert.deepEqual(parseJson(got.content, where), JSON.parse(want.content), `${where}: content`);
    } else {
      assert.equal(got.content, want.content, `${where}: content`);
    }
    assert.equal(got.reasoning, want.reasoning, `${where}: reasoning_content`);
    const calls = got.toolCalls.map((call) => ({
      name: call.function.name,
      arguments: parseJson(call.function.arguments, `${where}, ${call.function.name} arguments`),
    }));
    assert.deepEqual(calls, want.toolCalls ?? [], `${where}: tool calls`);
    assert.equal(got.finishReason, want.finishReason, `${where}: finish_reason`);
  });
  assertToolCallIds(observed, label);
}

/** A detail count: when expected, it must be reported with that value; otherwise it must be absent or 0. */
function assertDetail(actual: number | undefined, expected: number | undefined, name: string, label: string): void {
  if (expected !== undefined) assert.equal(actual, expected, `${label}: ${name}`);
  else assert.ok(actual === undefined || actual === 0, `${label}: ${name} should be absent or 0`);
}

/** Asserts usage counts, with `total = prompt + completion`. */
export function assertUsage(actual: Usage | undefined, expected: ExpectedUsage, label: string): void {
  assert.ok(actual !== undefined, `${label}: usage is reported`);
  assert.deepEqual(
    [actual.prompt_tokens, actual.completion_tokens, actual.total_tokens],
    [expected.prompt, expected.completion, expected.prompt + expected.completion],
    `${label}: prompt, completion and total tokens`,
  );
  assertDetail(actual.prompt_tokens_details?.cached_tokens, expected.cached, 'cached_tokens', label);
  assertDetail(actual.completion_tokens_details?.reasoning_tokens, expected.reasoning, 'reasoning_tokens', label);
}
