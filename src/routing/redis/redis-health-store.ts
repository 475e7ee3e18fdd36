/**
 * @module A {@link HealthStore} shared by every instance on a prefix. Reads stay synchronous and local: each
 * instance keeps an in-memory store (the mirror) into which it applies its own outcomes at once and other
 * instances' outcomes as they arrive through a Redis stream (typically within a few ms plus the 20 ms write batch).
 * So every instance ranks deployments on the whole cluster's traffic. Outcomes of two instances may be applied in
 * a different order on each, so estimates agree closely rather than bit for bit; `lastSeenAt` is kept here as the
 * latest outcome time of any order of arrival (the in-memory store would take the last one applied).
 *
 * If Redis is unreachable, each instance carries on with what it sees itself (writes are dropped and reported;
 * the reader retries and catches up from where it left off, as far as the stream still reaches).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  HEALTH_DEFAULTS,
  InMemoryHealthStore,
  type FailureSample,
  type HealthOptions,
  type HealthSnapshot,
  type HealthStore,
  type SuccessSample,
} from '../health.js';
import { RoutingEventStream } from './event-stream.js';
import { ReplayClock } from './replay-clock.js';
import { parseHealthEvent, type HealthEvent } from './routing-events.js';

/** The in-memory store's options, plus where to share. */
export interface RedisHealthOptions extends HealthOptions {
  readonly redis: Redis;
  /** Instances sharing health share the prefix; the stream is `<prefix>:routing:health`. */
  readonly prefix: string;
  /** Defaults to a random id. */
  readonly instanceId?: string;
  /** Told about failed writes/reads and unreadable events. */
  readonly onError?: (error: unknown) => void;
  /** Write batching delay, ms (default 20). */
  readonly flushMs?: number;
}

/** Health shared through Redis, read from a local mirror. Call {@link start} before serving, {@link close} after. */
export class RedisHealthStore implements HealthStore {
  readonly #clock: ReplayClock;
  readonly #mirror: InMemoryHealthStore;
  readonly #stream: RoutingEventStream<HealthEvent>;
  readonly #onError: (error: unknown) => void;
  readonly #lastSeenAt = new Map<string, number>();

  constructor(options: RedisHealthOptions) {
    this.#clock = new ReplayClock(options.now);
    this.#mirror = new InMemoryHealthStore({ ...healthOptionsOf(options), now: this.#clock.now });
    this.#onError = options.onError ?? ((): void => undefined);
    this.#stream = new RoutingEventStream({
      redis: options.redis,
      key: `${options.prefix}:routing:health`,
      instanceId: options.instanceId ?? randomUUID(),
      replayMs: options.windowMs ?? HEALTH_DEFAULTS.windowMs,
      flushMs: options.flushMs,
      onError: this.#onError,
      parse: parseHealthEvent,
      kind: 'health',
    });
  }

  /** Replays the cluster's recent outcomes, then follows new ones in the background. */
  start(): Promise<void> {
    return this.#stream.start((event) => this.#apply(event));
  }

  /** Writes pending outcomes and stops following. */
  close(): Promise<void> {
    return this.#stream.close();
  }

  recordSuccess(key: string, sample: SuccessSample): void {
    const { ttftMs, totalMs, outputTokens } = sample;
    this.#record({ kind: 'success', key, t: this.#clock.now(), ttftMs, totalMs, outputTokens });
  }

  recordFailure(key: string, failure: FailureSample): void {
    this.#record({ kind: 'failure', key, t: this.#clock.now(), retryable: failure.retryable });
  }

  snapshot(key: string): HealthSnapshot {
    const snapshot = this.#mirror.snapshot(key);
    const lastSeenAt = this.#lastSeenAt.get(key);
    return lastSeenAt === undefined ? snapshot : { ...snapshot, lastSeenAt };
  }

  #record(event: HealthEvent): void {
    this.#apply(event);
    this.#stream.append(event);
  }

  #apply(event: HealthEvent): void {
    if (!((this.#lastSeenAt.get(event.key) ?? Number.NEGATIVE_INFINITY) >= event.t)) this.#lastSeenAt.set(event.key, event.t);
    this.#clock.at(event.t, () => {
      if (event.kind === 'success') this.#mirror.recordSuccess(event.key, event);
      else this.#mirror.recordFailure(event.key, event);
    });
  }
}

/** The in-memory store's own options out of {@link RedisHealthOptions}. */
function healthOptionsOf(options: RedisHealthOptions): HealthOptions {
  const { now, priors, halfLifeMs, halfLifeSamples, priorWeight, windowMs, windowSize } = options;
  return { now, priors, halfLifeMs, halfLifeSamples, priorWeight, windowMs, windowSize };
}
