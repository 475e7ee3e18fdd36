/**
 * @module Circuit breakers per deployment (keyed by `deploymentKey`). Closed: calls flow and consecutive failures
 * are counted. Open: after `failureThreshold` consecutive failures no call is attempted for `cooldownMs`. Half-open:
 * after the cool-down exactly one probe may go; its success closes the circuit, its failure opens it again. A probe
 * that never reports (its request was never attempted, or its outcome was lost) frees the slot after another
 * cool-down. The clock is injected.
 */

/** The state of one deployment's circuit. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** Circuit breakers for all deployments. */
export interface CircuitBreakers {
  /** Whether a call may be attempted now. In half-open state this claims the single probe slot. */
  canAttempt(key: string): boolean;
  onSuccess(key: string): void;
  onFailure(key: string): void;
  /** The current state, without side effects. */
  state(key: string): CircuitState;
  /** When {@link canAttempt} can next return true, if not now (for `Retry-After`). */
  retryAt(key: string): number | undefined;
}

/** The defaults of {@link InMemoryCircuitBreakers}: 5 consecutive failures open a circuit for 30 s. */
export const BREAKER_DEFAULTS = Object.freeze({ failureThreshold: 5, cooldownMs: 30_000 });

export interface CircuitBreakerOptions {
  /** Milliseconds since the epoch. */
  now: () => number;
  failureThreshold?: number;
  cooldownMs?: number;
}

interface Circuit {
  /** Consecutive failures while closed. */
  failures: number;
  /** When the circuit opened; undefined while closed. */
  openedAt: number | undefined;
  /** When the half-open probe was handed out; undefined when none is in flight. */
  probeAt: number | undefined;
}

/** The in-process {@link CircuitBreakers}. */
export class InMemoryCircuitBreakers implements CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  private readonly now: () => number;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;

  constructor(options: CircuitBreakerOptions) {
    this.now = options.now;
    this.failureThreshold = options.failureThreshold ?? BREAKER_DEFAULTS.failureThreshold;
    this.cooldownMs = options.cooldownMs ?? BREAKER_DEFAULTS.cooldownMs;
  }

  state(key: string): CircuitState {
    const circuit = this.circuits.get(key);
    if (circuit?.openedAt === undefined) return 'closed';
    return this.now() < circuit.openedAt + this.cooldownMs ? 'open' : 'half_open';
  }

  canAttempt(key: string): boolean {
    const circuit = this.circuits.get(key);
    const state = this.state(key);
    if (circuit === undefined || state === 'closed') return true;
    if (state === 'open') return false;
    const t = this.now();
    if (circuit.probeAt !== undefined && t < circuit.probeAt + this.cooldownMs) return false;
    circuit.probeAt = t;
    return true;
  }

  retryAt(key: string): number | undefined {
    const circuit = this.circuits.get(key);
    if (circuit?.openedAt === undefined) return undefined;
    const t = this.now();
    const reopen = circuit.openedAt + this.cooldownMs;
    if (t < reopen) return reopen;
    const probeFree = circuit.probeAt === undefined ? t : circuit.probeAt + this.cooldownMs;
    return probeFree > t ? probeFree : undefined;
  }

  /** Any success closes the circuit, including one from a call routed before it opened. */
  onSuccess(key: string): void {
    this.circuits.delete(key);
  }

  onFailure(key: string): void {
    const circuit = this.circuits.get(key) ?? { failures: 0, openedAt: undefined, probeAt: undefined };
    this.circuits.set(key, circuit);
    const t = this.now();
    if (circuit.openedAt !== undefined) {
      // A failed half-open probe reopens for a full cool-down; a late failure while open changes nothing.
      if (this.state(key) === 'half_open') this.open(circuit, t);
      return;
    }
    circuit.failures += 1;
    if (circuit.failures >= this.failureThreshold) this.open(circuit, t);
  }

  private open(circuit: Circuit, t: number): void {
    circuit.openedAt = t;
    circuit.probeAt = undefined;
  }
}
