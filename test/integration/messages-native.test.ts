/**
 * Claude through the Messages door natively (issue 18): the recorded Anthropic answers and streams
 * (`src/providers/anthropic/__fixtures__`, real recordings) served by a tiny 127.0.0.1 upstream come out identical
 * apart from `id`, `model` and our `cost_usd`; the client's body reaches Anthropic as it came (the deployment's model,
 * `cache_control`, thinking signatures, `context_management`, betas but the dropped ones) with the gateway's key; and
 * a translated model's stream follows the same event grammar as the recorded ones.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { anthropicClient } from '../helpers/messages.js';

const FIXTURES = new URL('../../src/providers/anthropic/__fixtures__/', import.meta.url);
const STREAMS = readdirSync(FIXTURES).filter((name) => name.endsWith('.chunks.txt'));
const BODIES = ['anthropic-text.json', 'anthropic-tool-no-args.json', 'issue-13430-thinking-tool-call.json'];
const UPSTREAM_KEY = 'sk-ant-operator-0123456789abcdef';

/** What the stand-in's count_tokens answers. */
const COUNTED = 4242;

/**
 * A stand-in for api.anthropic.com that answers with the recording the test chose (and `count_tokens` with
 * {@link COUNTED}) and keeps what it was sent.
 */
class RecordedUpstream {
  /** The fixture the next answer is: `*.chunks.txt` (SSE, one event a line) or `*.json`. */
  next = 'anthropic-text.chunks.txt';
  readonly received: Array<{ url: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
  readonly server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => {
      this.received.push({ url: request.url ?? '', headers: request.headers, body: JSON.parse(text) as Record<string, unknown> });
      if (request.url?.endsWith('/count_tokens')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: COUNTED }));
        return;
      }
      const fixture = readFileSync(new URL(this.next, FIXTURES), 'utf8');
      if (!this.next.endsWith('.chunks.txt')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(fixture);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const line of fixture.split('\n').filter((l) => l.trim() !== '')) {
        response.write(`event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`);
      }
      response.end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

const upstream = new RecordedUpstream();
let gw: TestGateway;
before(async () => {
  const url = await upstream.start();
  gw = await startTestGateway((config) => {
    const anthropic = config.providers.anthropic;
    assert.ok(anthropic);
    config.providers.anthropic = { ...anthropic, baseUrl: url, apiKey: UPSTREAM_KEY };
  });
});
after(async () => {
  await gw.close();
  upstream.server.close();
});

/** The recorded events of a `*.chunks.txt` fixture: `[event name, data]`. */
function recordedEvents(name: string): Array<[string, Record<string, unknown>]> {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const data = JSON.parse(line) as Record<string, unknown>;
      return [String(data.type), data];
    });
}

/** The SSE events of a gateway answer: `[event name, data]`. */
function parseSse(text: string): Array<[string, Record<string, unknown>]> {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? 'null';
      return [event, JSON.parse(data) as Record<string, unknown>];
    });
}

