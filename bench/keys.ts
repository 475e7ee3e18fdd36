/**
 * Benchmark (run by hand, not part of `npm test`): API-key lookup at a million keys (issue 20, "Measure it").
 *
 * On PostgreSQL (a fresh schema, dropped at the end), with gateway instances as `originalpoint serve` processes on
 * 127.0.0.1 and the simulator as their only provider:
 *   1. start time (spawn to listening) and RSS of an instance with 100 keys, then with 1,000,000 (inserted with one
 *      INSERT … SELECT generate_series, 50 keys per account, and one ledger row this month for every 10th key), the
 *      median of 3 starts each (the tables vacuumed first, as autovacuum would); how long the background filter build
 *      takes and what it weighs; and the RSS once the instance has idled a minute (V8 then returns what garbage took);
 *   2. with the instance on 1,000,000 keys running: 100 keys a second created for 10 s through another store
 *      connection (the keys service, as another instance's dashboard or the CLI does), spread over accounts within
 *      the per-account cap; a full reload would show as filter builds or as a million `api_keys` rows read;
 *   3. the first request with a never-seen valid key against the second (held in memory): `GET /v1/models` (the
 *      key lookup alone) and a chat completion (the lookup plus the month's charges of the key and its account);
 *   4. 10,000 made-up keys (50 at a time): the database lookups they cost (each one query by hash, counted by the
 *      instance: PostgreSQL's own statistics arrive too late and too coarsely to attribute to a 3-second window).
 * Prints a Markdown table. Run: node --import tsx bench/keys.ts [--keys N] [--database postgres://…]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { createKeysService, generateApiKey } from '../src/auth/index.js';
import { createPostgresStore, migrateToLatest, type PostgresStore } from '../src/store/index.js';
import { freePort, rssMb, startProcess, startServe, type Running, type ServeProcess } from './lib/processes.js';

const { values: flags } = parseArgs({ options: { keys: { type: 'string' }, database: { type: 'string' } } });
const BIG = Number(flags.keys ?? 1_000_000);
const SMALL = 100;
const KEYS_PER_ACCOUNT = 50;
const DATABASE_URL = flags.database ?? process.env.OP_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROOT = new URL('../', import.meta.url).pathname;
const STARTS = 3;
const CREATE_PER_SECOND = 100;
const CREATE_SECONDS = 10;
const FIRST_REQUESTS = 200;
const MADE_UP = 10_000;

if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(DATABASE_URL).hostname)) {
  throw new Error(`bench/keys.ts talks to loopback databases only, not ${new URL(DATABASE_URL).host}`);
}

/** The secret of bench key number `n`: `op_` and n in 40 digits (digits are base62), so SQL can hash it too. */
const secretOf = (n: number): string => `op_${String(n).padStart(40, '0')}`;

const schema = `op_bench_keys_${randomBytes(4).toString('hex')}`;
const schemaUrl = (() => {
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
})();

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Keys `from`..`to` (and their accounts), with a ledger row this month for every 10th key. One statement each. */
async function insertKeys(store: PostgresStore, from: number, to: number): Promise<void> {
  const now = new Date().toISOString();
  const per = KEYS_PER_ACCOUNT;
  await sql`
    insert into accounts (id, email, plan, created_at)
    select 'acct_b' || a, 'b' || a || '@bench.local', 'pro', ${now}
    from generate_series(${Math.floor((from - 1) / per)}::int, ${Math.floor((to - 1) / per)}::int) as a
    on conflict (id) do nothing`.execute(store.db);
  await sql`
    insert into api_keys (id, account_id, name, key_hash, last4, created_at)
    select 'key_b' || n, 'acct_b' || ((n - 1) / ${per}), 'bench',
      encode(sha256(convert_to('op_' || lpad(n::text, 40, '0'), 'UTF8')), 'hex'), right(lpad(n::text, 40, '0'), 4), ${now}
    from generate_series(${from}::int, ${to}::int) as n`.execute(store.db);
  await sql`
    insert into usage (id, request_id, account_id, key_id, requested_model, routed_model, provider, byok,
      prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status, error_code, stream, created_at)
    select 'usage_b' || n, 'req_b' || n, 'acct_b' || ((n - 1) / ${per}), 'key_b' || n, 'gpt-4o-mini', 'gpt-4o-mini', 'openai', 0,
      10, 5, 0.001, 100, null, 200, null, 0, ${now}
    from generate_series(${from}::int, ${to}::int) as n where n % 10 = 0`.execute(store.db);
  // What autovacuum would soon do anyway; done now so it does not compete with the starts being timed.
  await sql`vacuum (analyze) accounts, api_keys, usage`.execute(store.db);
}

