/**
 * Signed thinking through Chat Completions on a Claude model: the answer carries Claude's thinking as
 * `reasoning_details` (with its signature), and a client that sends them back with the assistant turn keeps Claude
 * thinking through a tool loop — the simulator, like Anthropic, refuses a tool loop with thinking on whose last
 * assistant turn does not start with its signed thinking, and refuses a tampered signature.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let client: OpenAI;

before(async () => {
  gw = await startTestGateway();
  client = gw.client();
});
after(() => gw.close());

interface ReasoningDetail {
  type: string;
  text?: string;
  signature?: string;
  format: string;
}
type WithDetails = { reasoning_details?: ReasoningDetail[]; reasoning_content?: string };

const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];
const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };

/** The first turn: Claude thinks, then calls the tool. */
async function firstTurn(stream: boolean): Promise<{ message: OpenAI.ChatCompletionAssistantMessageParam & WithDetails; callId: string }> {
  const request = { model: 'claude-sonnet-4.5', messages: [question], tools, reasoning_effort: 'low' as const };
  if (!stream) {
    const message = (await client.chat.completions.create(request)).choices[0]?.message as OpenAI.ChatCompletionMessage & WithDetails;
    const call = message.tool_calls?.[0];
    assert.ok(call !== undefined);
    return {
      message: { role: 'assistant', content: message.content, tool_calls: message.tool_calls, reasoning_details: message.reasoning_details },
      callId: call.id,
    };
  }
  const details: ReasoningDetail[] = [];
  const calls: OpenAI.ChatCompletionMessageFunctionToolCall[] = [];
  for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
    const delta = chunk.choices[0]?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & WithDetails) | undefined;
    details.push(...(delta?.reasoning_details ?? []));
    for (const part of delta?.tool_calls ?? []) {
      const call: OpenAI.ChatCompletionMessageFunctionToolCall = calls[part.index] ?? {
        id: '',
        type: 'function',
        function: { name: '', arguments: '' },
      };
      calls[part.index] = call;
      if (part.id !== undefined) call.id = part.id;
      call.function.name += part.function?.name ?? '';
      call.function.arguments += part.function?.arguments ?? '';
    }
  }
  assert.equal(calls.length, 1);
  return { message: { role: 'assistant', content: null, tool_calls: calls, reasoning_details: details }, callId: calls[0]?.id ?? '' };
}

function secondTurn(assistant: OpenAI.ChatCompletionAssistantMessageParam & WithDetails, callId: string) {
  return client.chat.completions.create({
    model: 'claude-sonnet-4.5',
    messages: [question, assistant, { role: 'tool', tool_call_id: callId, content: 'Sunny, 24°C' }],
    tools,
    reasoning_effort: 'low',
  });
}

describe('signed thinking through /v1/chat/completions on Claude', () => {
  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'JSON'}: the answer's signed thinking, sent back, keeps Claude thinking through the tool loop`, async () => {
      const { message, callId } = await firstTurn(stream);
      const [detail] = message.reasoning_details ?? [];
      assert.equal(detail?.type, 'reasoning.text');
      assert.equal(detail?.format, 'anthropic');
      assert.match(detail?.text ?? '', /^Thinking about:/);
      assert.ok((detail?.signature ?? '').length > 0);

      const answer = (await secondTurn(message, callId)).choices[0]?.message as OpenAI.ChatCompletionMessage & WithDetails;
      assert.match(answer.content ?? '', /The tool returned: Sunny/);
      assert.match(answer.reasoning_content ?? '', /^Thinking about:/, 'Claude thought again: thinking stayed on');
    });
  }

  it('without the details the loop still works, with thinking off', async () => {
    const { message, callId } = await firstTurn(false);
    const { reasoning_details: _dropped, ...plain } = message;
    const answer = (await secondTurn(plain, callId)).choices[0]?.message as OpenAI.ChatCompletionMessage & WithDetails;
    assert.match(answer.content ?? '', /The tool returned: Sunny/);
    assert.equal(answer.reasoning_content, undefined);
  });

  it("a tampered signature is the provider's 400", async () => {
    const { message, callId } = await firstTurn(false);
    const tampered = (message.reasoning_details ?? []).map((detail) => ({ ...detail, text: `${detail.text ?? ''} (edited)` }));
    await assert.rejects(secondTurn({ ...message, reasoning_details: tampered }, callId), (error: unknown) => {
      assert.equal((error as { status?: number }).status, 400);
      assert.match(String((error as Error).message), /Invalid `signature` in `thinking` block/);
      return true;
    });
  });
});
