/**
 * @module The routing events instances share: health outcomes and circuit-breaker transitions, each stamped with
 * the time (ms) it happened on the instance that saw it. Events read from Redis are validated before use; a
 * timing that JSON could not carry (NaN becomes null) comes back as NaN, which the health store ignores as before;
 * a success without `ttftMs` is a non-streamed call's, timed only as a whole.
 */
import { isRecord } from '../../core/guards.js';

/** A health outcome: the arguments of `recordSuccess`/`recordFailure`. */
export type HealthEvent =
  | {
      readonly kind: 'success';
      readonly key: string;
      readonly t: number;
      /** Absent for a call timed only as a whole (JSON drops `undefined`). */
      readonly ttftMs: number | undefined;
      readonly totalMs: number;
      readonly outputTokens: number;
    }
  | { readonly kind: 'failure'; readonly key: string; readonly t: number; readonly retryable: boolean };

/** A breaker input: a success, a failure, or a half-open probe claimed (so other instances hold theirs back). */
export interface BreakerEvent {
  readonly kind: 'success' | 'failure' | 'probe';
  readonly key: string;
  readonly t: number;
}

/** A {@link HealthEvent}, or undefined if `value` is not one. */
export function parseHealthEvent(value: unknown): HealthEvent | undefined {
  if (!isRecord(value) || typeof value.key !== 'string' || typeof value.t !== 'number') return undefined;
  const { key, t } = value;
  if (value.kind === 'failure' && typeof value.retryable === 'boolean') {
    return { kind: 'failure', key, t, retryable: value.retryable };
  }
  if (value.kind !== 'success') return undefined;
  const ttftMs = value.ttftMs === undefined ? undefined : timing(value.ttftMs);
  return { kind: 'success', key, t, ttftMs, totalMs: timing(value.totalMs), outputTokens: timing(value.outputTokens) };
}

/** A {@link BreakerEvent}, or undefined if `value` is not one. */
export function parseBreakerEvent(value: unknown): BreakerEvent | undefined {
  if (!isRecord(value) || typeof value.key !== 'string' || typeof value.t !== 'number') return undefined;
  const { kind, key, t } = value;
  return kind === 'success' || kind === 'failure' || kind === 'probe' ? { kind, key, t } : undefined;
}

function timing(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}
