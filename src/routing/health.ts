/**
 * @module Live health per deployment: decayed time-to-first-token and output-rate estimates, and a sliding-window
 * success rate. Behind the {@link HealthStore} interface so a shared (Redis-backed) store can replace the in-memory
 * one; reads stay synchronous because routing runs on the hot path (a shared store would serve them from a local
 * replica). The clock is injected.
 *
 * The latency model: an answer of n output tokens takes the time to the first token plus n − 1 times the time per
 * token ({@link expectedAnswerMs}). Both figures are learned from every successful call, so that deployments
 * measured by different mixes of calls compare fairly:
 * - a streamed call measures them apart: the time to the first output token, and the time per token after it;
 * - a non-streamed call only says how long the whole answer took. It is read as "this deployment is k times as
 *   fast as estimated", k = measured / estimated time for that many tokens, and both figures are scaled by k. The
 *   split between them is the one streamed calls taught (or the prior's, until a stream has been measured), and
 *   non-streamed calls keep it.
 */

/** What a deployment is assumed to do before it has been measured (and what stale measurements decay toward). */
export interface LatencyPrior {
  ttftMs: number;
  outputTokensPerSecond: number;
}

/**
 * Generic prior for a never-measured deployment: 800 ms to the first token and 60 tokens/s, a middle-of-the-road
 * figure for hosted chat models. Per-deployment priors can be injected through {@link HealthOptions.priors}.
 */
export const DEFAULT_LATENCY_PRIOR: Readonly<LatencyPrior> = Object.freeze({ ttftMs: 800, outputTokensPerSecond: 60 });

/** The tuning defaults of {@link InMemoryHealthStore}. */
export const HEALTH_DEFAULTS = Object.freeze({
  /** A latency sample's weight halves every 30 s… */
  halfLifeMs: 30_000,
  /** …and with every 20 newer samples, so a busy deployment's estimate still follows change. */
  halfLifeSamples: 20,
  /**
   * The prior counts as a fifth of a sample that never decays. Latencies of deployments span two orders of
   * magnitude, so a generic prior says little once a deployment is measured: its first measurement outweighs the
   * prior five to one (at half a sample, a deployment measured once at 30× faster than a well-measured one could
   * rank behind it). A deployment idle for a few minutes still drifts back to the prior.
   */
  priorWeight: 0.2,
  /** Success rate over the outcomes of the last 60 s… */
  windowMs: 60_000,
  /** …at most the last 100 of them. */
  windowSize: 100,
  /**
   * The success rate starts from 0.95 weighted as two outcomes: a deployment with a clean record ranks above an
   * unknown one, and one failure with nothing else known drops it to 0.63.
   */
  successPrior: 0.95,
  successPriorWeight: 2,
});

export interface HealthOptions {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Priors by {@link deploymentKey}; deployments not listed use {@link DEFAULT_LATENCY_PRIOR}. */
  priors?: Readonly<Record<string, LatencyPrior>>;
  halfLifeMs?: number;
  halfLifeSamples?: number;
  priorWeight?: number;
  windowMs?: number;
  windowSize?: number;
}

/** A completed call: time to first token (streams only), total time, output tokens produced. */
export interface SuccessSample {
  /** Time to the first output token of a streamed call; undefined for a call timed only as a whole (not streamed). */
  ttftMs: number | undefined;
  totalMs: number;
  outputTokens: number;
}

/** A failed call. Only retryable failures (timeouts, 429, 5xx, overload) count against the deployment. */
export interface FailureSample {
  retryable: boolean;
}

/** A deployment's current estimates. */
export interface HealthSnapshot {
  ttftMs: number;
  outputTokensPerSecond: number;
  /** Smoothed success rate in [0, 1] over the window: (successes + 0.95 × 2) / (outcomes + 2); 0.95 with none. */
  successRate: number;
  /** Outcomes in the window. */
  outcomes: number;
  /** Decayed weight of the latency samples behind the estimate; 0 means prior only. */
  evidence: number;
  /** When the deployment last reported any outcome; undefined if never. */
  lastSeenAt: number | undefined;
}

/** Per-deployment health, keyed by {@link deploymentKey}. */
export interface HealthStore {
  recordSuccess(key: string, sample: SuccessSample): void;
  recordFailure(key: string, failure: FailureSample): void;
  snapshot(key: string): HealthSnapshot;
}

/**
 * Expected milliseconds to the end of an answer of `outputTokens` tokens: the first token after `ttftMs`, each one
 * after it `msPerToken` later. An answer of 0 or 1 token takes the time to the first token.
 */
