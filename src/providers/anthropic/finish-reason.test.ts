import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapAnthropicStopReason } from './finish-reason.js';

describe('mapAnthropicStopReason', () => {
  const cases = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ] as const;
  for (const [reason, expected] of cases) {
    it(`maps ${reason} to ${expected}`, () => {
      assert.equal(mapAnthropicStopReason(reason, true), expected);
    });
  }

  it('maps tool_use to stop when the only tool used was the json_output emulation', () => {
    assert.equal(mapAnthropicStopReason('tool_use', false), 'stop');
  });

  it('maps an unknown stop reason to stop explicitly', () => {
    assert.equal(mapAnthropicStopReason('some_future_reason', false), 'stop');
  });

  it('maps a missing stop reason to stop', () => {
    assert.equal(mapAnthropicStopReason(null, false), 'stop');
    assert.equal(mapAnthropicStopReason(undefined, false), 'stop');
  });
});