async function postMessages(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': gw.apiKey, 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

const ask = { model: 'claude-sonnet-4-5-20250929', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hello' }] };

describe('recorded Anthropic streams, relayed', () => {
  for (const name of STREAMS) {
    it(`${name}: every event as recorded, apart from id, model and cost_usd`, async () => {
      upstream.next = name;
      const response = await postMessages({ ...ask, stream: true });
      assert.equal(response.status, 200);
      const relayed = parseSse(await response.text());
      const recorded = recordedEvents(name);
      assert.deepEqual(
        relayed.map(([event]) => event),
        recorded.map(([event]) => event),
      );
      const start = relayed[0]?.[1].message as { id: string; model: string };
      assert.match(start.id, /^msg_/);
      assert.equal(start.model, 'claude-sonnet-4.5');
      const delta = relayed.findLast(([event]) => event === 'message_delta')?.[1].usage as { cost_usd?: unknown };
      assert.equal(typeof delta.cost_usd, 'number');
      const expected = recorded.map(([event, data]) => [event, structuredClone(data)] as [string, Record<string, unknown>]);
      Object.assign(expected[0]?.[1].message as object, { id: start.id, model: 'claude-sonnet-4.5' });
      Object.assign(expected.findLast(([event]) => event === 'message_delta')?.[1].usage as object, { cost_usd: delta.cost_usd });
      assert.deepEqual(relayed, expected);
    });
  }

  it('the SDK assembles a relayed stream: signed thinking, then text', async () => {
    upstream.next = 'anthropic-clear-thinking.1.chunks.txt';
    const message = await anthropicClient(gw).messages.stream(ask).finalMessage();
    assert.deepEqual(
      message.content.map((block) => block.type),
      ['thinking', 'text'],
    );
    const thinking = message.content[0] as Anthropic.ThinkingBlock;
    assert.match(thinking.signature, /^EvQBCkYICxgCKkAx/);
    assert.equal(thinking.thinking, 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
  });
});

describe('recorded Anthropic answers, relayed', () => {
  for (const name of BODIES) {
    it(`${name}: the body as recorded, apart from id, model and cost_usd`, async () => {
      upstream.next = name;
      const response = await postMessages(ask);
      assert.equal(response.status, 200);
      const answer = (await response.json()) as Record<string, unknown> & { id: string; usage: { cost_usd?: unknown } };
      const recorded = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown> & { usage: object };
      assert.match(answer.id, /^msg_/);
      assert.equal(typeof answer.usage.cost_usd, 'number');
      assert.deepEqual(answer, {
        ...recorded,
        id: answer.id,
        model: 'claude-sonnet-4.5',
        usage: { ...recorded.usage, cost_usd: answer.usage.cost_usd },
      });
    });
  }
});

describe('what reaches Anthropic', () => {
  it("the client's body as it came, with the deployment's model and the gateway's key; our routing field and the dropped betas left out", async () => {
    upstream.next = 'anthropic-text.json';
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      system: [{ type: 'text', text: 'You are a careful assistant.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Read a', cache_control: { type: 'ephemeral' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I will read it.', signature: 'EqQBCkgIARABGAIiQL' },
            { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'contents of a' }] },
      ],
      tools: [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } }, cache_control: { type: 'ephemeral' } }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
      top_k: 40,
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      metadata: { user_id: 'user-7' },
      routing: 'cost',
    };
    const response = await postMessages(body, {
      'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14, context-management-2025-06-27',
    });
    assert.equal(response.status, 200);
    const seen = upstream.received.at(-1);
    assert.ok(seen);
    assert.equal(seen.url, '/v1/messages');
    const { routing: _routing, ...expected } = body;
    assert.deepEqual(seen.body, { ...expected, model: 'claude-sonnet-4-5', stream: false });
    assert.equal(seen.headers['x-api-key'], UPSTREAM_KEY);
    assert.equal(seen.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14,context-management-2025-06-27');
    assert.equal(seen.headers['anthropic-version'], '2023-06-01');
    assert.equal(seen.headers.authorization, undefined);
  });

  it("count_tokens is forwarded with only the fields Anthropic counts, and answers Anthropic's count", async () => {
    const count = await anthropicClient(gw).messages.countTokens({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hello' }],
      tools: [{ name: 'read', input_schema: { type: 'object' } }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    assert.deepEqual(count, { input_tokens: COUNTED });
    const seen = upstream.received.at(-1);
    assert.ok(seen);
    assert.equal(seen.url, '/v1/messages/count_tokens');
    assert.deepEqual(seen.body, {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Hello' }],
      system: 'Be brief.',
      tools: [{ name: 'read', input_schema: { type: 'object' } }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    const stray = await fetch(`${gw.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gw.apiKey },
      body: JSON.stringify({ ...ask, stream: false, temperature: 0.5 }),
    });
    assert.equal(stray.status, 200);
    assert.deepEqual(
      upstream.received.at(-1)?.body,
      { model: 'claude-sonnet-4-5', messages: ask.messages },
      'max_tokens, stream and temperature are not sent',
    );
  });
});

describe("a translated model's stream", () => {
  /** Anthropic's event grammar, pings aside: a start, blocks each with deltas, the message delta, the stop. */
  const GRAMMAR = /^message_start( content_block_start( content_block_delta)* content_block_stop)+ message_delta message_stop$/;
  const outline = (events: ReadonlyArray<readonly [string, unknown]>): string =>
    events
      .map(([event]) => event)
      .filter((event) => event !== 'ping')
      .join(' ');

  it('the recorded streams follow the grammar', () => {
    for (const name of STREAMS) assert.match(outline(recordedEvents(name)), GRAMMAR, name);
  });

  for (const model of ['gpt-5', 'gemini-2.5-flash']) {
    it(`${model}: text, and a tool call, follow the same grammar with a message_delta carrying stop reason and usage`, async () => {
      for (const extra of [{}, { tools: [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }] }]) {
        const response = await postMessages({ ...ask, ...extra, model, stream: true });
        const events = parseSse(await response.text());
        assert.match(outline(events), GRAMMAR, JSON.stringify(extra));
        const delta = events.find(([event]) => event === 'message_delta')?.[1] as {
          delta: { stop_reason: string };
          usage: { input_tokens: number; output_tokens: number; cost_usd: number };
        };
        assert.equal(delta.delta.stop_reason, 'tools' in extra ? 'tool_use' : 'end_turn');
        assert.ok(delta.usage.input_tokens > 0 && delta.usage.output_tokens > 0 && delta.usage.cost_usd > 0);
      }
    });
  }
});
