import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { UpstreamTarget } from '../types.js';
import { toGeminiRequest } from './request.js';

const target: UpstreamTarget = {
  baseUrl: 'https://generativelanguage.googleapis.com',
  apiKey: 'AIza-test',
  upstreamModel: 'gemini-2.5-flash',
};

function request(overrides: Partial<ChatCompletionRequest>): ChatCompletionRequest {
  return { model: 'gemini-flash', messages: [{ role: 'user', content: 'hi' }], ...overrides };
}

function body(req: ChatCompletionRequest): Record<string, unknown> {
  return toGeminiRequest(req, target, false).request.body;
}

const toolRound: ChatCompletionRequest['messages'] = [
  { role: 'system', content: 's' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":[1]}' } }] },
  { role: 'tool', tool_call_id: 'a', content: 'ok' },
];

describe('toGeminiRequest: call', () => {
  it('posts to generateContent, or streamGenerateContent?alt=sse, with the API key header', () => {
    const plain = toGeminiRequest(request({}), target, false).request;
    assert.equal(plain.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.deepEqual(plain.headers, { 'x-goog-api-key': 'AIza-test', 'content-type': 'application/json' });
    assert.equal(toGeminiRequest(request({}), target, true).request.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('drops a models/ prefix and encodes the model name', () => {
    const path = (upstreamModel: string) => toGeminiRequest(request({}), { ...target, upstreamModel }, false).request.path;
    assert.equal(path('models/gemini-2.5-pro'), '/v1beta/models/gemini-2.5-pro:generateContent');
    assert.equal(path('my model?x'), '/v1beta/models/my%20model%3Fx:generateContent');
  });

  it('carries the converted conversation in contents and systemInstruction', () => {
    assert.deepEqual(body(request({ messages: toolRound })), {
      systemInstruction: { parts: [{ text: 's' }] },
      contents: [
        { role: 'model', parts: [{ functionCall: { name: 'f', args: { x: [1] } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: 'ok' } } }] },
      ],
    });
  });

  it('does not mutate the client request', () => {
    const req = request({ messages: toolRound });
    const before = structuredClone(req);
    toGeminiRequest(req, target, true);
    assert.deepEqual(req, before);
  });
});

describe('toGeminiRequest: tools', () => {
  it('declares tools with parametersJsonSchema and maps every tool_choice', () => {
    const parameters = { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] };
    const tools: ChatCompletionRequest['tools'] = [
      { type: 'function', function: { name: 'weather', description: 'Get weather', parameters } },
      { type: 'function', function: { name: 'now' } },
    ];
    assert.deepEqual(body(request({ tools })).tools, [
      {
        functionDeclarations: [{ name: 'weather', description: 'Get weather', parametersJsonSchema: parameters }, { name: 'now' }],
      },
    ]);
    const config = (tool_choice: ChatCompletionRequest['tool_choice']) => body(request({ tools, tool_choice })).toolConfig;
    assert.equal(body(request({ tools })).toolConfig, undefined);
    assert.deepEqual(config('auto'), { functionCallingConfig: { mode: 'AUTO' } });
    assert.deepEqual(config('none'), { functionCallingConfig: { mode: 'NONE' } });
    assert.deepEqual(config('required'), { functionCallingConfig: { mode: 'ANY' } });
    assert.deepEqual(config({ type: 'function', function: { name: 'now' } }), {
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['now'] },
    });
    assert.equal(body(request({ tool_choice: 'auto' })).toolConfig, undefined);
  });
});

describe('toGeminiRequest: generationConfig and warnings', () => {
  it('maps sampling, length, stop, penalties, seed and n', () => {
    const result = body(
      request({
        temperature: 0.3,
        top_p: 0.9,
        max_tokens: 50,
        max_completion_tokens: 100,
        stop: 'END',
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        seed: 42,
        n: 3,
      }),
    );
    assert.deepEqual(result.generationConfig, {
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      seed: 42,
      candidateCount: 3,
    });
  });

  it('omits generationConfig when nothing is set, and candidateCount for n = 1', () => {
    assert.equal(body(request({})).generationConfig, undefined);
    assert.equal(body(request({ n: 1, temperature: null })).generationConfig, undefined);
    assert.deepEqual(body(request({ n: 1, max_tokens: 7, stop: ['a', 'b'] })).generationConfig, {
      maxOutputTokens: 7,
      stopSequences: ['a', 'b'],
    });
  });

  it('maps response_format to a JSON mime type and schema', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    assert.deepEqual(body(request({ response_format: { type: 'json_object' } })).generationConfig, {
      responseMimeType: 'application/json',
    });
    assert.deepEqual(body(request({ response_format: { type: 'json_schema', json_schema: { name: 's', schema } } })).generationConfig, {
      responseMimeType: 'application/json',
      responseJsonSchema: schema,
    });
    assert.equal(body(request({ response_format: { type: 'text' } })).generationConfig, undefined);
  });

  it('drops unsupported fields and lists them in warnings', () => {
    const req = request({
      logit_bias: { '50256': -100 },
      parallel_tool_calls: false,
      user: 'u-1',
      logprobs: true,
      top_logprobs: 2,
      tools: [{ type: 'function', function: { name: 'f', strict: true } }],
    });
    const { request: upstream, warnings } = toGeminiRequest(req, target, false);
    assert.deepEqual(warnings, ['logit_bias', 'logprobs', 'top_logprobs', 'parallel_tool_calls', 'user', 'tools[].function.strict']);
    for (const key of ['logit_bias', 'parallel_tool_calls', 'user', 'logprobs', 'top_logprobs', 'model', 'messages']) {
      assert.equal(key in upstream.body, false, key);
    }
  });

  it('never sends store or the priced OpenAI features, on the gateway key or a BYOK one', () => {
    const req = request({ store: true, service_tier: 'priority', web_search_options: {}, modalities: ['text', 'audio'] });
    for (const byok of [false, true]) {
      const { request: upstream, warnings } = toGeminiRequest(req, { ...target, byok }, false);
      assert.deepEqual(warnings, ['service_tier', 'store', 'modalities', 'web_search_options']);
      for (const field of ['store', 'service_tier', 'web_search_options', 'modalities']) assert.equal(field in upstream.body, false, field);
      assert.equal(JSON.stringify(upstream.body).includes('priority'), false);
    }
  });

  it('warns about a tool_choice without tools', () => {
    const { request: upstream, warnings } = toGeminiRequest(request({ tool_choice: 'required' }), target, false);
    assert.deepEqual(warnings, ['tool_choice']);
    assert.equal('toolConfig' in upstream.body, false);
  });

  it('drops message names with a warning', () => {
    const req = request({ messages: [{ role: 'user', content: 'Hi', name: 'alice' }] });
    assert.deepEqual(toGeminiRequest(req, target, false).warnings, ['messages[].name']);
  });

  it('does not warn about values that change nothing', () => {
    const req = request({ logprobs: false, parallel_tool_calls: true, stream_options: { include_usage: true }, routing: 'cost' });
    assert.deepEqual(toGeminiRequest(req, target, true).warnings, []);
  });
});
