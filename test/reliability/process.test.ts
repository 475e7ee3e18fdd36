/**
 * The gateway process under signals (issue 9), through the real CLI (`originalpoint serve`, from source) in a child
 * process, with the provider simulator in this process and 16 clients keeping it busy with JSON and streams:
 * - SIGTERM under load: in-flight requests finish, the process exits 0, and the ledger holds a row for every
 *   response a client received (0 rows lost).
 * - SIGKILL under load, then a restart on the same data directory (in this process, through the same
 *   `startGateway` the CLI uses): the database passes `integrity_check`, accounts and keys are intact (the key
 *   works), and the only rows missing are of responses completed within the ledger's
 *   last batch window before the kill (documented: 100 ms batches; asserted with slack for a loaded machine).
 * - The soak benchmark (`bench/soak.ts`) runs and reports; here for 10 s, for real 5 minutes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { DEFAULT_FLUSH_MS } from '../../src/metering/usage-writer.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startGateway } from '../../src/server/start.js';
import { createStore, SQLITE_FILE_NAME } from '../../src/store/index.js';
import { seedAccount } from '../../bench/lib/accounts.js';
import { startServe, type ServeProcess } from '../../bench/lib/processes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLIENTS = 16;
/** How long before a SIGKILL a response may have completed and still have its row missing (batch window + lag). */
const KILL_WINDOW_MS = 1_000;

let sim: Simulator;
before(async () => {
  // JSON answers in ~30 ms, streams over ~300 ms: at any moment a dozen requests are in flight.
  sim = await startSimulator({ defaults: { latencyMs: 30, tokensPerSecond: 100, outputTokens: 30 } });
});
after(async () => {
  await sim.close();
});

/** `originalpoint serve` on `dataDir`, the openai provider pointed at the simulator; resolves once it listens. */
function serve(dataDir: string): Promise<ServeProcess> {
  return startServe({ OP_DATA_DIR: dataDir, OP_OPENAI_API_KEY: 'sk-simulated', OP_OPENAI_BASE_URL: `${sim.url}/openai/v1` });
}

/** A fresh data directory with a migrated database and one enterprise account whose limits do not bind. */
async function prepareDataDir(): Promise<{ dataDir: string; apiKey: string; accountId: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-process-'));
  const { apiKey, accountId } = await seedAccount(
    dataDir,
    { email: 'load@example.com', plan: 'enterprise', rpm: 1_000_000, concurrent: 1_000 },
    'load',
  );
  return { dataDir, apiKey, accountId };
}

/** One response a client received in full. */
interface Received {
  requestId: string;
  status: number;
  completedAt: number;
  stream: boolean;
}

interface Load {
  received: Received[];
  /** Responses whose head arrived but whose body was cut off. */
  cut: number;
  /** Requests that failed before any response (connection refused or reset once the server was going away). */
  failed: number;
  stop(): Promise<void>;
}

/** `CLIENTS` loops sending alternately JSON and streaming requests until stopped or the server goes away. */
function startLoad(url: string, apiKey: string): Load {
  let stopped = false;
  const load: Load = { received: [], cut: 0, failed: 0, stop: async () => undefined };
  const client = async (index: number): Promise<void> => {
    for (let n = 0; !stopped; n++) {
      const stream = (index + n) % 2 === 0;
      let response: Response;
      try {
        response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `load ${index} ${n}` }] }),
        });
      } catch {
        load.failed += 1;
        return; // the server is gone
      }
      try {
        const text = await response.text();
        if (stream && response.status === 200) assert.ok(text.endsWith('data: [DONE]\n\n'), 'a stream ended early');
        load.received.push({ requestId: response.headers.get('x-request-id') ?? '', status: response.status, completedAt: Date.now(), stream });
      } catch {
        load.cut += 1;
        return;
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
  load.stop = async () => {
    stopped = true;
    await Promise.all(clients);
  };
  return load;
}

/** Resolves once the load has had 100 responses (at least 1 s, at most 20 s): the gateway is warm and busy. */
async function busy(load: Load): Promise<void> {
  const started = Date.now();
  while ((load.received.length < 100 || Date.now() - started < 1_000) && Date.now() - started < 20_000) await sleep(50);
}

/** Ledger request ids in a data directory (opened after the process is gone). */
async function ledgerIds(dataDir: string, accountId: string): Promise<Set<string>> {
  const store = createStore({ dataDir });
  try {
    const rows = await store.db.selectFrom('usage').select('requestId').where('accountId', '=', accountId).execute();
    return new Set(rows.map((r) => r.requestId));
  } finally {
    await store.close();
  }
}