/**
 * `api_keys` as PostgreSQL's statistics count its reads (all connections). A busy backend flushes its counts at
 * most once a second and an idle one within 10 s (PostgreSQL 15), hence the wait (with a margin) before reading.
 */
async function tableReads(store: PostgresStore): Promise<{ seqScans: number; rowsRead: number }> {
  await sleep(15_000);
  await sql`select pg_stat_clear_snapshot()`.execute(store.db);
  const result = await sql<{ seqScan: number; rows: number }>`
    select seq_scan, seq_tup_read + coalesce(idx_tup_fetch, 0) as rows
    from pg_stat_user_tables where schemaname = ${schema} and relname = 'api_keys'`.execute(store.db);
  const row = result.rows[0];
  return { seqScans: Number(row?.seqScan ?? 0), rowsRead: Number(row?.rows ?? 0) };
}

/** A gauge from the instance's `/metrics`. */
async function metric(instance: ServeProcess, name: string): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

interface Started {
  instance: ServeProcess;
  startMs: number;
  rssMb: number;
  filterMs: number;
  filterBytes: number;
  rssAfterFilterMb: number;
}

/**
 * V8 gives the pages garbage took back to the system some 20–50 s into idleness (start-up's own included): the RSS
 * an instance settles at is read after this long.
 */
const SETTLE_MS = 60_000;

async function startInstance(simulatorUrl: string, dataDir: string): Promise<Started> {
  const began = performance.now();
  const instance = await startServe({
    OP_DATA_DIR: dataDir,
    OP_DATABASE_URL: schemaUrl,
    OP_MASTER_KEY: randomBytes(32).toString('hex'),
    OP_OPENAI_API_KEY: 'sim',
    OP_OPENAI_BASE_URL: `${simulatorUrl}/openai/v1`,
  });
  const startMs = performance.now() - began;
  const rss = rssMb(instance.child.pid);
  while ((await metric(instance, 'op_key_filter_builds')) < 1) await sleep(20);
  const filterMs = performance.now() - began - startMs;
  return {
    instance,
    startMs,
    rssMb: rss,
    filterMs,
    filterBytes: await metric(instance, 'op_key_filter_bytes'),
    rssAfterFilterMb: rssMb(instance.child.pid),
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
};

/**
 * Starts `STARTS` instances one after the other; returns the medians, the settled RSS of the last one (after
 * {@link SETTLE_MS} idle), and leaves that one running.
 */
async function measureStarts(
  simulatorUrl: string,
  dataDir: string,
): Promise<{ medians: Omit<Started, 'instance'>; settledRssMb: number; running: ServeProcess }> {
  const runs: Started[] = [];
  for (let i = 0; i < STARTS; i++) {
    const run = await startInstance(simulatorUrl, dataDir);
    runs.push(run);
    if (i < STARTS - 1) await run.instance.stop();
  }
  const pick = (read: (s: Started) => number): number => median(runs.map(read));
  const running = runs[runs.length - 1]?.instance;
  if (running === undefined) throw new Error('no instance started');
  await sleep(SETTLE_MS);
  return {
    running,
    settledRssMb: rssMb(running.child.pid),
    medians: {
      startMs: pick((s) => s.startMs),
      rssMb: pick((s) => s.rssMb),
      filterMs: pick((s) => s.filterMs),
      filterBytes: pick((s) => s.filterBytes),
      rssAfterFilterMb: pick((s) => s.rssAfterFilterMb),
    },
  };
}

async function timed(request: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const began = performance.now();
  const response = await request();
  await response.arrayBuffer();
  return { ms: performance.now() - began, status: response.status };
}

const models = (instance: ServeProcess, key: string) => () => fetch(`${instance.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
const chat = (instance: ServeProcess, key: string) => () =>
  fetch(`${instance.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }),
  });

