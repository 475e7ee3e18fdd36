/** @module A deadline on a backend call, so a hung Redis costs a request at most the deadline. */

/** The call did not answer within its deadline (it may still complete later). */
export class LimiterTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`limiter ${operation} did not answer within ${ms} ms`);
    this.name = 'LimiterTimeoutError';
  }
}

/**
 * `promise`, or a {@link LimiterTimeoutError} after `ms`. A late rejection of `promise` is absorbed, so it never
 * surfaces as an unhandled rejection.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LimiterTimeoutError(operation, ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
