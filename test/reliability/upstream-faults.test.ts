/**
 * Upstream faults (issue 9): a provider that refuses connections, resets mid-body, stalls before the first byte or
 * between chunks, sends malformed JSON, truncated SSE, a 200 with an in-band error, the wrong content type, or a
 * body far larger than any answer. For each, through raw HTTP:
 * - the client gets an OpenAI-format error (JSON before the first byte; an SSE error event once streaming);
 * - the concurrency lease is released: the account's plan allows one request at a time, and the next request
 *   (to the same deployment, now answering well) succeeds;
 * - the ledger records the failure (status and error code of the request id the client saw);
 * - the process stays healthy (`/health` 200).
 *
 * The faulty provider is a loopback server the test scripts (`fault-upstream.ts`); `deepseek` (OpenAI format) and
 * `anthropic` point at it, `mistral` at a closed port. Timeouts are cut to 400 ms so stalls fail fast.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { validateOpenAI } from '../openai-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  answerOpenAI,
  closedPort,
  JSON_HEADERS,
  modelOf,
  openAIChunk,
  openAIStreamHead,
  SSE_HEADERS,
  startFaultUpstream,
  type FaultRequest,
  type FaultUpstream,
} from './fault-upstream.js';

const TIMEOUT_MS = 400;
/** The documented limit on a non-streaming upstream answer (and on one SSE event). */
const MAX_UPSTREAM_BODY = 8 * 1024 * 1024;

let gw: TestGateway;
let fault: FaultUpstream;

before(async () => {
  fault = await startFaultUpstream();
  const refused = await closedPort();
  gw = await startTestGateway({
    account: { plan: 'enterprise', concurrent: 1 },
    adjust: (config) => {
      config.timeouts = { connectMs: 1000, firstByteMs: TIMEOUT_MS, idleMs: TIMEOUT_MS };
      config.providers.deepseek = { ...config.providers.deepseek!, apiKey: 'sk-fault-deepseek', baseUrl: `${fault.url}/v1` };
      config.providers.anthropic = { ...config.providers.anthropic!, apiKey: 'sk-ant-fault', baseUrl: `${fault.url}/anthropic` };
      config.providers.mistral = { ...config.providers.mistral!, apiKey: 'sk-refused', baseUrl: `http://127.0.0.1:${refused}/v1` };
    },
  });
});
after(async () => {
  await gw.close();
  await fault.close();
});
beforeEach(() => {
  fault.handler = answerOpenAI;
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  requestId: string;
}

async function chat(model: string, stream: boolean): Promise<Answer> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const requestId = response.headers.get('x-request-id') ?? '';
  assert.match(requestId, /^req_/);
  return { status: response.status, headers: response.headers, text, requestId };
}

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A JSON error answer with `status` (and `code`), in OpenAI's shape. */
function assertJsonError(answer: Answer, status: number, code?: string): ErrorBody {
  assert.equal(answer.status, status, answer.text.slice(0, 500));
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(answer.text) as ErrorBody;
  validateOpenAI('ErrorResponse', body);
  if (code !== undefined) assert.equal(body.error.code, code);
  return body;
}

/** The `data:` payloads of an SSE body. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .map((frame) => frame.trim())
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice('data: '.length));
}

/** A 200 stream that delivered chunks, then ended with an OpenAI-shaped error event and no `[DONE]`. */
function assertSseError(answer: Answer): ErrorBody {
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/event-stream/);
  const data = sseData(answer.text);
  assert.ok(data.length >= 2, `expected chunks then an error event: ${answer.text}`);
  assert.ok(!data.includes('[DONE]'), 'a failed stream must not claim to be done');
  for (const chunk of data.slice(0, -1)) validateOpenAI('CreateChatCompletionStreamResponse', JSON.parse(chunk));
  const last = JSON.parse(data.at(-1) as string) as ErrorBody;
  validateOpenAI('ErrorResponse', last);
  return last;
}

/**
 * What must hold after every fault: the process answers /health, the lease was released (the one-at-a-time plan
 * admits the next request, to the same provider now answering well, which also closes its circuit), and the ledger
 * holds the failed request with `status` and an error code.
 */