export function expectedAnswerMs(ttftMs: number, msPerToken: number, outputTokens: number): number {
  return ttftMs + msPerToken * Math.max(0, outputTokens - 1);
}

/** The health and breaker key of a deployment: `${provider}/${upstreamModel}`. */
export function deploymentKey(deployment: { provider: string; model: string }): string {
  return `${deployment.provider}/${deployment.model}`;
}

/** Samples below this (ms, or ms per token) are clamped so the logarithm stays finite. */
const MIN_SAMPLE = 0.01;

/**
 * The shortest time per token taken from a call: 0.1 ms, i.e. 10,000 tokens/s, faster than any hosted model
 * streams. A faster reading is not a rate but tokens that arrived together (one network read, a buffering proxy),
 * and taken at face value it would make every later estimate of the deployment almost all time to first token.
 */
export const MIN_MS_PER_TOKEN = 0.1;

const PRIOR_SUCCESSES = HEALTH_DEFAULTS.successPrior * HEALTH_DEFAULTS.successPriorWeight;

/**
 * A geometric mean (sums of logarithms) where each sample's weight decays with age and with newer samples.
 * Latencies are roughly log-normal: in log space one 60 s straggler does not swamp fifty 1 s answers, and a
 * recovered deployment's first fast sample moves its estimate by a factor, not by a few percent.
 */
interface DecayingMean {
  sum: number;
  weight: number;
  at: number;
}

interface DeploymentHealth {
  ttft: DecayingMean;
  msPerToken: DecayingMean;
  window: OutcomeWindow;
  lastSeenAt: number | undefined;
}

/** The in-process {@link HealthStore}. */
export class InMemoryHealthStore implements HealthStore {
  private readonly byKey = new Map<string, DeploymentHealth>();
  private readonly now: () => number;
  private readonly priors: Readonly<Record<string, LatencyPrior>>;
  private readonly halfLifeMs: number;
  private readonly sampleDecay: number;
  private readonly priorWeight: number;
  private readonly windowMs: number;
  private readonly windowSize: number;

  constructor(options: HealthOptions) {
    this.now = options.now;
    this.priors = options.priors ?? {};
    this.halfLifeMs = options.halfLifeMs ?? HEALTH_DEFAULTS.halfLifeMs;
    this.sampleDecay = 2 ** (-1 / (options.halfLifeSamples ?? HEALTH_DEFAULTS.halfLifeSamples));
    this.priorWeight = options.priorWeight ?? HEALTH_DEFAULTS.priorWeight;
    this.windowMs = options.windowMs ?? HEALTH_DEFAULTS.windowMs;
    this.windowSize = options.windowSize ?? HEALTH_DEFAULTS.windowSize;
  }

  /**
   * Records a success: a streamed call's two figures as measured, a non-streamed call's total time as a scale
   * factor on both (see the module doc). Non-finite or negative timings are not used as latency samples; the
   * outcome still counts.
   */
  recordSuccess(key: string, sample: SuccessSample): void {
    const t = this.now();
    const health = this.entry(key, t);
    const { ttftMs, msPerToken } = sample.ttftMs === undefined ? this.scaledByTotal(key, health, sample, t) : measuredApart(sample.ttftMs, sample);
    if (ttftMs !== undefined) this.add(health.ttft, ttftMs, t);
    if (msPerToken !== undefined) this.add(health.msPerToken, Math.max(msPerToken, MIN_MS_PER_TOKEN), t);
    health.window.push(t, true);
  }

  /** Records a failure; a non-retryable one (the request's own fault) only marks the deployment as seen. */
  recordFailure(key: string, failure: FailureSample): void {
    const t = this.now();
    const health = this.entry(key, t);
    if (failure.retryable) health.window.push(t, false);
  }

  snapshot(key: string): HealthSnapshot {
    const t = this.now();
    const prior = this.priors[key] ?? DEFAULT_LATENCY_PRIOR;
    const health = this.byKey.get(key);
    if (health === undefined) {
      const { ttftMs, outputTokensPerSecond } = prior;
      return { ttftMs, outputTokensPerSecond, successRate: HEALTH_DEFAULTS.successPrior, outcomes: 0, evidence: 0, lastSeenAt: undefined };
    }
    const { ttftMs, msPerToken } = this.estimate(key, health, t);
    const { window } = health;
    window.prune(t);
    return {
      ttftMs,
      outputTokensPerSecond: 1000 / msPerToken,
      successRate: (window.successes + PRIOR_SUCCESSES) / (window.count + HEALTH_DEFAULTS.successPriorWeight),
      outcomes: window.count,
      evidence: health.ttft.weight * this.decay(health.ttft, t),
      lastSeenAt: health.lastSeenAt,
    };
  }

