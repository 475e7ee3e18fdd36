/** @module USD amounts as integer nano-dollars for exact counters, and as text for messages. */

const NANOS_PER_USD = 1e9;

/** USD → integer nano-USD, rounded to the nearest (the same precision as `metering/pricing.ts`). */
export function usdToNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}

/** Integer nano-USD → USD. */
export function nanosToUsd(nanos: number): number {
  return nanos / NANOS_PER_USD;
}

/** `$5.00`, `$0.0025`: two decimals, more only when the amount needs them (up to six). */
export function formatUsd(usd: number): string {
  const six = usd.toFixed(6).replace(/0+$/, '');
  const decimals = Math.max(2, six.length - six.indexOf('.') - 1);
  return `$${usd.toFixed(decimals)}`;
}
