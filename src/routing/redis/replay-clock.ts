/**
 * @module A clock that can be pinned to a past instant. The Redis-backed stores apply every event, local or
 * remote, to an unmodified in-memory store at the time the event happened, by pinning its clock for the call; so
 * each instance's mirror runs exactly the in-memory logic over the cluster's events.
 */

/** `now` reads the base clock, or the pinned instant inside {@link at}. */
export class ReplayClock {
  readonly #base: () => number;
  #pinned: number | undefined;

  constructor(base: () => number) {
    this.#base = base;
  }

  /** The clock to hand to an in-memory store. */
  readonly now = (): number => this.#pinned ?? this.#base();

  /** Runs `fn` with the clock pinned at `t`. */
  at<T>(t: number, fn: () => T): T {
    this.#pinned = t;
    try {
      return fn();
    } finally {
      this.#pinned = undefined;
    }
  }
}
