/**
 * @module The mutable state of one simulator instance: knobs, request counters and the seeded random sources.
 */

import { KnobStore, type SimulatorKnobs } from './knobs.js';
import { PromptCacheStore } from './prompt-cache.js';
import { createIdSource, createSeededRandom } from './random.js';

/** Request counters, as returned by `Simulator.stats()` and `GET /_sim/stats`. */
export interface SimulatorStats {
  /** Requests that reached a provider endpoint (including rejected ones). */
  requests: number;
  /** Requests per upstream model name, counted once the body named a model. */
  byModel: Record<string, number>;
  /**
   * The last four characters of each distinct credential seen per upstream model, so tests can tell which key
   * (the gateway's or an account's own) a request was made with. Never the whole key.
   */
  keyTails: Record<string, string[]>;
  /** Calls being answered right now (counted from when the body named a model until the response closed). */
  inFlight: number;
  /** The most calls answered at once since the simulator started. */
  peakInFlight: number;
}

/** Everything request handlers share. */
export class SimulatorState {
  readonly knobs: KnobStore;
  /** Draws for `errorRate`; seeded unless the caller injected a source. */
  readonly random: () => number;
  /** The clock streams are paced on, in ms. */
  readonly now: () => number;
  /** The prompt prefixes cached so far (Anthropic `cache_control`). */
  readonly promptCache = new PromptCacheStore();
  /** Id characters come from their own seeded stream so ids never shift the error draws. */
  readonly nextId: (length: number) => string = createIdSource(0x1d5eed);
  private requests = 0;
  private readonly byModel = new Map<string, number>();
  private readonly keyTails = new Map<string, Set<string>>();
  private inFlight = 0;
  private peakInFlight = 0;

  constructor(defaults: Partial<SimulatorKnobs> | undefined, random: (() => number) | undefined, now: () => number = () => performance.now()) {
    this.knobs = new KnobStore(defaults);
    this.random = random ?? createSeededRandom(0x5eed);
    this.now = now;
  }

  countRequest(): void {
    this.requests++;
  }

  countModel(model: string): void {
    this.byModel.set(model, (this.byModel.get(model) ?? 0) + 1);
  }

  /** Counts a call as in flight until `done` is called. */
  enter(): () => void {
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
    };
  }

  /** Remembers the tail of the credential a call for `model` came with. */
  recordKeyTail(model: string, credential: string | undefined): void {
    if (credential === undefined || credential === '') return;
    let tails = this.keyTails.get(model);
    if (tails === undefined) {
      tails = new Set();
      this.keyTails.set(model, tails);
    }
    if (tails.size < 100) tails.add(credential.slice(-4));
  }

  stats(): SimulatorStats {
    const keyTails = Object.fromEntries([...this.keyTails].map(([model, tails]) => [model, [...tails]]));
    return { requests: this.requests, byModel: Object.fromEntries(this.byModel), keyTails, inFlight: this.inFlight, peakInFlight: this.peakInFlight };
  }
}
