/**
 * The benchmark's report: every scenario's figures, the ratios read from them, and issue 22's targets, each with the
 * figure measured in the same run and whether it is met. Ratios rather than absolute figures, since a shared machine
 * is noisy: the floor and the gateway are measured in the same run, one after the other.
 */
import { cpus, totalmem } from 'node:os';
import type { ScenarioResult } from './load.js';

/** A scenario's figures plus the CPU its target process spent per request (none for the simulator, direct). */
export interface Row extends ScenarioResult {
  cpuUsPerRequest: number | null;
}

/** RSS over a steady c=50 load: before it, the peaks of its first and last tenth, and after a rest. */
export interface Soak {
  seconds: number;
  requestsPerSecond: number;
  errors: number;
  startRssMb: number;
  firstTenthRssMb: number;
  lastTenthRssMb: number;
  restedRssMb: number;
  restSeconds: number;
}

/** One of issue 22's targets: the figure measured, the bound, and whether it holds (null: not measured). */
export interface TargetCheck {
  name: string;
  measured: number | null;
  unit: string;
  bound: string;
  met: boolean | null;
}

export interface Report {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; date: string };
  seconds: number;
  results: Row[];
  /** Why cluster mode was not measured (PostgreSQL or Redis unreachable); null when it was. */
  clusterSkipped: string | null;
  overhead: {
    gatewayP50Ms: number | null;
    gatewayP99Ms: number | null;
    floorP50Ms: number | null;
    floorP99Ms: number | null;
    gatewayTtfcMs: number | null;
  };
  ratios: Record<string, number | null>;
  targets: TargetCheck[];
  gatewayRss: { idleMb: number; afterMb: number };
  soak: Soak | null;
}

export interface ReportInput {
  seconds: number;
  results: Row[];
  clusterSkipped: string | null;
  idleRssMb: number;
  afterRssMb: number;
  soak: Soak | null;
}

