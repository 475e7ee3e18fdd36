/**
 * @module Parsers for numeric command-line options, and reading their values back without `any`. A parser's
 * error becomes commander's `error: option '--x <n>' argument 'y' is invalid. <reason>` with exit code 1.
 */
import { InvalidArgumentError } from 'commander';

/**
 * The word that clears a limit override or a cap. Parsers return it as is, not null: commander replaces a null
 * parse result with `''`.
 */
export const NONE = 'none';

/** A non-negative amount of USD. */
export function parseUsd(value: string): number {
  const usd = Number(value);
  if (value.trim() === '' || !Number.isFinite(usd) || usd < 0) {
    throw new InvalidArgumentError('expected a non-negative amount in USD.');
  }
  return usd;
}

/** A non-negative amount of USD, or `none` (no cap). */
export function parseUsdOrNone(value: string): number | typeof NONE {
  return value === NONE ? NONE : parseUsd(value);
}

/** A parser of whole numbers of at least `min`, or `none` (no override: the plan's limit applies). */
export function countOrNone(min: number): (value: string) => number | typeof NONE {
  return (value: string): number | typeof NONE => {
    if (value === NONE) return NONE;
    const count = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count) || count < min) {
      throw new InvalidArgumentError(`expected a whole number of at least ${min}, or "${NONE}".`);
    }
    return count;
  };
}

/** The value of an option parsed by the `…OrNone` parsers: null for `none`, undefined when not given. */
export function nullableNumberOption(options: Readonly<Record<string, unknown>>, name: string): number | null | undefined {
  const value = options[name];
  if (value === NONE) return null;
  return typeof value === 'number' ? value : undefined;
}
