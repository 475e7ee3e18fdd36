/**
 * Soak: mixed traffic against one gateway process for `OP_SOAK_SECONDS` (default 300), reporting the gateway's RSS
 * at the start (after a warm-up) and at the end, sampled every 5 s in between. Issue 9: memory stays flat.
 *
 *   node --import tsx bench/soak.ts            # 5 minutes
 *   OP_SOAK_SECONDS=30 node --import tsx bench/soak.ts
 *
 * The gateway is `originalpoint serve` from source (through tsx) in a child process, with the OpenAI, Anthropic and
 * Gemini providers pointed at a simulator in this process. 16 clients loop over a weighted mix: JSON and streamed
 * completions on the three wire formats, streams aborted after the first chunk, an upstream failing half the time,
 * malformed and invalid requests, unknown keys, and the read-only endpoints. It reports the request counts per
 * kind, unexpected 5xx answers (there should be none) and the RSS figures; the last line is `SOAK <json>`.
 * A benchmark reports; it asserts nothing (the test runs it for 10 s and checks only that it reports).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator } from '../src/simulator/index.js';
import { createSeededRandom } from '../src/simulator/random.js';
import { seedAccount } from './lib/accounts.js';
import { rssMb, startServe, type ServeProcess } from './lib/processes.js';

const seconds = Number(process.env.OP_SOAK_SECONDS ?? 300);
const CLIENTS = 16;
/** Traffic before the start figure is taken (JIT, pools, caches); shorter for short runs. */
const WARMUP_MS = seconds >= 60 ? 5_000 : 1_000;
const SAMPLE_MS = 5_000;

type Kind = 'json' | 'stream' | 'aborted' | 'failing' | 'invalid' | 'unauthorized' | 'read';

/** Weighted mix: each kind's share of the requests. */
const MIX: ReadonlyArray<[Kind, number]> = [
  ['json', 35],
  ['stream', 30],
  ['aborted', 10],
  ['failing', 5],
  ['invalid', 10],
  ['unauthorized', 5],
  ['read', 5],
];
const MODELS = ['gpt-4o-mini', 'claude-haiku-4.5', 'gemini-2.5-flash'];
/** Served by the simulator with `errorRate: 0.5`: its 503s are expected, not server errors. */
const FAILING_MODEL = 'gpt-5-nano';

