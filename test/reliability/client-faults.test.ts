/**
 * Client faults (issue 9): clients that hang up before, during and after the upstream's answer (JSON and streams),
 * a reader that stops reading (backpressure), and 1,000 streams aborted mid-way. What must hold:
 * - a hang-up aborts the upstream request (the scripted upstream sees its connection closed before it finished);
 * - the concurrency lease comes back (a one-at-a-time plan admits the next request; after 1,000 aborts a plan of
 *   20 admits 20 streams at once, and refuses the 21st);
 * - a paused reader pauses the upstream (its writes wait for `drain`) and the gateway's heap stays flat;
 * - no sockets to the upstream are left open, the heap does not grow, and every request has its ledger row.
 *
 * The gateway runs in this process, so heap figures include the test's own clients; they are measured after a
 * forced GC and reported on stdout (`# …`).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTestGateway, type TestAccount, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';
import {
  answerOpenAI,
  endlessStream,
  JSON_HEADERS,
  modelOf,
  openAIChunk,
  openAICompletion,
  openAIStreamTail,
  SSE_HEADERS,
  startFaultUpstream,
  type FaultUpstream,
} from './fault-upstream.js';

/** Listener leaks (one listener added per backpressure wait, say) show up as this warning; none is allowed. */
const listenerWarnings: string[] = [];
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') listenerWarnings.push(warning.message);
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in MB. */
async function heapMb(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(10);
  }
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

const MODEL = 'deepseek-chat';
const ABORT_WORKERS = 20;

let gw: TestGateway;
let fault: FaultUpstream;
let wide: TestAccount;

before(async () => {
  fault = await startFaultUpstream();
  gw = await startTestGateway({
    account: { plan: 'enterprise', concurrent: 1 },
    adjust: (config) => {
      config.providers.deepseek = { ...config.providers.deepseek!, apiKey: 'sk-fault-deepseek', baseUrl: `${fault.url}/v1` };
    },
  });
  wide = await gw.addAccount({ plan: 'enterprise', concurrent: ABORT_WORKERS, rpm: 100_000 });
});
after(async () => {
  await gw.close();
  await fault.close();
});
beforeEach(() => {
  fault.handler = answerOpenAI;
});

const body = (stream: boolean): string => JSON.stringify({ model: MODEL, stream, messages: [{ role: 'user', content: 'hi' }] });

/** Sends a chat request on its own connection; resolves with the response head. */
function send(apiKey: string, stream: boolean): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const payload = body(stream);
  const req = httpRequest(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
  });
  // The caller hangs up on purpose; the errors that follows (socket hang up, aborted) are expected.
  req.on('error', () => undefined);
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', (res) => {
      res.on('error', () => undefined);
      resolve(res);
    });
    req.once('error', reject);
  });
  response.catch(() => undefined);
  req.end(payload);
  return { req, response };
}

/** Resolves once the upstream has received `count` requests in total. */
async function upstreamReceived(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (fault.requests < count) {
    assert.ok(Date.now() < deadline, 'the request never reached the upstream');
    await sleep(5);
  }
}