/** First and second request latencies of never-seen keys (sequential), for one kind of request. */
async function firstRequests(instance: ServeProcess, request: (instance: ServeProcess, key: string) => () => Promise<Response>, picks: number[]) {
  const first: number[] = [];
  const second: number[] = [];
  for (const n of picks) {
    const a = await timed(request(instance, secretOf(n)));
    const b = await timed(request(instance, secretOf(n)));
    if (a.status !== 200 || b.status !== 200) throw new Error(`key ${n}: ${a.status} then ${b.status}`);
    first.push(a.ms);
    second.push(b.ms);
  }
  return { first, second };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-keys-'));
  const processes: Running[] = [];
  await admin(`create schema ${schema}`);
  const store = createPostgresStore({ url: DATABASE_URL, schema, poolSize: 4 });
  try {
    await migrateToLatest(store.db);
    const simPort = await freePort();
    processes.push(
      await startProcess(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'simulate', '--port', String(simPort)],
        {},
        /listening/,
      ),
    );
    const simulatorUrl = `http://127.0.0.1:${simPort}`;

    await insertKeys(store, 1, SMALL);
    console.log(`# ${SMALL} keys: starting ${STARTS} instances`);
    const small = await measureStarts(simulatorUrl, dataDir);
    await small.running.stop();

    const insertBegan = performance.now();
    await insertKeys(store, SMALL + 1, BIG);
    console.log(
      `# ${BIG.toLocaleString('en-US')} keys inserted in ${((performance.now() - insertBegan) / 1000).toFixed(1)} s; starting ${STARTS} instances`,
    );
    const big = await measureStarts(simulatorUrl, dataDir);
    const instance = big.running;
    processes.push(instance);

    // 2. Keys created elsewhere at 100 a second.
    console.log(`# creating ${CREATE_PER_SECOND} keys/s for ${CREATE_SECONDS} s through another connection`);
    const creator = createPostgresStore({ url: DATABASE_URL, schema, poolSize: 8 });
    const keys = createKeysService({ db: creator.db });
    const accounts = Math.floor(BIG / KEYS_PER_ACCOUNT);
    const before = {
      builds: await metric(instance, 'op_key_filter_builds'),
      lookups: await metric(instance, 'op_key_lookups'),
      reads: await tableReads(store),
    };
    const created: string[] = [];
    const createBegan = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < CREATE_PER_SECOND * CREATE_SECONDS; i++) {
      const due = createBegan + (i * 1000) / CREATE_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const accountId = `acct_b${(i * 7919) % accounts}`;
      pending.push(keys.createKey({ accountId, name: 'created' }).then((key) => void created.push(key.secret)));
    }
    await Promise.all(pending);
    const createSeconds = (performance.now() - createBegan) / 1000;
    const after = {
      builds: await metric(instance, 'op_key_filter_builds'),
      lookups: await metric(instance, 'op_key_lookups'),
      reads: await tableReads(store),
    };
    await creator.close();
    const lastCreated = created[created.length - 1] ?? '';
    const lastStatus = (await timed(models(instance, lastCreated))).status;

    // 3. First requests with never-seen valid keys.
    console.log(`# first requests with ${FIRST_REQUESTS} never-seen keys`);
    const picks = Array.from({ length: FIRST_REQUESTS * 2 }, (_, i) => SMALL + 1 + ((i * 104_729) % (BIG - SMALL)));
    const authOnly = await firstRequests(instance, models, picks.slice(0, FIRST_REQUESTS));
    const chats = await firstRequests(instance, chat, picks.slice(FIRST_REQUESTS));

    // 4. Made-up keys.
    console.log(`# ${MADE_UP.toLocaleString('en-US')} made-up keys`);
    const floodBefore = await metric(instance, 'op_key_lookups');
    const madeUp = Array.from({ length: MADE_UP }, () => generateApiKey());
    const floodBegan = performance.now();
    for (let i = 0; i < madeUp.length; i += 50) {
      const statuses = await Promise.all(madeUp.slice(i, i + 50).map(async (key) => (await timed(models(instance, key))).status));
      if (statuses.some((status) => status !== 401)) throw new Error(`a made-up key got ${statuses.find((s) => s !== 401)}`);
    }
    const floodSeconds = (performance.now() - floodBegan) / 1000;
    const floodAfter = await metric(instance, 'op_key_lookups');

    const mb = (value: number): string => `${value.toFixed(0)} MB`;
    const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
    const rows: [string, string, string][] = [
      ['Start to listening (median of 3)', ms(small.medians.startMs), ms(big.medians.startMs)],
      ['RSS when listening', mb(small.medians.rssMb), mb(big.medians.rssMb)],
      ['Filter of key hashes built, after listening (background)', ms(small.medians.filterMs), ms(big.medians.filterMs)],
      ['Filter size', `${(small.medians.filterBytes / 1024).toFixed(0)} KB`, `${(big.medians.filterBytes / 1024 / 1024).toFixed(2)} MB`],
      ['RSS just after the build (its garbage not yet given back)', mb(small.medians.rssAfterFilterMb), mb(big.medians.rssAfterFilterMb)],
      [`RSS ${SETTLE_MS / 1000} s later (idle)`, mb(small.settledRssMb), mb(big.settledRssMb)],
    ];
    console.log(`\n| ${BIG.toLocaleString('en-US')}-key measure | ${SMALL} keys | ${BIG.toLocaleString('en-US')} keys |\n|---|---|---|`);
    for (const [what, a, b] of rows) console.log(`| ${what} | ${a} | ${b} |`);
    console.log(`\n| With ${BIG.toLocaleString('en-US')} keys | result |\n|---|---|`);
    const table: [string, string][] = [
      [
        `${created.length} keys created in ${createSeconds.toFixed(1)} s on another connection`,
        `filter rebuilds: ${after.builds - before.builds}; key lookups by the instance: ${after.lookups - before.lookups}; ` +
          `api_keys rows read by everyone: ${(after.reads.rowsRead - before.reads.rowsRead).toLocaleString('en-US')} ` +
          `(seq scans ${after.reads.seqScans - before.reads.seqScans}); the last key's first request: ${lastStatus}`,
      ],
      [
        'First request with a never-seen key, GET /v1/models (lookup only)',
        `median ${ms(median(authOnly.first))} vs ${ms(median(authOnly.second))} held (+${ms(median(authOnly.first) - median(authOnly.second))}); p95 ${ms(percentile(authOnly.first, 0.95))}`,
      ],
      [
        'First request with a never-seen key, chat completion (lookup + month charges)',
        `median ${ms(median(chats.first))} vs ${ms(median(chats.second))} held (+${ms(median(chats.first) - median(chats.second))}); p95 ${ms(percentile(chats.first, 0.95))}`,
      ],
      [
        `${MADE_UP.toLocaleString('en-US')} made-up keys (50 at a time, ${floodSeconds.toFixed(1)} s), all 401`,
        `database lookups: ${floodAfter - floodBefore} (${(((floodAfter - floodBefore) / MADE_UP) * 100).toFixed(2)} %)`,
      ],
    ];
    for (const [what, result] of table) console.log(`| ${what} | ${result} |`);
  } finally {
    for (const running of processes.reverse()) await running.stop().catch(() => undefined);
    await store.close();
    await admin(`drop schema if exists ${schema} cascade`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