function pick(random: () => number): Kind {
  const total = MIX.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [kind, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return 'json';
}

async function main(): Promise<void> {
  const sim = await startSimulator({ defaults: { latencyMs: 20, tokensPerSecond: 200, outputTokens: 40 } });
  sim.setKnobs(FAILING_MODEL, { errorRate: 0.5, errorStatus: 503 });
  const dataDir = mkdtempSync(join(tmpdir(), 'op-soak-'));
  const apiKey = await createKey(dataDir);
  let gateway: ServeProcess | undefined;
  try {
    gateway = await startServe({
      OP_DATA_DIR: dataDir,
      OP_OPENAI_API_KEY: 'sk-simulated',
      OP_OPENAI_BASE_URL: `${sim.url}/openai/v1`,
      OP_ANTHROPIC_API_KEY: 'sk-ant-simulated',
      OP_ANTHROPIC_BASE_URL: `${sim.url}/anthropic`,
      OP_GOOGLE_API_KEY: 'AIza-simulated',
      OP_GOOGLE_BASE_URL: `${sim.url}/google`,
    });
    const { url } = gateway;
    const pid = gateway.child.pid;
    const counts: Record<Kind, number> = { json: 0, stream: 0, aborted: 0, failing: 0, invalid: 0, unauthorized: 0, read: 0 };
    const unexpected: string[] = [];
    let serverErrors = 0;

    let running = true;
    const clients = Array.from({ length: CLIENTS }, async (_, index) => {
      // Deterministic choices, so runs are comparable.
      const random = createSeededRandom(index + 1);
      while (running) {
        const kind = pick(random);
        try {
          const status = await one(url, apiKey, kind, random);
          counts[kind] += 1;
          const expected5xx = kind === 'failing' && status === 503;
          if (status >= 500 && !expected5xx) {
            serverErrors += 1;
            if (unexpected.length < 10) unexpected.push(`${kind}: ${status}`);
          }
        } catch (error) {
          serverErrors += 1;
          if (unexpected.length < 10) unexpected.push(`${kind}: ${String(error)}`);
        }
      }
    });

    await sleep(WARMUP_MS);
    const start = rssMb(pid);
    const samples = [start];
    process.stdout.write(`soak: ${seconds} s of mixed traffic, ${CLIENTS} clients; gateway RSS after warm-up ${start.toFixed(1)} MB\n`);
    const endAt = Date.now() + seconds * 1000;
    while (Date.now() < endAt) {
      await sleep(Math.min(SAMPLE_MS, endAt - Date.now()));
      const rss = rssMb(pid);
      samples.push(rss);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      process.stdout.write(`  t+${Math.round((Date.now() - (endAt - seconds * 1000)) / 1000)} s  RSS ${rss.toFixed(1)} MB  requests ${total}\n`);
    }
    running = false;
    await Promise.all(clients);
    const end = rssMb(pid);
    const report = {
      seconds,
      clients: CLIENTS,
      requests: counts,
      serverErrors,
      unexpected,
      rssMb: { start: round(start), end: round(end), peak: round(Math.max(...samples, end)), min: round(Math.min(...samples, end)) },
      node: process.version,
    };
    process.stdout.write(
      `RSS start ${start.toFixed(1)} MB, end ${end.toFixed(1)} MB (peak ${report.rssMb.peak} MB); unexpected 5xx: ${serverErrors}\n`,
    );
    process.stdout.write(`SOAK ${JSON.stringify(report)}\n`);
  } finally {
    await gateway?.stop();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One request of `kind`; resolves with the status once the whole answer is read (or the stream abandoned). */
async function one(url: string, apiKey: string, kind: Kind, random: () => number): Promise<number> {
  const model = MODELS[Math.floor(random() * MODELS.length)] ?? 'gpt-4o-mini';
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const chat = (body: unknown, headers: Record<string, string> = auth, signal?: AbortSignal): Promise<Response> =>
    fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal });
  const messages = [{ role: 'user', content: `soak ${Math.floor(random() * 1e6)}` }];
  switch (kind) {
    case 'json':
    case 'stream': {
      const response = await chat({ model, messages, stream: kind === 'stream' });
      await response.arrayBuffer();
      return response.status;
    }
    case 'aborted': {
      const controller = new AbortController();
      const response = await chat({ model, messages, stream: true }, auth, controller.signal);
      await response.body?.getReader().read();
      controller.abort();
      return response.status;
    }
    case 'failing': {
      const response = await chat({ model: FAILING_MODEL, messages, stream: random() < 0.5 });
      await response.arrayBuffer();
      return response.status;
    }
    case 'invalid': {
      const bodies = [
        '{"model": "gpt-4o-mini", "messages": [',
        JSON.stringify({ model, messages: 'hi' }),
        JSON.stringify({ model: 'no-such-model', messages }),
      ];
      const response = await chat(bodies[Math.floor(random() * bodies.length)] ?? '{}');
      await response.arrayBuffer();
      return response.status;
    }
    case 'unauthorized': {
      const response = await chat(
        { model, messages },
        { authorization: 'Bearer op_unknownunknownunknownunknownunknownunkn', 'content-type': 'application/json' },
      );
      await response.arrayBuffer();
      return response.status;
    }
    case 'read': {
      const paths = ['/v1/models', '/health', '/metrics', `/v1/models/${model}`];
      const path = paths[Math.floor(random() * paths.length)] ?? '/health';
      const response = await fetch(`${url}${path}`, { headers: auth });
      await response.arrayBuffer();
      return response.status;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

/** An enterprise account whose limits do not bind, created in the data directory before the server starts. */
async function createKey(dataDir: string): Promise<string> {
  const account = {
    email: 'soak@originalpoint.local',
    plan: 'enterprise',
    rpm: 100_000_000,
    tpm: 100_000_000_000,
    concurrent: 100_000,
    includedTokens: 1_000_000_000_000,
  };
  return (await seedAccount(dataDir, account, 'soak')).apiKey;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

await main();