/** /health answers, and the one-at-a-time main account is admitted again (its lease came back). */
async function assertServing(): Promise<void> {
  const health = await fetch(`${gw.url}/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();
  fault.handler = answerOpenAI;
  let status = 0;
  for (let i = 0; i < 40 && status !== 200; i++) {
    if (i > 0) await sleep(25);
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
      body: body(false),
    });
    status = response.status;
    await response.arrayBuffer();
    if (status !== 429) break;
  }
  assert.equal(status, 200, 'the lease of the abandoned request was not released');
}

describe('client disconnects', { timeout: 60_000 }, () => {
  let rowsBefore = 0;
  let requestsSent = 0;
  before(async () => {
    rowsBefore = (await ledgerRows(gw, gw.accountId, 0)).length;
  });

  it('before the request reaches the handler (half a body, then gone): nothing admitted, nothing upstream', async () => {
    const upstreamBefore = fault.requests;
    const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${gw.apiKey}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":`,
    );
    await sleep(50);
    socket.destroy();
    await sleep(50);
    assert.equal(fault.requests, upstreamBefore);
    await assertServing();
    requestsSent += 1; // the assertServing request
  });

  for (const stream of [false, true]) {
    const kind = stream ? 'stream' : 'JSON';

    it(`${kind}: before the upstream answers → the upstream request is aborted, 499 in the ledger`, async () => {
      let answered = false;
      fault.handler = (req, res) => {
        const timer = setTimeout(() => {
          answered = true;
          answerOpenAI(req, res);
        }, 5_000);
        res.once('close', () => clearTimeout(timer));
      };
      const seen = fault.requests;
      const { req } = send(gw.apiKey, stream);
      await upstreamReceived(seen + 1);
      req.destroy();
      const end = await fault.lastEnd();
      assert.equal(end.finished, false);
      assert.equal(answered, false);
      await assertServing();
      requestsSent += 2;
      const rows = await ledgerRows(gw, gw.accountId, rowsBefore + requestsSent);
      assert.ok(rows.some((r) => r.status === 499 && r.errorCode === 'client_closed_request'));
    });

    it(`${kind}: during the upstream answer → the upstream request is aborted`, async () => {
      fault.handler = stream
        ? endlessStream({ intervalMs: 20 }).handler
        : (req, res) => {
            res.writeHead(200, JSON_HEADERS);
            res.write(JSON.stringify(openAICompletion(modelOf(req), 'x')).slice(0, 30));
          };
      const seen = fault.requests;
      const { req, response } = send(gw.apiKey, stream);
      await upstreamReceived(seen + 1);
      if (stream) {
        const res = await response;
        assert.equal(res.statusCode, 200);
        await once(res, 'data');
      } else {
        await sleep(50);
      }
      req.destroy();
      const end = await fault.lastEnd();
      assert.equal(end.finished, false);
      await assertServing();
      requestsSent += 2;
      const rows = await ledgerRows(gw, gw.accountId, rowsBefore + requestsSent);
      assert.equal(rows.length, rowsBefore + requestsSent);
    });

    it(`${kind}: after the upstream answered, before the client read it all → settled and recorded`, async () => {
      // A large answer, sent whole at once; the client reads only the head and leaves.
      fault.handler = (req, res) => {
        const model = modelOf(req);
        if (stream) {
          let frames = openAIChunk(model, { role: 'assistant', content: '' });
          for (let i = 0; i < 1_000; i++) frames += openAIChunk(model, { content: `word ${i} ` });
          res.writeHead(200, SSE_HEADERS);
          res.end(frames + openAIStreamTail(model));
        } else {
          res.writeHead(200, JSON_HEADERS);
          res.end(JSON.stringify(openAICompletion(model, 'long answer '.repeat(300_000))));
        }
      };
      const seen = fault.requests;
      const { req, response } = send(gw.apiKey, stream);
      await upstreamReceived(seen + 1);
      const res = await response;
      assert.equal(res.statusCode, 200);
      res.pause();
      assert.equal((await fault.lastEnd()).finished, true, 'the upstream finished its answer');
      req.destroy();
      await assertServing();
      requestsSent += 2;
      const rows = await ledgerRows(gw, gw.accountId, rowsBefore + requestsSent);
      assert.equal(rows.length, rowsBefore + requestsSent);
    });
  }
});

describe('a slow reader (backpressure)', { timeout: 60_000 }, () => {
  it('pauses the upstream: its writes wait for drain, and the gateway heap stays flat', async () => {
    const endless = endlessStream({ intervalMs: 0, framesPerTick: 64 });
    fault.handler = endless.handler;
    const heapBefore = await heapMb();
    const { req, response } = send(wide.apiKey, true);
    try {
      const res = await response;
      assert.equal(res.statusCode, 200);
      let received = 0;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      // Read for a while at full speed, then stop reading.
      await sleep(300);
      assert.ok(received > 100_000, `only ${received} bytes in 300 ms`);
      res.pause();
      // Wait until the upstream is stuck on drain and has written nothing more for 500 ms.
      let last = -1;
      const deadline = Date.now() + 20_000;
      while (!(endless.stats.waitingDrain === 1 && endless.stats.bytes === last)) {
        assert.ok(Date.now() < deadline, `the upstream never paused: ${endless.stats.bytes} bytes written`);
        last = endless.stats.bytes;
        await sleep(500);
      }
      const pausedAt = endless.stats.bytes;
      // Two more seconds paused. An upstream nobody slowed down writes hundreds of MB in that time; here at most
      // the kernel's socket buffers (autotuned upward on a busy machine) take a few more MB.
      await sleep(2_000);
      const heapPaused = await heapMb();
      const later = endless.stats.bytes;
      const inFlight = later - received;
      console.log(
        `# slow reader: upstream wrote ${(later / 1e6).toFixed(1)} MB (${((later - pausedAt) / 1e6).toFixed(1)} MB in the last 2 s paused), ` +
          `client read ${(received / 1e6).toFixed(1)} MB, ${(inFlight / 1e6).toFixed(1)} MB in flight (socket buffers); ` +
          `heap ${heapBefore.toFixed(1)} → ${heapPaused.toFixed(1)} MB`,
      );
      assert.equal(endless.stats.waitingDrain, 1, 'the upstream is not waiting for drain');
      assert.ok(later - pausedAt < 16 * 1024 * 1024, 'the upstream kept writing while the client was paused');
      assert.ok(inFlight < 64 * 1024 * 1024, `${inFlight} bytes buffered between upstream and client`);
      assert.ok(heapPaused - heapBefore < 32, `the heap grew by ${(heapPaused - heapBefore).toFixed(1)} MB while the client was paused`);

      // Reading again resumes the upstream.
      res.resume();
      const resumedFrom = endless.stats.bytes;
      const until = Date.now() + 10_000;
      while (endless.stats.bytes === resumedFrom) {
        assert.ok(Date.now() < until, 'the upstream did not resume');
        await sleep(20);
      }
    } finally {
      req.destroy();
    }
    const end = await fault.lastEnd();
    assert.equal(end.finished, false);
  });
});

