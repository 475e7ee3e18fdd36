/**
 * @module Small type guards for narrowing `unknown` values: parsed upstream bodies in the adapters, stored JSON read
 * back by the cache and routing events, request bodies in the simulator (which validates only what it needs to answer
 * like the real API would). One definition each, shared by every module; the core imports nothing, so the simulator
 * may use it too.
 */

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite integer ≥ `min`. */
export function isIntegerAtLeast(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** An array whose every element is a string. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** True when the value is absent (`undefined`) or JSON `null`. */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}
