/**
 * @module {@link CircuitBreakers} shared by every instance on a prefix, so an outage seen by one instance opens
 * the circuit on all. As with `RedisHealthStore`, each instance applies its own breaker inputs (success, failure,
 * half-open probe claimed) to a local in-memory mirror at once and everyone else's as they arrive through a Redis
 * stream; reads (`canAttempt`, `state`, `retryAt`) stay synchronous and local.
 *
 * Consecutive failures count across the cluster: five failures split over instances open every circuit, and a
 * success anywhere resets them. The half-open probe is claimed locally and announced: other instances hold theirs
 * back once the claim arrives, so two probes can go only if two instances claim within one propagation delay.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  BREAKER_DEFAULTS,
  InMemoryCircuitBreakers,
  type CircuitBreakerOptions,
  type CircuitBreakers,
  type CircuitState,
} from '../circuit-breaker.js';
import { RoutingEventStream } from './event-stream.js';
import { ReplayClock } from './replay-clock.js';
import { parseBreakerEvent, type BreakerEvent } from './routing-events.js';

/** The in-memory breakers' options, plus where to share. */
export interface RedisCircuitBreakerOptions extends CircuitBreakerOptions {
  readonly redis: Redis;
  /** Instances sharing breakers share the prefix; the stream is `<prefix>:routing:breakers`. */
  readonly prefix: string;
  /** Defaults to a random id. */
  readonly instanceId?: string;
  /** Told about failed writes/reads and unreadable events. */
  readonly onError?: (error: unknown) => void;
  /** Write batching delay, ms (default 20). */
  readonly flushMs?: number;
}

/** Breakers shared through Redis, read from a local mirror. Call {@link start} before serving, {@link close} after. */
export class RedisCircuitBreakers implements CircuitBreakers {
  readonly #clock: ReplayClock;
  readonly #mirror: InMemoryCircuitBreakers;
  readonly #stream: RoutingEventStream<BreakerEvent>;
  readonly #onError: (error: unknown) => void;

  constructor(options: RedisCircuitBreakerOptions) {
    this.#clock = new ReplayClock(options.now);
    const { failureThreshold, cooldownMs } = options;
    this.#mirror = new InMemoryCircuitBreakers({ failureThreshold, cooldownMs, now: this.#clock.now });
    this.#onError = options.onError ?? ((): void => undefined);
    this.#stream = new RoutingEventStream({
      redis: options.redis,
      key: `${options.prefix}:routing:breakers`,
      instanceId: options.instanceId ?? randomUUID(),
      // Enough history for a starting instance to see circuits opened within the last cool-down or two.
      replayMs: Math.max(60_000, 2 * (cooldownMs ?? BREAKER_DEFAULTS.cooldownMs)),
      flushMs: options.flushMs,
      onError: this.#onError,
      parse: parseBreakerEvent,
      kind: 'breaker',
    });
  }

  /** Replays the cluster's recent breaker inputs, then follows new ones in the background. */
  start(): Promise<void> {
    return this.#stream.start((event) => this.#apply(event));
  }

  /** Writes pending inputs and stops following. */
  close(): Promise<void> {
    return this.#stream.close();
  }

  canAttempt(key: string): boolean {
    const t = this.#clock.now();
    const { allowed, probed } = this.#clock.at(t, () => {
      const halfOpen = this.#mirror.state(key) === 'half_open';
      const canAttempt = this.#mirror.canAttempt(key);
      return { allowed: canAttempt, probed: halfOpen && canAttempt };
    });
    if (probed) this.#stream.append({ kind: 'probe', key, t } satisfies BreakerEvent);
    return allowed;
  }

  onSuccess(key: string): void {
    this.#record({ kind: 'success', key, t: this.#clock.now() });
  }

  onFailure(key: string): void {
    this.#record({ kind: 'failure', key, t: this.#clock.now() });
  }

  state(key: string): CircuitState {
    return this.#mirror.state(key);
  }

  retryAt(key: string): number | undefined {
    return this.#mirror.retryAt(key);
  }

  #record(event: BreakerEvent): void {
    this.#apply(event);
    this.#stream.append(event);
  }

  #apply(event: BreakerEvent): void {
    this.#clock.at(event.t, () => {
      switch (event.kind) {
        case 'success':
          this.#mirror.onSuccess(event.key);
          return;
        case 'failure':
          this.#mirror.onFailure(event.key);
          return;
        case 'probe':
          this.#mirror.canAttempt(event.key);
          return;
        default:
          return unknownEvent(event.kind);
      }
    });
  }
}

function unknownEvent(kind: never): never {
  throw new Error(`Unknown breaker event: ${String(kind)}`);
}