async function assertRecovered(answer: Answer, ledgerStatus: number): Promise<void> {
  const health = await fetch(`${gw.url}/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();

  fault.handler = answerOpenAI;
  let next = await chat('deepseek-chat', false);
  // The lease is released as the failed response ends; a request racing that by a millisecond may still see it.
  for (let i = 0; next.status === 429 && i < 20; i++) {
    await sleep(25);
    next = await chat('deepseek-chat', false);
  }
  assert.equal(next.status, 200, `the next request was refused, so the lease leaked: ${next.text}`);

  await gw.ledger.flush();
  const row = await gw.store.db
    .selectFrom('usage')
    .select(['status', 'errorCode', 'accountId'])
    .where('requestId', '=', answer.requestId)
    .executeTakeFirst();
  assert.ok(row, `no ledger row for ${answer.requestId}`);
  assert.equal(row.accountId, gw.accountId);
  assert.equal(row.status, ledgerStatus);
  assert.notEqual(row.errorCode, null);
}

/** Sends `head` on a 200 SSE response, then runs `then`. */
function sseThen(head: string, then: (res: ServerResponse) => void): (req: FaultRequest, res: ServerResponse) => void {
  return (_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.write(head);
    setTimeout(() => then(res), 30);
  };
}

describe('connection refused', () => {
  it('JSON and stream: 503 provider_unavailable', async () => {
    for (const stream of [false, true]) {
      const answer = await chat('mistral-large', stream);
      assertJsonError(answer, 503, 'provider_unavailable');
      await assertRecovered(answer, 503);
    }
  });
});

describe('reset mid-body', () => {
  it('JSON: the socket dies halfway through the body → 503', async () => {
    fault.handler = (req, res) => {
      const body = JSON.stringify({ id: 'x', object: 'chat.completion', model: modelOf(req), choices: [] });
      res.writeHead(200, { ...JSON_HEADERS, 'content-length': String(body.length) });
      res.write(body.slice(0, 20));
      setTimeout(() => res.socket?.destroy(), 30);
    };
    const answer = await chat('deepseek-chat', false);
    assertJsonError(answer, 503, 'provider_unavailable');
    await assertRecovered(answer, 503);
  });

  it('stream: after the first chunks, an SSE error event ends the stream', async () => {
    fault.handler = (req, res) => sseThen(openAIStreamHead(modelOf(req)), () => res.socket?.destroy())(req, res);
    const answer = await chat('deepseek-chat', true);
    const error = assertSseError(answer);
    assert.equal(error.error.code, 'provider_unavailable');
    await assertRecovered(answer, 503);
  });

  it('stream: before any event, it is still an HTTP error', async () => {
    fault.handler = sseThen(': warming up\n\n', (res) => res.socket?.destroy());
    const answer = await chat('deepseek-chat', true);
    assertJsonError(answer, 503, 'provider_unavailable');
    await assertRecovered(answer, 503);
  });
});

describe('stalls (firstByteMs, idleMs)', () => {
  it('before the first byte: 503 after firstByteMs, JSON and stream', async () => {
    fault.handler = () => undefined; // never answers
    for (const stream of [false, true]) {
      const started = Date.now();
      const answer = await chat('deepseek-chat', stream);
      const body = assertJsonError(answer, 503, 'provider_unavailable');
      assert.match(body.error.message, /timed out/);
      assert.ok(Date.now() - started < 10 * TIMEOUT_MS, 'the timeout fired late');
      await assertRecovered(answer, 503);
      fault.handler = () => undefined;
    }
  });

  it('between chunks: JSON body stalls → 503; stream stalls → SSE error event after idleMs', async () => {
    fault.handler = (_req, res) => {
      res.writeHead(200, JSON_HEADERS);
      res.write('{"id": "chatcmpl-stall", ');
    };
    const json = await chat('deepseek-chat', false);
    assertJsonError(json, 503, 'provider_unavailable');
    await assertRecovered(json, 503);

    fault.handler = (req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(openAIStreamHead(modelOf(req)));
    };
    const stream = await chat('deepseek-chat', true);
    const error = assertSseError(stream);
    assert.match(error.error.message, /timed out/);
    await assertRecovered(stream, 503);
  });

  it('a stream that sends only keep-alive comments after its first chunk: SSE error event after idleMs', async () => {
    fault.handler = (req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(openAIStreamHead(modelOf(req)));
      const pings = setInterval(() => res.write(': ping\n\n'), TIMEOUT_MS / 8);
      res.on('close', () => clearInterval(pings));
    };
    const started = Date.now();
    const stream = await chat('deepseek-chat', true);
    const error = assertSseError(stream);
    assert.match(error.error.message, /timed out/);
    assert.ok(Date.now() - started < 10 * TIMEOUT_MS, 'the pings kept the stream open');
    await assertRecovered(stream, 503);
  });

  it('after the headers, before the first event: 503 JSON', async () => {
    fault.handler = (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.flushHeaders();
    };
    const answer = await chat('deepseek-chat', true);
    assertJsonError(answer, 503, 'provider_unavailable');
    await assertRecovered(answer, 503);
  });
});

describe('malformed answers', () => {
  it('JSON that does not parse, and JSON of the wrong shape: 502 provider_error', async () => {
    for (const body of ['{"id": "chatcmpl-x", "choices": [', '{"unexpected": true}', '[]', 'null']) {
      fault.handler = (_req, res) => {
        res.writeHead(200, JSON_HEADERS);
        res.end(body);
      };
      const answer = await chat('deepseek-chat', false);
      assertJsonError(answer, 502, 'provider_error');
      await assertRecovered(answer, 502);
    }
  });

  it('a stream whose first event is not JSON: 502 JSON; one later: an SSE error event', async () => {
    fault.handler = (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.end('data: {not json\n\n');
    };
    const first = await chat('deepseek-chat', true);
    assertJsonError(first, 502, 'provider_error');
    await assertRecovered(first, 502);

    fault.handler = (req, res) => sseThen(openAIStreamHead(modelOf(req)), (r) => r.end('data: {not json\n\n'))(req, res);
    const later = await chat('deepseek-chat', true);
    assert.equal(assertSseError(later).error.code, 'provider_error');
    await assertRecovered(later, 502);
  });

  it('truncated SSE: the body ends without a finish or [DONE], even mid-event', async () => {
    for (const tail of ['', 'data: {"id":"chatcmpl-fault","object":"chat.co']) {
      fault.handler = (req, res) => sseThen(openAIStreamHead(modelOf(req)), (r) => r.end(tail))(req, res);
      const answer = await chat('deepseek-chat', true);
      const error = assertSseError(answer);
      assert.equal(error.error.code, 'provider_error');
      assert.match(error.error.message, /ended before/);
      await assertRecovered(answer, 502);
    }
  });
});

describe('HTTP 200 with an error event', () => {
  it('OpenAI format, as the first event: 503 JSON (no byte was sent, so it could still fail over)', async () => {
    fault.handler = (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.end(`data: ${JSON.stringify({ error: { message: 'The server is overloaded', type: 'server_error', code: null } })}\n\n`);
    };
    const answer = await chat('deepseek-chat', true);
    const body = assertJsonError(answer, 503, 'provider_unavailable');
    assert.match(body.error.message, /overloaded/);
    await assertRecovered(answer, 503);
  });

  it('OpenAI format, mid-stream: an SSE error event', async () => {
    const error = `data: ${JSON.stringify({ error: { message: 'Internal failure', type: 'server_error', code: 500 } })}\n\n`;
    fault.handler = (req, res) => sseThen(openAIStreamHead(modelOf(req)), (r) => r.end(error))(req, res);
    const answer = await chat('deepseek-chat', true);
    assert.equal(assertSseError(answer).error.code, 'provider_unavailable');
    await assertRecovered(answer, 503);
  });

  it('Anthropic format: `event: error` (overloaded_error) first → 503 JSON; after message_start → SSE error event', async () => {
    const overloaded = `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`;
    fault.handler = (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.end(overloaded);
    };
    const first = await chat('claude-haiku-4.5', true);
    assertJsonError(first, 503, 'provider_unavailable');
    await assertRecovered(first, 503);

    const start = {
      type: 'message_start',
      message: {
        id: 'msg_fault',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 5, output_tokens: 1 },
      },
    };
    const head =
      `event: message_start\ndata: ${JSON.stringify(start)}\n\n` +
      `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n` +
      `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } })}\n\n`;
    fault.handler = sseThen(head, (res) => res.end(overloaded));
    const later = await chat('claude-haiku-4.5', true);
    assert.equal(assertSseError(later).error.code, 'provider_unavailable');
    await assertRecovered(later, 503);
  });
});

describe('wrong content type', () => {
  const html = '<!doctype html><html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>\n';
  it('text/html 200 to a JSON request and to a stream request: 502 provider_error', async () => {
    fault.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    };
    for (const stream of [false, true]) {
      const answer = await chat('deepseek-chat', stream);
      assertJsonError(answer, 502, 'provider_error');
      await assertRecovered(answer, 502);
      fault.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      };
    }
  });

  it('a JSON completion sent to a stream request: 502 provider_error', async () => {
    fault.handler = (req, res) => {
      res.writeHead(200, JSON_HEADERS);
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', model: modelOf(req), choices: [] }));
    };
    const answer = await chat('deepseek-chat', true);
    assertJsonError(answer, 502, 'provider_error');
    await assertRecovered(answer, 502);
  });
});

describe('oversized answers (limit: 8 MiB per JSON body or SSE event)', () => {
  it('a 10 MB JSON body: 502 provider_error naming the limit', async () => {
    const padding = 'a'.repeat(10 * 1024 * 1024);
    fault.handler = (req, res) => {
      res.writeHead(200, JSON_HEADERS);
      res.end(JSON.stringify({ ...{ id: 'x', object: 'chat.completion', model: modelOf(req) }, padding, choices: [] }));
    };
    const answer = await chat('deepseek-chat', false);
    const body = assertJsonError(answer, 502, 'provider_error');
    assert.match(body.error.message, /8 MiB/);
    await assertRecovered(answer, 502);
  });

  it('an endless JSON body: the gateway stops reading at the limit and hangs up', async () => {
    let written = 0;
    fault.handler = (_req, res) => {
      res.writeHead(200, JSON_HEADERS);
      const piece = `"${'x'.repeat(64 * 1024 - 3)}",`;
      res.write('{"padding": [');
      const pump = (): void => {
        while (!res.destroyed) {
          written += piece.length;
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    };
    const answer = await chat('deepseek-chat', false);
    assertJsonError(answer, 502, 'provider_error');
    const end = await fault.lastEnd();
    assert.equal(end.finished, false);
    assert.ok(written < 64 * 1024 * 1024, `the upstream wrote ${written} bytes before the gateway hung up`);
    assert.ok(written >= MAX_UPSTREAM_BODY, 'the gateway gave up before the limit');
    await assertRecovered(answer, 502);
  });

  it('a 10 MB SSE event: 502 before the first byte; after some chunks: an SSE error event', async () => {
    const huge = `data: {"padding": "${'y'.repeat(10 * 1024 * 1024)}"}\n\n`;
    fault.handler = (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.end(huge);
    };
    const first = await chat('deepseek-chat', true);
    const body = assertJsonError(first, 502, 'provider_error');
    assert.match(body.error.message, /8 MiB/);
    await assertRecovered(first, 502);

    fault.handler = (req, res) => sseThen(openAIStreamHead(modelOf(req)), (r) => r.end(huge))(req, res);
    const later = await chat('deepseek-chat', true);
    assert.equal(assertSseError(later).error.code, 'provider_error');
    await assertRecovered(later, 502);
  });

  it('a 10 MB error body: the status still maps (503), the message is cut', async () => {
    fault.handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(`<html>${'z'.repeat(10 * 1024 * 1024)}</html>`);
    };
    const answer = await chat('deepseek-chat', false);
    const body = assertJsonError(answer, 503, 'provider_unavailable');
    assert.ok(body.error.message.length < 64 * 1024, `message of ${body.error.message.length} chars`);
    await assertRecovered(answer, 503);
  });
});

describe('a well-formed stream after all that', () => {
  it('streams to [DONE] through the same provider', async () => {
    fault.handler = (req, res) => {
      const model = modelOf(req);
      res.writeHead(200, SSE_HEADERS);
      res.end(openAIStreamHead(model) + openAIChunk(model, {}, 'stop') + 'data: [DONE]\n\n');
    };
    const answer = await chat('deepseek-chat', true);
    assert.equal(answer.status, 200);
    assert.equal(sseData(answer.text).at(-1), '[DONE]');
  });
});
