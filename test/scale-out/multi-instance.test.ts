/**
 * Scale-out (issue 8, "Multi-instance tests"): two gateway processes on different ports sharing one PostgreSQL
 * schema and one Redis key prefix behave as one gateway — an rpm limit, a concurrency limit and a spend cap hold
 * across both exactly, a key revoked through one is refused by the other within a second, a key created by the CLI
 * or through one instance works on its first request to either (issue 20), and a SIGKILLed instance's concurrency
 * leases expire within the lease TTL.
 *
 * Everything runs as separate processes, as in production: one `originalpoint simulate`, two `originalpoint serve`
 * (`OP_DATABASE_URL`, `OP_REDIS_URL`, `OP_REDIS_PREFIX`, `OP_INSTANCES=2`, `OP_LEASE_TTL_MS`), and the CLI for
 * account and key administration. Between the gateways and the simulator sits a small counting proxy in this
 * process, so "requests in flight upstream" is measured rather than inferred from client timings.
 *
 * Skipped with one line when PostgreSQL or Redis is down, unless `CI=true` (then it fails). The schema, the Redis
 * keys under the prefix, the data directories and every process are removed afterwards, failures included.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { freePort } from '../../bench/lib/processes.js';
import { createAccountsService, createKeysService, type CreateAccountInput } from '../../src/auth/index.js';
import { connectTestRedis, deletePrefix } from '../../src/cluster/testing.js';
import { openTempPostgresStore, postgresReachable, TEST_DATABASE_URL, type TempPostgresStore } from '../../src/store/testing.js';
import { DashboardClient } from '../helpers/dashboard-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
/** Short, so the SIGKILL test waits seconds, not the production ten minutes. */
const LEASE_TTL_MS = 3000;
const SKIP_MESSAGE = 'postgres/redis not reachable';

const messages = [{ role: 'user', content: 'Say hello to the scale out tests please' }];

// ---------------------------------------------------------------------------------------------------------------
// Processes

/** A child process with the tail of its output kept for failure messages. */
interface Proc {
  name: string;
  child: ChildProcess;
  /** The last few KB of stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<string>;
}

const children = new Set<ChildProcess>();
// A last resort if the runner itself is torn down: never leave gateways running.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Spawns `node <args>` in the repository and resolves once a line of its output matches `ready`. */
function launch(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let tail = '';
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ?? String(code));
    });
  });
  const proc: Proc = { name, child, output: () => tail, exited };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 60 s:\n${tail}`));
    }, 60_000);
    const onData = (data: Buffer): void => {
      tail = (tail + data.toString()).slice(-8000);
      if (ready.test(tail)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${how}) before it was ready:\n${tail}`));
    });
  });
}

/** SIGTERM (a graceful drain that flushes the ledger), SIGKILL after 10 s. */
async function stop(proc: Proc | undefined): Promise<void> {
  if (proc === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  proc.child.kill('SIGTERM');
  await proc.exited;
  clearTimeout(timer);
}

/** Runs one CLI command to completion; resolves with its stdout and the moment it exited. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; exitedAt: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const exitedAt = Date.now();
      if (error) reject(new Error(`originalpoint ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, exitedAt });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The counting proxy between the gateways and the simulator

/** Forwards everything to the simulator and counts upstream requests in flight per model. */
class CountingProxy {
  readonly #inFlight = new Map<string, number>();
  readonly #max = new Map<string, number>();
  #server: Server | undefined;

  constructor(private readonly simPort: number) {}

  async listen(): Promise<number> {
    const server = createServer((req, res) => this.#forward(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    return address.port;
  }

  inFlight(model: string): number {
    return this.#inFlight.get(model) ?? 0;
  }

  /** The most requests for `model` in flight at once since the last {@link resetMax}. */
  max(model: string): number {
    return this.#max.get(model) ?? 0;
  }

  resetMax(model: string): void {
    this.#max.set(model, this.inFlight(model));
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const model = modelOf(req.url ?? '', body);
      const now = this.inFlight(model) + 1;
      this.#inFlight.set(model, now);
      this.#max.set(model, Math.max(this.max(model), now));
      let counted = true;
      const release = (): void => {
        if (!counted) return;
        counted = false;
        this.#inFlight.set(model, this.inFlight(model) - 1);
      };
      const upstream = httpRequest({ host: '127.0.0.1', port: this.simPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      });
      upstream.on('error', () => {
        release();
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
      // The gateway hung up (client abort, or the gateway process died) or the answer ended.
      res.on('close', () => {
        release();
        upstream.destroy();
      });
      upstream.end(body);
    });
  }
}

function modelOf(url: string, body: Buffer): string {
  const gemini = /\/models\/([^/:]+):/.exec(url);
  if (gemini?.[1] !== undefined) return gemini[1];
  try {
    const parsed: unknown = JSON.parse(body.toString());
    if (typeof parsed === 'object' && parsed !== null && 'model' in parsed && typeof parsed.model === 'string') return parsed.model;
  } catch {
    // not JSON: counted under ''
  }
  return '';
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

interface Gateway {
  name: string;
  url: string;
  proc: Proc;
}

function chat(gw: Gateway, apiKey: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages, ...body }),
    signal,
  });
}

