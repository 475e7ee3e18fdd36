import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { refuseUnpricedParameters } from './unpriced-parameters.js';

const base: ChatCompletionRequest = { model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] };

function refusal(extra: Record<string, unknown>): GatewayError {
  try {
    refuseUnpricedParameters({ ...base, ...extra });
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail(`not refused: ${JSON.stringify(extra)}`);
}

describe('refuseUnpricedParameters', () => {
  for (const [extra, param, words] of [
    [{ service_tier: 'priority' }, 'service_tier', /"priority".*"auto" or "default"/],
    [{ service_tier: 'flex' }, 'service_tier', /"flex"/],
    [{ service_tier: 'scale' }, 'service_tier', /"scale"/],
    [{ service_tier: 7 }, 'service_tier', /7/],
    [{ modalities: ['text', 'audio'] }, 'modalities', /\["text","audio"\].*\["text"\]/],
    [{ modalities: 'audio' }, 'modalities', /"audio"/],
    [{ audio: { voice: 'alloy', format: 'wav' } }, 'audio', /audio-token prices/],
    [{ web_search_options: {} }, 'web_search_options', /per call/],
    [{ search_parameters: { mode: 'on' } }, 'search_parameters', /per source/],
  ] as const) {
    it(`refuses ${JSON.stringify(extra)} with a 400 naming \`${param}\``, () => {
      const error = refusal(extra);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.param, param);
      assert.match(error.message, new RegExp(`^\`${param}\``));
      assert.match(error.message, words);
    });
  }

  it('refuses an input_audio part and names where it is', () => {
    const error = refusal({
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'listen' },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          ],
        },
      ],
    });
    assert.equal(error.status, 400);
    assert.equal(error.param, 'messages[1].content[1]');
    assert.match(error.message, /input_audio/);
  });

  it('passes what is billed through reported tokens, and null or absent parameters', () => {
    for (const extra of [
      {},
      { service_tier: 'auto' },
      { service_tier: 'default' },
      { service_tier: null },
      { modalities: ['text'] },
      { modalities: null, audio: null, web_search_options: null, search_parameters: null },
      { prediction: { type: 'content', content: 'draft' } },
      { prompt_cache_key: 'k', prompt_cache_retention: '24h' },
      { reasoning_effort: 'high', verbosity: 'low', store: true, safety_identifier: 'u1' },
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }] },
    ]) {
      assert.doesNotThrow(() => refuseUnpricedParameters({ ...base, ...extra } as ChatCompletionRequest), JSON.stringify(extra));
    }
  });
});
