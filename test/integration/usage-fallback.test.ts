/**
 * An upstream that reports no usage (several OpenAI-compatible servers omit it) is billed from the gateway's own
 * bounded count, and the client's usage, the ledger row and the spend counters are the same non-zero numbers —
 * streamed and not. Before issue 16 a JSON answer was billed $0 and a stream's usage chunk said $0 while the ledger
 * row was filled from the tokenizer afterwards.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';

const ANSWER = 'The quick brown fox jumps over the lazy dog, twice over and then once more for luck.';

/** An OpenAI-format upstream that never sends `usage`, in JSON answers or streams. */
function usagelessUpstream(): Server {
  return createServer((req, res) => {
    let text = '';
    req.on('data', (part: Buffer) => (text += part.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text) as { stream?: boolean; model: string };
      if (body.stream !== true) {
        const completion = {
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
        };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const word of ANSWER.split(/(?= )/)) {
        const chunk = {
          id: 'x',
          object: 'chat.completion.chunk',
          created: 1,
          model: body.model,
          choices: [{ index: 0, delta: { content: word }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }
      const last = {
        id: 'x',
        object: 'chat.completion.chunk',
        created: 1,
        model: body.model,
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
      };
      res.end(`data: ${JSON.stringify(last)}\n\ndata: [DONE]\n\n`);
    });
  });
}

describe('an upstream that reports no usage', () => {
  let upstream: Server;
  let gw: TestGateway;
  before(async () => {
    upstream = usagelessUpstream().listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const { port } = upstream.address() as AddressInfo;
    gw = await startTestGateway((config) => {
      const deepseek = config.providers.deepseek;
      assert.ok(deepseek);
      config.providers.deepseek = { ...deepseek, baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-usageless-000000000000000' };
    });
  });
  after(async () => {
    await gw.close();
    upstream.close();
  });

  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'JSON'}: the client's usage, the ledger row and the spend counter agree and are not zero`, async () => {
      const account = await gw.addAccount();
      const client = account.client();
      const request = { model: 'deepseek-chat', messages: [{ role: 'user' as const, content: 'Tell me about foxes.' }] };
      let usage: { prompt_tokens: number; completion_tokens: number; cost_usd?: number } | undefined;
      if (stream) {
        const chunks = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
        for await (const chunk of chunks) if (chunk.usage) usage = chunk.usage as typeof usage;
      } else {
        usage = (await client.chat.completions.create(request)).usage as typeof usage;
      }
      assert.ok(usage !== undefined);
      assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0, JSON.stringify(usage));
      assert.ok((usage.cost_usd ?? 0) > 0);
      const rows = await ledgerRows(gw, account.accountId, 1);
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.ok(row !== undefined);
      assert.deepEqual(
        {
          prompt: Number(row.promptTokens),
          completion: Number(row.completionTokens),
          cost: Number(row.costUsd),
          estimated: Number(row.usageEstimated),
        },
        { prompt: usage.prompt_tokens, completion: usage.completion_tokens, cost: usage.cost_usd, estimated: 1 },
      );
      const monthly = await gw.admission.monthly({ accountId: account.accountId });
      assert.equal(monthly.spentUsd, usage.cost_usd);
      assert.equal(monthly.tokens, usage.prompt_tokens + usage.completion_tokens);
    });
  }
});
