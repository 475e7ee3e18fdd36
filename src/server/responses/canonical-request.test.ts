import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../core/gateway-error.js';
import { checkResponsesRequest, toCanonicalRequest } from './canonical-request.js';
import type { ResponsesRequest } from './request-schema.js';
import { translateTools } from './tools.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

function refusedParam(req: ResponsesRequest): string | null {
  try {
    checkResponsesRequest(req);
  } catch (error) {
    assert.ok(error instanceof GatewayError && error.status === 400);
    return error.param;
  }
  assert.fail('expected a 400');
}

describe('toCanonicalRequest', () => {
  it('maps every parameter to its Chat Completions name, and keeps store and metadata out of the upstream request', () => {
    const req: ResponsesRequest = {
      model: 'auto',
      input: 'hi',
      stream: true,
      temperature: 0.5,
      max_output_tokens: 300,
      parallel_tool_calls: false,
      tool_choice: 'required',
      tools: [{ type: 'function', name: 'f' }],
      text: { format: { type: 'json_schema', name: 'thing', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      reasoning: { effort: 'high', summary: 'auto' },
      user: 'u1',
      safety_identifier: 's1',
      prompt_cache_key: 'k1',
      service_tier: 'auto',
      routing: 'latency',
      store: true,
      metadata: { a: 'b' },
      previous_response_id: 'resp_1',
    };
    assert.deepEqual(toCanonicalRequest(req, messages, translateTools(req.tools ?? [], req.tool_choice)), {
      model: 'auto',
      messages,
      stream: true,
      temperature: 0.5,
      max_completion_tokens: 300,
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'thing', schema: { type: 'object' }, strict: true } },
      verbosity: 'low',
      reasoning_effort: 'high',
      user: 'u1',
      safety_identifier: 's1',
      prompt_cache_key: 'k1',
      service_tier: 'auto',
      routing: 'latency',
    });
  });

  it('sends nulls as unset', () => {
    const req: ResponsesRequest = {
      model: 'gpt-5',
      input: 'hi',
      temperature: null,
      top_p: null,
      max_output_tokens: null,
      text: { format: null },
      reasoning: null,
    };
    assert.deepEqual(toCanonicalRequest(req, messages, translateTools([], null)), { model: 'gpt-5', messages, stream: false });
  });
});

describe('checkResponsesRequest', () => {
  it('refuses what the gateway cannot honour, naming the parameter', () => {
    const base: ResponsesRequest = { model: 'gpt-5', input: 'hi' };
    assert.equal(refusedParam({ ...base, background: true }), 'background');
    assert.equal(refusedParam({ ...base, conversation: 'conv_1' }), 'conversation');
    assert.equal(refusedParam({ ...base, prompt: { id: 'pmpt_1' } }), 'prompt');
    assert.equal(refusedParam({ ...base, text: { format: { type: 'json_schema', name: 'x' } } }), 'text.format.schema');
    assert.equal(refusedParam({ ...base, text: { format: { type: 'json_schema', name: 'no spaces', schema: {} } } }), 'text.format.name');
    assert.equal(refusedParam({ ...base, temperature: 0.2, top_p: 0.5 }), 'top_p');
    checkResponsesRequest({ ...base, background: false, conversation: null, temperature: 0.2, top_p: 1 });
  });
});