describe('1,000 aborted streams', { timeout: 120_000 }, () => {
  it('leave no leases, no sockets to the upstream, no heap growth, and one ledger row each', async () => {
    const endless = endlessStream({ intervalMs: 20 });
    fault.handler = endless.handler;
    const rowsBefore = (await ledgerRows(gw, wide.accountId, 0)).length;
    // Warm up (JIT, pools) before the baseline.
    await abortStreams(50);
    const heapBefore = await heapMb();
    const socketsBefore = fault.openSockets();
    const started = Date.now();
    const { sent, refused } = await abortStreams(1_000);
    const elapsed = Date.now() - started;

    // Every abort reaches the gateway's handler; wait for all rows, then for the upstream side to close.
    const rows = await ledgerRows(gw, wide.accountId, rowsBefore + 50 + sent);
    assert.equal(rows.length - rowsBefore - 50, sent, 'one ledger row per request');
    const deadline = Date.now() + 10_000;
    while (endless.stats.closed < endless.stats.started && Date.now() < deadline) await sleep(20);
    assert.equal(endless.stats.closed, endless.stats.started, 'an upstream stream outlived its client');
    const socketsAfter = fault.openSockets();
    const gatewayConnections = await new Promise<number>((resolve, reject) =>
      gw.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
    const heapAfter = await heapMb();
    console.log(
      `# 1,000 aborted streams in ${elapsed} ms (${refused} retries refused while a lease was being released): ` +
        `upstream sockets ${socketsBefore} → ${socketsAfter}, gateway connections ${gatewayConnections}, heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MB`,
    );
    assert.ok(socketsAfter <= ABORT_WORKERS, `${socketsAfter} sockets still open to the upstream`);
    assert.ok(heapAfter - heapBefore < 50, `the heap grew by ${(heapAfter - heapBefore).toFixed(1)} MB`);
    const codes = rows.slice(rowsBefore).filter((r) => r.status !== 429);
    assert.ok(
      codes.every((r) => r.errorCode === 'client_closed_request'),
      'an aborted stream recorded as something else',
    );

    // Leases: the plan of 20 admits 20 streams at once, and not a 21st.
    const open = Array.from({ length: ABORT_WORKERS }, () => send(wide.apiKey, true));
    try {
      const heads = await Promise.all(open.map((o) => o.response));
      const refusedNow = heads.find((h) => h.statusCode !== 200);
      if (refusedNow !== undefined) {
        const chunks: Buffer[] = [];
        for await (const chunk of refusedNow) chunks.push(chunk as Buffer);
        console.log(`# refused after the aborts: ${Buffer.concat(chunks).toString()}`);
      }
      assert.deepEqual(
        heads.map((h) => h.statusCode),
        Array.from({ length: ABORT_WORKERS }, () => 200),
        'a lease leaked',
      );
      const extra = send(wide.apiKey, true);
      const extraHead = await extra.response;
      assert.equal(extraHead.statusCode, 429);
      extra.req.destroy();
    } finally {
      for (const o of open) o.req.destroy();
    }
  });
});

describe('event listeners', () => {
  it('no emitter collected more listeners than it should (e.g. one per backpressure wait)', () => {
    assert.deepEqual(listenerWarnings, []);
  });
});

/** Opens `count` streams, `ABORT_WORKERS` at a time; each reads its first bytes, then hangs up. */
async function abortStreams(count: number): Promise<{ sent: number; refused: number }> {
  let next = 0;
  let sent = 0;
  let refused = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      for (;;) {
        const { req, response } = send(wide.apiKey, true);
        sent += 1;
        const res = await response;
        if (res.statusCode === 429) {
          // A worker back before the gateway noticed its previous hang-up; the lease is on its way back.
          refused += 1;
          res.resume();
          await once(res, 'end');
          await sleep(5);
          continue;
        }
        assert.equal(res.statusCode, 200);
        await once(res, 'data');
        req.destroy();
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: ABORT_WORKERS }, worker));
  return { sent, refused };
}
