/**
 * Benchmark of the routing decision for `model: "auto"` over the built-in 16-model catalog (not a test).
 * Run: node --import tsx bench/routing.ts [decisions per mode, default 100000]
 *
 * Reports mean µs per call for: measuring a prompt (the per-request estimate) and counting it with the tokenizer
 * (only done near a context limit), by prompt size; the requirement filter, each strategy's ranking, and the whole
 * `Router.route` with the prompt measured by the caller and without. Health is warmed with measurements for every deployment so latency and reliability read real stats.
 */
import { loadConfig } from '../src/config/index.js';
import type { ChatCompletionRequest, RoutingMode } from '../src/core/chat-request.js';
import { countPromptTokens, measurePrompt } from '../src/metering/token-count.js';
import { Catalog } from '../src/routing/catalog.js';
import { InMemoryCircuitBreakers } from '../src/routing/circuit-breaker.js';
import { deploymentKey, InMemoryHealthStore } from '../src/routing/health.js';
import { deriveRequirements, filterCatalog } from '../src/routing/requirements.js';
import { Router } from '../src/routing/router.js';
import { createStrategies } from '../src/routing/strategies/index.js';

const N = Number(process.argv[2] ?? 100_000);
const MODES: RoutingMode[] = ['cost', 'latency', 'reliability'];

function catalogWithFakeKeys(): Catalog {
  const providers = Object.keys(loadConfig({ env: {} }).providers);
  const env: NodeJS.ProcessEnv = {};
  for (const id of providers) env[`OP_${id.toUpperCase().replace(/-/g, '_')}_API_KEY`] = `fake-${id}`;
  const config = loadConfig({ env });
  return new Catalog(config.models, config.providers);
}

const ROUNDS = 3;

/**
 * Mean µs per call of `fn` over `n` calls, after `n / 10` warm-up calls; the best of {@link ROUNDS} rounds, so
 * that other load on a shared machine inflates the figure as little as possible.
 */
function measure(n: number, fn: () => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.ceil(n / 10); i++) sink += fn() === undefined ? 0 : 1;
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += fn() === undefined ? 0 : 1;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / n);
  }
  if (sink < 0) console.log(sink);
  return best;
}

function request(words: number): ChatCompletionRequest {
  const text = Array.from({ length: words }, (_, i) => ['route', 'the', 'request', 'to', 'a', 'model', `w${i % 97}`][i % 7]).join(' ');
  return {
    model: 'auto',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: text },
    ],
  };
}

const catalog = catalogWithFakeKeys();
let t = Date.now();
const now = (): number => (t += 1);
const health = new InMemoryHealthStore({ now });
const breakers = new InMemoryCircuitBreakers({ now });
for (const model of catalog.models) {
  for (const [i, deployment] of model.deployments.entries()) {
    for (let k = 0; k < 50; k++)
      health.recordSuccess(deploymentKey(deployment), { ttftMs: 300 + 40 * i + (k % 7) * 10, totalMs: 3000 + k, outputTokens: 300 });
  }
}
const router = new Router({ catalog, health, breakers, now, random: Math.random });
const strategies = createStrategies({ random: Math.random });

const rows: Array<[string, number, number]> = [];
const small = request(20);
for (const words of [20, 1_000, 20_000]) {
  const req = request(words);
  const tokens = countPromptTokens(req);
  const n = Math.max(200, Math.floor(N / Math.max(1, words / 20)));
  rows.push([`measurePrompt (${tokens.toLocaleString('en-US')}-token prompt)`, measure(n, () => measurePrompt(req)), n]);
  rows.push([`countPromptTokens (${tokens.toLocaleString('en-US')}-token prompt)`, measure(n, () => countPromptTokens(req)), n]);
}
const requirements = deriveRequirements(small);
const smallPrompt = measurePrompt(small);
rows.push(['filterCatalog (16 models)', measure(N, () => filterCatalog(catalog, requirements, (key) => breakers.state(key) === 'open')), N]);
const { capable } = filterCatalog(catalog, requirements, () => false);
for (const mode of MODES) {
  rows.push([`rank: ${mode}`, measure(N, () => strategies[mode].rank(capable, requirements, health, t)), N]);
}
for (const mode of MODES) {
  rows.push([`Router.route ${mode} (prompt measured by the caller)`, measure(N, () => router.route(small, mode, { prompt: smallPrompt })), N]);
}
for (const mode of MODES) {
  rows.push([`Router.route ${mode} (measures a ${requirements.promptTokens}-token prompt)`, measure(N, () => router.route(small, mode)), N]);
}
rows.push(['Router.route explicit model', measure(N, () => router.route({ ...small, model: 'gpt-5' })), N]);

console.log(`node ${process.version}, ${catalog.models.length} models; mean µs per call over n calls, best of ${ROUNDS} rounds after a 10 % warm-up`);
for (const [name, us, n] of rows) console.log(`${name.padEnd(58)} ${us.toFixed(2).padStart(9)} µs   (n=${n})`);