describe('SIGTERM under load', () => {
  it('drains in-flight requests, exits 0, and loses no ledger row', async () => {
    const { dataDir, apiKey, accountId } = await prepareDataDir();
    try {
      const gateway = await serve(dataDir);
      const load = startLoad(gateway.url, apiKey);
      await busy(load);
      const signalledAt = Date.now();
      gateway.child.kill('SIGTERM');
      const exit = await gateway.exited;
      await load.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, gateway.output());

      const ids = await ledgerIds(dataDir, accountId);
      const lost = load.received.filter((r) => !ids.has(r.requestId));
      const drained = load.received.filter((r) => r.completedAt >= signalledAt).length;
      console.log(
        `# SIGTERM: ${load.received.length} responses received (${drained} completed after the signal), ` +
          `${ids.size} ledger rows, ${lost.length} rows lost, ${load.cut} responses cut, ${load.failed} requests refused after close`,
      );
      assert.ok(load.received.length >= 100, 'too little load to mean anything');
      assert.ok(load.received.every((r) => r.status === 200));
      assert.equal(load.cut, 0, 'a response in flight at SIGTERM was cut off');
      assert.ok(drained > 0, 'no request was in flight at SIGTERM');
      assert.equal(lost.length, 0, 'rows lost on SIGTERM');
      assert.equal(ids.size, load.received.length);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('SIGKILL under load, then restart', () => {
  it('opens cleanly with accounts and keys intact; only the last batch window of rows is missing', async () => {
    const { dataDir, apiKey, accountId } = await prepareDataDir();
    try {
      const gateway = await serve(dataDir);
      const load = startLoad(gateway.url, apiKey);
      await busy(load);
      const killedAt = Date.now();
      gateway.child.kill('SIGKILL');
      assert.equal((await gateway.exited).signal, 'SIGKILL');
      await load.stop();
      const before = load.received.filter((r) => r.completedAt <= killedAt);

      // The file as the kill left it (WAL included): intact.
      const raw = new SqliteDatabase(join(dataDir, SQLITE_FILE_NAME));
      try {
        assert.deepEqual(raw.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      } finally {
        raw.close();
      }
      const ids = await ledgerIds(dataDir, accountId);
      const missing = before.filter((r) => !ids.has(r.requestId));
      const oldestMissingMs = Math.max(0, ...missing.map((r) => killedAt - r.completedAt));
      const inWindow = before.filter((r) => killedAt - r.completedAt <= DEFAULT_FLUSH_MS).length;

      // Restart (in this process, to spare a second CLI boot): migrations, key cache, credentials and sessions load
      // from the file as the kill left it; the account's key still works.
      const config = loadConfig({
        env: {
          OP_DATA_DIR: dataDir,
          OP_PORT: '0',
          OP_HOST: '127.0.0.1',
          OP_OPENAI_API_KEY: 'sk-simulated',
          OP_OPENAI_BASE_URL: `${sim.url}/openai/v1`,
        },
      });
      const restarted = await startGateway({ config, simulate: false, logger: false, seedDemo: true, webDistDir: false });
      try {
        const answer = await fetch(`${restarted.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after the crash' }] }),
        });
        const text = await answer.text();
        assert.equal(answer.status, 200, text);
        const accounts = await restarted.store.db.selectFrom('accounts').select('email').execute();
        assert.deepEqual(accounts.map((a) => a.email).sort(), ['demo@originalpoint.local', 'load@example.com']);
        const keys = await restarted.store.db.selectFrom('apiKeys').select(['accountId', 'revokedAt']).where('accountId', '=', accountId).execute();
        assert.deepEqual(keys, [{ accountId: accountId, revokedAt: null }]);
      } finally {
        await restarted.close();
      }

      console.log(
        `# SIGKILL: ${before.length} responses received before the kill, ${ids.size} ledger rows, ${missing.length} rows missing ` +
          `(oldest completed ${oldestMissingMs} ms before the kill; ${inWindow} responses completed in the last ${DEFAULT_FLUSH_MS} ms batch window)`,
      );
      assert.ok(before.length >= 100, 'too little load to mean anything');
      assert.ok(oldestMissingMs <= KILL_WINDOW_MS, `a row of a response completed ${oldestMissingMs} ms before the kill is missing`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('soak benchmark', () => {
  it('bench/soak.ts runs mixed traffic and reports RSS at start and end (10 s here)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/soak.ts')], {
      cwd: ROOT,
      env: { ...process.env, OP_SOAK_SECONDS: '10' },
      timeout: 120_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('SOAK '));
    assert.ok(line, stdout);
    const report = JSON.parse(line.slice('SOAK '.length)) as {
      seconds: number;
      requests: Record<string, number>;
      rssMb: { start: number; end: number };
      serverErrors: number;
    };
    assert.equal(report.seconds, 10);
    assert.ok(report.rssMb.start > 0 && report.rssMb.end > 0);
    assert.ok(Object.values(report.requests).reduce((a, b) => a + b, 0) > 0);
    assert.equal(report.serverErrors, 0);
    console.log(`# soak (10 s): ${line}`);
  });
});