interface ErrorBody {
  error: { code: string; message: string };
}

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  const body = (await response.json()) as ErrorBody;
  return body.error;
}

/** The `cost_usd` of a completion or of the usage chunk of a stream's text. */
function costOfCompletion(json: unknown): number {
  const cost = (json as { usage?: { cost_usd?: unknown } }).usage?.cost_usd;
  assert.equal(typeof cost, 'number', `no usage.cost_usd in ${JSON.stringify(json)}`);
  return cost as number;
}

function costOfStream(text: string): number {
  let cost: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = JSON.parse(line.slice(6)) as { usage?: { cost_usd?: number } | null };
    if (typeof chunk.usage?.cost_usd === 'number') cost = chunk.usage.cost_usd;
  }
  assert.ok(cost !== undefined, `no usage chunk in the stream:\n${text.slice(-500)}`);
  return cost;
}

async function setKnobs(simUrl: string, model: string, knobs: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simUrl}/_sim/knobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, ...knobs }),
  });
  assert.equal(response.status, 200, await response.text());
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------------------------
// The suite

const postgresUp = await postgresReachable();
const probe: Redis | undefined = await connectTestRedis();
probe?.disconnect();

if (!postgresUp || probe === undefined) {
  describe('scale-out: two instances on PostgreSQL and Redis', { skip: SKIP_MESSAGE }, () => undefined);
} else {
  describe('scale-out: two instances on PostgreSQL and Redis', { timeout: 120_000 }, () => {
    let temp: TempPostgresStore | undefined;
    let redis: Redis | undefined;
    let sim: Proc | undefined;
    let proxy: CountingProxy | undefined;
    const gateways: Gateway[] = [];
    const dataDirs: string[] = [];
    const prefix = `op-test:${randomUUID().slice(0, 12)}`;
    let simUrl = '';
    let databaseUrl = '';
    let cliEnv: NodeJS.ProcessEnv = {};
    /** The account created through the CLI in `before`, for the rpm test. */
    let rpmKey = '';

    const gw = (index: 0 | 1): Gateway => {
      const found = gateways[index];
      assert.ok(found, `gateway ${index} is not running`);
      return found;
    };
    const other = (i: number): Gateway => gw(i % 2 === 0 ? 0 : 1);
    const store = (): TempPostgresStore => {
      assert.ok(temp);
      return temp;
    };

    /** An account and one key, written straight to the shared database. */
    async function addAccount(input: CreateAccountInput) {
      const db = store().store.db;
      const account = await createAccountsService({ db }).createAccount(input);
      const key = await createKeysService({ db }).createKey({ accountId: account.id, name: 'scale-out' });
      await knownToBoth(key.secret);
      return { accountId: account.id, email: account.email, apiKey: key.secret, keyId: key.id };
    }

    /**
     * Waits until both instances accept a key written to the database by someone else (this process, the CLI):
     * they learn of it through PostgreSQL's change notifications and their key-cache poll, a fraction of a second.
     */
    async function knownToBoth(apiKey: string): Promise<void> {
      const deadline = Date.now() + 5000;
      for (const g of gateways) {
        for (;;) {
          const response = await fetch(`${g.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
          await response.arrayBuffer();
          if (response.status === 200) break;
          assert.equal(response.status, 401);
          assert.ok(Date.now() < deadline, `${g.name} does not know the new key after 5 s`);
          await sleep(10);
        }
      }
    }

    /** The account's usage rows once `expected` are in (each instance writes its batch within ~100 ms). */
    async function usageRows(accountId: string, expected: number): Promise<{ costUsd: number; status: number }[]> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const rows = await store().store.db.selectFrom('usage').select(['costUsd', 'status']).where('accountId', '=', accountId).execute();
        if (rows.length >= expected || Date.now() > deadline) return rows.map((r) => ({ costUsd: Number(r.costUsd), status: Number(r.status) }));
        await sleep(50);
      }
    }

    before(async () => {
      const redisClient = await connectTestRedis();
      assert.ok(redisClient, 'redis went away');
      redis = redisClient;
      temp = await openTempPostgresStore();
      // libpq `options`: every connection of both gateways and of the CLI lands in the test's schema.
      const separator = TEST_DATABASE_URL.includes('?') ? '&' : '?';
      databaseUrl = `${TEST_DATABASE_URL}${separator}options=${encodeURIComponent(`-c search_path=${temp.schema}`)}`;

      const simPort = await freePort();
      sim = await launch('simulator', [...CLI, 'simulate', '--port', String(simPort)], {}, /simulator listening on/);
      simUrl = `http://127.0.0.1:${simPort}`;
      proxy = new CountingProxy(simPort);
      const upstream = `http://127.0.0.1:${await proxy.listen()}`;

      const cliDir = mkdtempSync(join(tmpdir(), 'op-scale-cli-'));
      dataDirs.push(cliDir);
      cliEnv = { OP_DATABASE_URL: databaseUrl, OP_DATA_DIR: cliDir };
      const masterKey = randomBytes(32).toString('hex');
      const startOne = async (name: string): Promise<Gateway> => {
        const dataDir = mkdtempSync(join(tmpdir(), 'op-scale-gw-'));
        dataDirs.push(dataDir);
        const env: NodeJS.ProcessEnv = {
          OP_PORT: String(await freePort()),
          OP_HOST: '127.0.0.1',
          OP_DATA_DIR: dataDir,
          OP_MASTER_KEY: masterKey,
          OP_DATABASE_URL: databaseUrl,
          OP_REDIS_URL: process.env.OP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
          OP_REDIS_PREFIX: prefix,
          OP_INSTANCES: '2',
          OP_LEASE_TTL_MS: String(LEASE_TTL_MS),
          OP_LOG_LEVEL: 'warn',
          OP_OPENAI_API_KEY: 'sim',
          OP_OPENAI_BASE_URL: `${upstream}/openai/v1`,
          OP_ANTHROPIC_API_KEY: 'sim',
          OP_ANTHROPIC_BASE_URL: `${upstream}/anthropic`,
          OP_GOOGLE_API_KEY: 'sim',
          OP_GOOGLE_BASE_URL: `${upstream}/google`,
        };
        const proc = await launch(name, [...CLI, 'serve'], env, /gateway listening on http:\/\/\S+/);
        const url = /gateway listening on (http:\/\/[^\s]+)/.exec(proc.output())?.[1];
        assert.ok(url, proc.output());
        return { name, url, proc };
      };
      // Both instances start together (migrations under the lock) while the CLI sets up an account.
      const [a, b, key] = await Promise.all([
        startOne('gateway A'),
        startOne('gateway B'),
        (async () => {
          const email = `rpm-${randomUUID().slice(0, 8)}@example.com`;
          await runCli(['accounts', 'create', '--email', email, '--plan', 'enterprise', '--rpm', '20', '--json'], cliEnv);
          const created = JSON.parse((await runCli(['keys', 'create', '--email', email, '--json'], cliEnv)).stdout) as { key: string };
          return created.key;
        })(),
      ]);
      gateways.push(a, b);
      rpmKey = key;
      await knownToBoth(rpmKey);
    });

    after(async () => {
      // Processes first (the gateways flush their ledgers into the schema), then the schema, keys and files.
      await Promise.allSettled([...gateways.map((g) => stop(g.proc)), stop(sim)]);
      await proxy?.close().catch(() => undefined);
      await temp?.cleanup().catch((error: unknown) => console.error('# schema cleanup failed', error));
      if (redis !== undefined) {
        await deletePrefix(redis, prefix).catch((error: unknown) => console.error('# redis cleanup failed', error));
        await redis.quit().catch(() => redis?.disconnect());
      }
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });

    it('rpm 20 across both instances: of 40 requests alternating between them exactly 20 succeed', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const response = await chat(other(i), rpmKey, { model: 'gpt-4o-mini', max_tokens: 4 });
          const retryAfter = response.headers.get('retry-after');
          const code = response.status === 200 ? null : (await errorOf(response)).code;
          if (response.status === 200) await response.arrayBuffer();
          return { instance: i % 2, status: response.status, retryAfter, code };
        }),
      );
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      assert.equal(ok.length, 20, `admitted ${ok.length} of 40: ${JSON.stringify(results.map((r) => r.status))}`);
      for (const r of refused) {
        assert.equal(r.status, 429);
        assert.equal(r.code, 'rate_limit_exceeded');
        assert.match(r.retryAfter ?? '', /^\d+$/, 'Retry-After on every 429');
        const seconds = Number(r.retryAfter);
        assert.ok(seconds >= 1 && seconds <= 60, `Retry-After ${seconds}`);
      }
      const byInstance = [0, 1].map((n) => ok.filter((r) => r.instance === n).length);
      console.log(
        `# rpm 20, 40 requests alternating A/B: ${ok.length} admitted (A ${byInstance[0]}, B ${byInstance[1]}), ${refused.length} refused with 429 + Retry-After`,
      );
    });

    it('concurrency 4 across both instances with slow streams: never more than 4 in flight, the 5th+ are 429', async () => {
      assert.ok(proxy);
      const SLOW = 'gpt-4.1';
      // 50 tokens at 10/s: each stream runs ~5 s, longer than the 3 s lease TTL, so leases must be kept alive.
      await setKnobs(simUrl, SLOW, { tokensPerSecond: 10, outputTokens: 50 });
      const account = await addAccount({ email: `conc-${randomUUID().slice(0, 8)}@example.com`, plan: 'enterprise', concurrent: 4 });
      proxy.resetMax(SLOW);
      const started = Date.now();
      const first = await Promise.all(
        Array.from({ length: 10 }, (_, i) => chat(other(i), account.apiKey, { model: SLOW, stream: true, max_tokens: 50 })),
      );
      const open = first.filter((r) => r.status === 200);
      const refused = first.filter((r) => r.status !== 200);
      assert.equal(open.length, 4, `statuses ${JSON.stringify(first.map((r) => r.status))}`);
      for (const response of refused) {
        assert.equal(response.status, 429);
        assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
        assert.match((await errorOf(response)).message, /Concurrency limit reached: 4 requests in flight/);
      }

      // Past the lease TTL the 4 streams are still running: their slots must still be taken, on either instance.
      await sleep(Math.max(0, started + LEASE_TTL_MS + 600 - Date.now()));
      const late = await Promise.all(
        Array.from({ length: 4 }, (_, i) => chat(other(i), account.apiKey, { model: SLOW, stream: true, max_tokens: 50 })),
      );
      const lateStatuses = late.map((r) => r.status);
      const lateAtMs = Date.now() - started;
      const inFlightLate = proxy.inFlight(SLOW);
      await Promise.all(late.map((r) => r.body?.cancel()));
      assert.deepEqual(
        lateStatuses,
        [429, 429, 429, 429],
        `streams outliving the lease TTL keep their slots (${inFlightLate} in flight upstream ${lateAtMs} ms in)`,
      );
      assert.equal(inFlightLate, 4, `the first 4 streams should still be running ${lateAtMs} ms in`);

      const texts = await Promise.all(open.map((r) => r.text()));
      for (const text of texts) assert.match(text, /data: \[DONE\]/);
      const longStreamsMs = Date.now() - started;

      // Churn: 10 workers keep asking through both instances for 2 s; short streams come and go.
      const deadline = Date.now() + 2000;
      let admitted = 0;
      let rejected = 0;
      await Promise.all(
        Array.from({ length: 10 }, async (_, w) => {
          for (let n = 0; Date.now() < deadline; n++) {
            const response = await chat(other(w + n), account.apiKey, { model: SLOW, stream: true, max_tokens: 3 });
            if (response.status === 200) {
              admitted += 1;
              assert.match(await response.text(), /data: \[DONE\]/);
            } else {
              assert.equal(response.status, 429);
              rejected += 1;
              await response.arrayBuffer();
              await sleep(20);
            }
          }
        }),
      );
      const maxInFlight = proxy.max(SLOW);
      assert.ok(maxInFlight <= 4, `${maxInFlight} requests in flight upstream at once`);
      assert.equal(maxInFlight, 4, 'the limit was reached');
      assert.ok(admitted > 4 && rejected > 0, `churn: ${admitted} admitted, ${rejected} refused`);
      console.log(
        `# concurrency 4: 10 at once -> ${open.length} admitted, ${refused.length} refused; 4 more after the ${LEASE_TTL_MS} ms lease TTL all refused (streams ran ${longStreamsMs} ms); churn ${admitted} admitted / ${rejected} refused; max in flight upstream ${maxInFlight}`,
      );
    });

    it('a key revoked through one instance (dashboard) or the CLI is refused by the other within 1 s', async () => {
      const password = 'scale-out-password';
      const account = await addAccount({ email: `revoke-${randomUUID().slice(0, 8)}@example.com`, plan: 'enterprise', password });
      const second = await createKeysService({ db: store().store.db }).createKey({ accountId: account.accountId, name: 'cli' });
      await knownToBoth(second.secret);
      const models = (g: Gateway, apiKey: string): Promise<number> =>
        fetch(`${g.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      /** Asks `g` every 10 ms until it refuses `apiKey`; the moment of the first 401. */
      const firstRefusal = async (g: Gateway, apiKey: string, timeoutMs: number): Promise<number> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const status = await models(g, apiKey);
          if (status === 401) return Date.now();
          assert.equal(status, 200);
          assert.ok(Date.now() < deadline, `${g.name} still accepts the revoked key after ${timeoutMs} ms`);
          await sleep(10);
        }
      };
      // Both keys are known to both instances first.
      for (const g of [gw(0), gw(1)]) for (const apiKey of [account.apiKey, second.secret]) assert.equal(await models(g, apiKey), 200);

      // Through instance A's dashboard: signed in on A, revoked on A, refused by B.
      const browser = new DashboardClient(gw(0).url);
      const login = await browser.post('/api/login', { email: account.email, password });
      assert.equal(login.status, 200, login.text);
      const revoke = await browser.post(`/api/keys/${account.keyId}/revoke`);
      assert.equal(revoke.status, 200, revoke.text);
      const revokedAt = Date.now();
      const refusedByB = await firstRefusal(gw(1), account.apiKey, 5000);
      const dashboardDelay = refusedByB - revokedAt;
      assert.equal(await models(gw(0), account.apiKey), 401, 'A refuses it at once');

      // Through the CLI (another process, which only writes the database): both instances pick it up.
      const watchers = Promise.all([firstRefusal(gw(1), second.secret, 30_000), firstRefusal(gw(0), second.secret, 30_000)]);
      watchers.catch(() => undefined); // awaited below; a CLI failure must not leave an unhandled rejection behind
      const cli = await runCli(['keys', 'revoke', second.id, '--json'], cliEnv);
      const revokedKey = JSON.parse(cli.stdout) as { status: string; revokedAt: string };
      assert.equal(revokedKey.status, 'revoked');
      // The CLI stamps revokedAt just before it commits; its exit comes after the commit.
      const committedBy = Date.parse(revokedKey.revokedAt);
      const [cliRefusedByB, cliRefusedByA] = await watchers;
      const cliDelayB = cliRefusedByB - committedBy;
      const cliDelayA = cliRefusedByA - committedBy;

      for (const [what, delay] of [
        ['dashboard on A -> B', dashboardDelay],
        ['CLI -> B', cliDelayB],
        ['CLI -> A', cliDelayA],
      ] as const) {
        assert.ok(delay < 1000, `${what}: refused after ${delay} ms`);
      }
      console.log(
        `# revocation delay observed: dashboard on A -> refused by B after ${dashboardDelay} ms; CLI -> refused by B after ${cliDelayB} ms, by A after ${cliDelayA} ms (CLI exited ${cli.exitedAt - committedBy} ms after revokedAt)`,
      );
    });

    it('a key created by the CLI or through one instance (dashboard) answers 200 on its first request to either instance', async () => {
      const password = 'scale-out-password';
      const email = `first-${randomUUID().slice(0, 8)}@example.com`;
      await runCli(['accounts', 'create', '--email', email, '--plan', 'enterprise', '--password', password, '--json'], cliEnv);
      const models = async (g: Gateway, apiKey: string): Promise<number> => {
        const response = await fetch(`${g.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
        await response.arrayBuffer();
        return response.status;
      };
      // The CLI (another process, writing the database only), then at once a request to each instance: no polling wait.
      for (const g of [gw(0), gw(1)]) {
        const created = JSON.parse((await runCli(['keys', 'create', '--email', email, '--json'], cliEnv)).stdout) as { key: string };
        assert.equal(await models(g, created.key), 200, `${g.name}, CLI key, first request`);
      }
      // Instance A's dashboard, then at once instance B (and the other way round).
      for (const [maker, user] of [
        [gw(0), gw(1)],
        [gw(1), gw(0)],
      ] as const) {
        const browser = new DashboardClient(maker.url);
        const login = await browser.post('/api/login', { email, password });
        assert.equal(login.status, 200, login.text);
        const created = await browser.post<{ secret: string }>('/api/keys', { name: `from ${maker.name}` });
        assert.equal(created.status, 201, created.text);
        const response = await chat(user, created.body.secret, { model: 'gpt-4o-mini', max_tokens: 4 });
        assert.equal(response.status, 200, `made on ${maker.name}, first request to ${user.name}: ${await response.text()}`);
        await response.arrayBuffer().catch(() => undefined);
      }
    });

    it('a spend cap shared by both instances is never exceeded under 200 concurrent requests', async () => {
      const CAP_USD = 0.0002;
      const account = await addAccount({
        email: `cap-${randomUUID().slice(0, 8)}@example.com`,
        plan: 'enterprise',
        concurrent: 1000,
        monthlySpendCapUsd: CAP_USD,
      });
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const stream = i % 4 >= 2;
          const body = stream
            ? { model: 'gpt-4o-mini', max_tokens: 16, stream: true, stream_options: { include_usage: true } }
            : { model: 'gpt-4o-mini', max_tokens: 16 };
          const response = await chat(other(i), account.apiKey, body);
          if (response.status !== 200) return { status: response.status, cost: 0, message: (await errorOf(response)).message };
          const cost = stream ? costOfStream(await response.text()) : costOfCompletion(await response.json());
          return { status: 200, cost, message: '' };
        }),
      );
      const statuses = [...new Set(outcomes.map((o) => o.status))].sort();
      assert.deepEqual(statuses, [200, 402], `statuses ${JSON.stringify(statuses)}`);
      for (const o of outcomes.filter((x) => x.status === 402)) assert.match(o.message, /spend cap .* on this account reached/i);
      const clientCost = sum(outcomes.map((o) => o.cost));
      assert.ok(clientCost <= CAP_USD, `clients were charged $${clientCost} > cap $${CAP_USD}`);

      // Every admitted request has its row; refusals write rows within each instance's per-key budget (60 a minute).
      const admittedCount = outcomes.filter((o) => o.status === 200).length;
      const refusedCount = 200 - admittedCount;
      let rows = await usageRows(account.accountId, admittedCount + Math.min(refusedCount, 60));
      for (let tries = 0; rows.filter((r) => r.status === 200).length < admittedCount && tries < 100; tries += 1) {
        await sleep(50);
        rows = await usageRows(account.accountId, 0);
      }
      assert.equal(rows.filter((r) => r.status === 200).length, admittedCount, 'one ledger row per admitted request, from both instances');
      const refusedRows = rows.filter((r) => r.status === 402).length;
      assert.ok(
        refusedRows >= Math.min(refusedCount, 60) && refusedRows <= Math.min(refusedCount, 120),
        `${refusedRows} rows for ${refusedCount} refusals`,
      );
      const ledgerCost = sum(rows.map((r) => r.costUsd));
      assert.ok(ledgerCost <= CAP_USD, `ledger $${ledgerCost} > cap $${CAP_USD}`);
      assert.ok(Math.abs(ledgerCost - clientCost) < 1e-9, `ledger $${ledgerCost} vs clients $${clientCost}`);
      const admitted = outcomes.filter((o) => o.status === 200).length;
      console.log(
        `# spend cap $${CAP_USD} shared by A and B, 200 concurrent requests: ${admitted} admitted, spent $${ledgerCost.toFixed(9)} of $${CAP_USD} (${((ledgerCost / CAP_USD) * 100).toFixed(1)}%)`,
      );
    });

    it('SIGKILL of one instance mid-stream: its leases expire within the TTL and the survivor has the full concurrency again', async () => {
      assert.ok(proxy);
      const SLOW = 'gpt-5-nano';
      // 10 s streams: far longer than the TTL, so only the expiry of the dead instance's leases can free the slots.
      await setKnobs(simUrl, SLOW, { tokensPerSecond: 10, outputTokens: 100 });
      const account = await addAccount({ email: `kill-${randomUUID().slice(0, 8)}@example.com`, plan: 'enterprise', concurrent: 4 });
      const [a, b] = [gw(0), gw(1)];
      const victims = await Promise.all(Array.from({ length: 4 }, () => chat(b, account.apiKey, { model: SLOW, stream: true, max_tokens: 100 })));
      assert.deepEqual(
        victims.map((r) => r.status),
        [200, 200, 200, 200],
      );
      const readers = victims.map((r) => {
        assert.ok(r.body);
        return r.body.getReader();
      });
      // Mid-stream: every stream has delivered content.
      for (const reader of readers) assert.equal((await reader.read()).done, false);
      const fast = { model: 'gpt-4o-mini', max_tokens: 1 };
      const whileAlive = await chat(a, account.apiKey, fast);
      assert.equal(whileAlive.status, 429, 'A sees the 4 leases B holds');
      await whileAlive.arrayBuffer();

      // The leases as Redis holds them (score = expiry on Redis's clock), just before the kill.
      assert.ok(redis);
      const leases = await redis.zrange(`${prefix}:acct:${account.accountId}:lease`, 0, -1, 'WITHSCORES');
      const [seconds, micros] = (await redis.time()).map(Number);
      const redisNowMs = (seconds ?? 0) * 1000 + Math.floor((micros ?? 0) / 1000);
      const expiries = leases.filter((_, i) => i % 2 === 1).map(Number);
      assert.equal(expiries.length, 4, 'B holds 4 leases in Redis');
      const lapseMs = Math.max(...expiries) - redisNowMs;
      assert.ok(lapseMs <= LEASE_TTL_MS, `a lease is due to lapse ${lapseMs} ms from now, beyond the TTL`);
      b.proc.child.kill('SIGKILL');
      const killedAt = Date.now();
      await b.proc.exited;
      for (const reader of readers) void reader.cancel().catch(() => undefined);

      let refusedAfterKill = 0;
      let recoveredAt: number | undefined;
      while (recoveredAt === undefined) {
        const response = await chat(a, account.apiKey, fast);
        if (response.status === 200) recoveredAt = Date.now();
        else {
          assert.equal(response.status, 429);
          assert.match((await errorOf(response)).message, /Concurrency limit reached/);
          refusedAfterKill += 1;
          assert.ok(Date.now() - killedAt < LEASE_TTL_MS + 5000, "the dead instance's leases never expired");
          await sleep(50);
          continue;
        }
        await response.arrayBuffer();
      }
      const recoveryMs = recoveredAt - killedAt;
      assert.ok(refusedAfterKill > 0, 'the leases outlived their holder for a while (they were not dropped early)');
      assert.ok(recoveryMs <= LEASE_TTL_MS + 1000, `leases freed ${recoveryMs} ms after the kill (TTL ${LEASE_TTL_MS} ms)`);

      // The full concurrency is back, through the survivor alone.
      const again = await Promise.all(Array.from({ length: 4 }, () => chat(a, account.apiKey, { model: SLOW, stream: true, max_tokens: 5 })));
      const fifth = await chat(a, account.apiKey, fast);
      assert.deepEqual(
        again.map((r) => r.status),
        [200, 200, 200, 200],
      );
      assert.equal(fifth.status, 429);
      await fifth.arrayBuffer();
      for (const response of again) assert.match(await response.text(), /data: \[DONE\]/);
      console.log(
        `# SIGKILL mid-stream with 4 leases held: full concurrency back on the survivor after ${recoveryMs} ms (leases due to lapse ${lapseMs} ms after the kill; lease TTL ${LEASE_TTL_MS} ms; ${refusedAfterKill} probes refused meanwhile)`,
      );
    });
  });
}