export function buildReport(input: ReportInput): Report {
  const { results, soak } = input;
  const find = (target: string, scenario: string, c: number): Row | undefined =>
    results.find((r) => r.target === target && r.scenario === scenario && r.concurrency === c);
  const rps = (target: string, scenario: string, c = 50): number | undefined => find(target, scenario, c)?.requestsPerSecond;
  const ratio = (a: number | undefined, b: number | undefined, digits = 3): number | null =>
    a === undefined || b === undefined || b === 0 ? null : round(a / b, digits);
  const diff = (a: number | null | undefined, b: number | null | undefined): number | null => (a == null || b == null ? null : round(a - b, 3));

  const direct1 = find('direct', 'non-stream', 1);
  const overhead = {
    gatewayP50Ms: diff(find('gateway', 'non-stream', 1)?.p50Ms, direct1?.p50Ms),
    gatewayP99Ms: diff(find('gateway', 'non-stream', 1)?.p99Ms, direct1?.p99Ms),
    floorP50Ms: diff(find('floor', 'non-stream', 1)?.p50Ms, direct1?.p50Ms),
    floorP99Ms: diff(find('floor', 'non-stream', 1)?.p99Ms, direct1?.p99Ms),
    gatewayTtfcMs: diff(find('gateway', 'stream', 1)?.ttfcP50Ms, find('direct', 'stream', 1)?.ttfcP50Ms),
  };
  const chat50 = rps('gateway', 'non-stream');
  const chatVsDirect = ratio(chat50, rps('direct', 'non-stream'));
  const embeddingsVsDirect = ratio(rps('gateway', 'embeddings'), rps('direct', 'embeddings'));
  const ratios = {
    nonStreamVsFloor: ratio(chat50, rps('floor', 'non-stream')),
    streamVsFloor: ratio(rps('gateway', 'stream'), rps('floor', 'stream')),
    nonStreamVsDirect: chatVsDirect,
    nonStreamVsPeer: ratio(chat50, rps('peer (portkey)', 'non-stream'), 2),
    streamVsPeer: ratio(rps('gateway', 'stream'), rps('peer (portkey)', 'stream'), 2),
    clusterVsFloor: ratio(rps('gateway (cluster)', 'non-stream'), rps('floor', 'non-stream')),
    responsesVsChat: ratio(rps('gateway', 'responses'), chat50),
    messagesVsChat: ratio(rps('gateway', 'messages'), chat50),
    embeddingsVsDirect,
    /** Each door against its own upstream's direct figure, over chat's: the embeddings door's cost relative to chat's. */
    embeddingsVsChatRelative: embeddingsVsDirect === null || chatVsDirect === null ? null : round(embeddingsVsDirect / chatVsDirect, 3),
    cacheHitVsMiss: ratio(rps('gateway', 'cache-hit'), chat50),
  };
  // The same chat load on both (the floor serves nothing else): the peaks of the non-streaming and streaming c=50 runs.
  const peakRss = (target: string): number | null => {
    const peaks = results
      .filter((r) => r.target === target && r.concurrency === 50 && (r.scenario === 'non-stream' || r.scenario === 'stream') && r.peakRssMb !== null)
      .map((r) => r.peakRssMb ?? 0);
    return peaks.length === 0 ? null : Math.max(...peaks);
  };
  const rssOverFloor = diff(peakRss('gateway'), peakRss('floor'));
  const atLeast = (name: string, measured: number | null, bound: number): TargetCheck => ({
    name,
    measured,
    unit: '×',
    bound: `≥ ${bound}`,
    met: measured === null ? null : measured >= bound,
  });
  const atMost = (name: string, measured: number | null, bound: number, unit: string): TargetCheck => ({
    name,
    measured,
    unit,
    bound: `≤ ${bound}`,
    met: measured === null ? null : measured <= bound,
  });
  const targets: TargetCheck[] = [
    atLeast('non-streaming c=50 throughput / floor', ratios.nonStreamVsFloor, 0.7),
    atLeast('streaming c=50 throughput / floor', ratios.streamVsFloor, 0.7),
    atMost('c=1 added latency p50, over the floor', diff(overhead.gatewayP50Ms, overhead.floorP50Ms), 0.1, 'ms'),
    atMost('c=1 added latency p99, over the floor', diff(overhead.gatewayP99Ms, overhead.floorP99Ms), 1, 'ms'),
    atMost('peak RSS under the c=50 chat load, over the floor', rssOverFloor, 30, 'MB'),
    atMost('RSS after soak + rest, over its start', soak === null ? null : round(soak.restedRssMb - soak.startRssMb), 10, 'MB'),
    atLeast('cluster mode (PostgreSQL + Redis) c=50 / floor', ratios.clusterVsFloor, 0.5),
    atLeast('Responses door c=50 / chat door', ratios.responsesVsChat, 0.9),
    atLeast('Messages door c=50 / chat door', ratios.messagesVsChat, 0.9),
    atLeast('embeddings door (÷ direct) / chat door (÷ direct)', ratios.embeddingsVsChatRelative, 0.9),
  ];
  return {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      date: new Date().toISOString(),
    },
    seconds: input.seconds,
    results: results.map((r) => ({
      ...r,
      requestsPerSecond: round(r.requestsPerSecond),
      p50Ms: round(r.p50Ms, 3),
      p99Ms: round(r.p99Ms, 3),
      ttfcP50Ms: r.ttfcP50Ms === null ? null : round(r.ttfcP50Ms, 3),
    })),
    clusterSkipped: input.clusterSkipped,
    overhead,
    ratios,
    targets,
    gatewayRss: { idleMb: round(input.idleRssMb), afterMb: round(input.afterRssMb) },
    soak,
  };
}

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const r = report.ratios;
  const o = report.overhead;
  const figure = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : String(value));
  const lines = [
    `Benchmark (${report.seconds} s per scenario) on ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GiB, Node ${m.node}, ${m.date}`,
    '',
    '| target | scenario | c | req/s | p50 ms | p99 ms | first chunk p50 ms | errors | peak RSS MB | CPU µs/req |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.results.map(
      (row) =>
        `| ${row.target} | ${row.scenario} | ${row.concurrency} | ${row.requestsPerSecond} | ${row.p50Ms} | ${row.p99Ms} | ${row.ttfcP50Ms ?? ''} | ${row.errors} | ${row.peakRssMb ?? ''} | ${row.cpuUsPerRequest ?? ''} |`,
    ),
    '',
    '| target (issue 22) | measured | bound | met |',
    '|---|---|---|---|',
    ...report.targets.map(
      (t) =>
        `| ${t.name} | ${t.measured === null ? '–' : `${signedIf(t.unit, t.measured)} ${t.unit}`} | ${t.bound} ${t.unit} | ${t.met === null ? 'not measured' : t.met ? 'yes' : 'no'} |`,
    ),
    '',
    `Added latency at c=1 over direct: gateway p50 ${figure(o.gatewayP50Ms)} ms, p99 ${figure(o.gatewayP99Ms)} ms (stream first chunk ${figure(o.gatewayTtfcMs)} ms); floor p50 ${figure(o.floorP50Ms)} ms, p99 ${figure(o.floorP99Ms)} ms.`,
    `Throughput at c=50: non-stream ${figure(r.nonStreamVsFloor)} × floor, ${figure(r.nonStreamVsDirect)} × direct, ${figure(r.nonStreamVsPeer)} × peer; stream ${figure(r.streamVsFloor)} × floor, ${figure(r.streamVsPeer)} × peer; cluster mode ${figure(r.clusterVsFloor)} × floor${report.clusterSkipped === null ? '' : ` (${report.clusterSkipped})`}.`,
    `Doors at c=50 against the chat door: Responses ${figure(r.responsesVsChat)} ×, Messages ${figure(r.messagesVsChat)} ×; embeddings ${figure(r.embeddingsVsDirect)} × direct embeddings (chat: ${figure(r.nonStreamVsDirect)} × direct).`,
    `Response cache hits at c=50: ${figure(r.cacheHitVsMiss)} × the uncached throughput.`,
    `Gateway RSS: ${report.gatewayRss.idleMb} MB idle before, ${report.gatewayRss.afterMb} MB after the scenarios.`,
    ...(report.soak === null
      ? []
      : [
          `Soak, ${report.soak.seconds} s at c=50 through the gateway: ${report.soak.requestsPerSecond} req/s, ${report.soak.errors} errors; ` +
            `RSS ${report.soak.startRssMb} MB at its start, peak ${report.soak.firstTenthRssMb} MB in the first tenth, ${report.soak.lastTenthRssMb} MB in the last, ${report.soak.restedRssMb} MB after ${report.soak.restSeconds} s of rest.`,
        ]),
    '',
  ];
  return lines.join('\n');
}

/** A ratio as is; a difference (ms, MB) with its sign. */
function signedIf(unit: string, value: number): string {
  return unit === '×' || value < 0 ? String(value) : `+${value}`;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
