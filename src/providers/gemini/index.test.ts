import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { ToolCallDelta } from '../../core/chat-response.js';
import type { TranslateContext, UpstreamTarget } from '../types.js';
import { geminiAdapter } from './index.js';

const target: UpstreamTarget = { baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'k', upstreamModel: 'gemini-3-pro-preview' };
const ctx: TranslateContext = { model: 'gemini-3-pro', id: 'chatcmpl-roundtrip', created: 1_700_000_000 };

function fixtureText(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

function replayTurn(toolCalls: { id: string; name: string; arguments: string }[]): ChatCompletionRequest {
  return {
    model: 'gemini-3-pro',
    messages: [
      { role: 'user', content: 'Weather in San Francisco?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      },
      ...toolCalls.map((c) => ({ role: 'tool' as const, tool_call_id: c.id, content: '18C, fog' })),
    ],
  };
}

function modelParts(req: ChatCompletionRequest): unknown {
  const contents = geminiAdapter.toUpstream(req, target, false).request.body.contents as { role: string; parts: unknown }[];
  return contents.find((content) => content.role === 'model')?.parts;
}

describe('geminiAdapter', () => {
  it('speaks the gemini format', () => {
    assert.equal(geminiAdapter.format, 'gemini');
  });

  it('returns the thought signature of a non-streamed tool call in the next request (google-tool-call.json)', () => {
    const completion = geminiAdapter.fromUpstream(JSON.parse(fixtureText('google-tool-call.json')), ctx);
    const calls = (completion.choices[0]?.message.tool_calls ?? []).map((c) => ({ id: c.id, ...c.function }));
    assert.deepEqual(modelParts(replayTurn(calls)), [
      {
        functionCall: { name: 'weather', args: { location: 'San Francisco' } },
        thoughtSignature: 'EskgCsYgAb4+9vtF7/499YQS2bjZs3xcQI+iAl+ILn29nK1j0Kg6su7QsUUUk3nrAAfnS2w5WiVvlcCqu9fAebJ2cvfaEyBahEt5',
      },
    ]);
  });

  it('returns the thought signature of a streamed tool call in the next request (google-tool-call.chunks.txt)', () => {
    const translator = geminiAdapter.createStreamTranslator(ctx);
    const deltas: ToolCallDelta[] = fixtureText('google-tool-call.chunks.txt')
      .split('\n')
      .filter((line) => line !== '')
      .flatMap((data) => translator.push({ data }).chunks)
      .flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    assert.equal(translator.end().error, undefined);
    const calls = deltas.map((d) => ({ id: d.id ?? '', name: d.function?.name ?? '', arguments: d.function?.arguments ?? '' }));
    const signature = /"thoughtSignature":"([^"]+)"/.exec(fixtureText('google-tool-call.chunks.txt'))?.[1];
    assert.deepEqual(modelParts(replayTurn(calls)), [
      { functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: signature },
    ]);
  });
});