  /** The current time to first token and time per token, each a decayed mean pulled toward the prior. */
  private estimate(key: string, health: DeploymentHealth, t: number): LatencyFigures {
    const prior = this.priors[key] ?? DEFAULT_LATENCY_PRIOR;
    return {
      ttftMs: this.mean(health.ttft, this.decay(health.ttft, t), prior.ttftMs),
      msPerToken: this.mean(health.msPerToken, this.decay(health.msPerToken, t), 1000 / prior.outputTokensPerSecond),
    };
  }

  /**
   * The samples a non-streamed call gives: the current estimates scaled by measured / expected total time. With
   * fewer than two tokens the whole time is the first token's, and the time per token is not observed. Without a
   * usable total time or token count there is nothing to learn.
   */
  private scaledByTotal(key: string, health: DeploymentHealth, sample: SuccessSample, t: number): Partial<LatencyFigures> {
    if (!(Number.isFinite(sample.totalMs) && sample.totalMs >= 0 && Number.isFinite(sample.outputTokens))) return {};
    const current = this.estimate(key, health, t);
    const scale = sample.totalMs / expectedAnswerMs(current.ttftMs, current.msPerToken, sample.outputTokens);
    return {
      ttftMs: current.ttftMs * scale,
      msPerToken: sample.outputTokens >= 2 ? current.msPerToken * scale : undefined,
    };
  }

  private entry(key: string, t: number): DeploymentHealth {
    let health = this.byKey.get(key);
    if (health === undefined) {
      health = {
        ttft: { sum: 0, weight: 0, at: t },
        msPerToken: { sum: 0, weight: 0, at: t },
        window: new OutcomeWindow(this.windowMs, this.windowSize),
        lastSeenAt: t,
      };
      this.byKey.set(key, health);
    }
    health.lastSeenAt = t;
    return health;
  }

  private decay(mean: DecayingMean, t: number): number {
    return 2 ** (-Math.max(0, t - mean.at) / this.halfLifeMs);
  }

  private add(mean: DecayingMean, value: number, t: number): void {
    const keep = this.decay(mean, t) * this.sampleDecay;
    mean.sum = mean.sum * keep + Math.log(Math.max(value, MIN_SAMPLE));
    mean.weight = mean.weight * keep + 1;
    mean.at = t;
  }

  private mean(mean: DecayingMean, decay: number, prior: number): number {
    return Math.exp((mean.sum * decay + Math.log(prior) * this.priorWeight) / (mean.weight * decay + this.priorWeight));
  }
}

/** The two figures of the latency model, in ms. */
interface LatencyFigures {
  ttftMs: number;
  msPerToken: number;
}

/** The samples a streamed call gives: its time to first token, and the time per token after the first. */
function measuredApart(ttftMs: number, sample: SuccessSample): Partial<LatencyFigures> {
  const generationMs = sample.totalMs - ttftMs;
  return {
    ttftMs: Number.isFinite(ttftMs) && ttftMs >= 0 ? ttftMs : undefined,
    msPerToken: sample.outputTokens >= 2 && Number.isFinite(generationMs) && generationMs > 0 ? generationMs / (sample.outputTokens - 1) : undefined,
  };
}

/** The outcomes of the last `windowMs`, at most `size` of them, in a ring buffer with running counts. */
class OutcomeWindow {
  private readonly times: number[] = [];
  private readonly oks: boolean[] = [];
  private start = 0;
  /** Outcomes held; current after {@link prune}. */
  count = 0;
  /** Successes among them. */
  successes = 0;

  constructor(
    private readonly windowMs: number,
    private readonly size: number,
  ) {}

  push(t: number, ok: boolean): void {
    this.prune(t);
    if (this.count === this.size) this.dropOldest();
    const index = (this.start + this.count) % this.size;
    this.times[index] = t;
    this.oks[index] = ok;
    this.count += 1;
    if (ok) this.successes += 1;
  }

  /** Drops the outcomes older than the window as of `t`. */
  prune(t: number): void {
    while (this.count > 0 && (this.times[this.start] ?? t) <= t - this.windowMs) this.dropOldest();
  }

  private dropOldest(): void {
    if (this.oks[this.start] === true) this.successes -= 1;
    this.start = (this.start + 1) % this.size;
    this.count -= 1;
  }
}
