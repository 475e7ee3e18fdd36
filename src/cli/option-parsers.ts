/**
 * @module Parsers for numeric command-line options, and reading their values back without `any`. A parser's
 * error becomes commander's `error: option '--x <n>' argument 'y' is invalid. <reason>` with exit code 1.
 */
import { Value } from '@sinclair/typebox/value';
import { InvalidArgumentError } from 'commander';
import { ProviderPreferencesSchema, type ProviderPreferences } from '../core/chat-request.js';

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

/**
 * A key's default `provider` preferences as OpenRouter's JSON object (e.g. `{"order":["groq"],"sort":"price"}`), or
 * `none` (no defaults). Only the shape is checked here; provider ids and prices are checked against the catalog by
 * the command.
 */
export function parseProviderJsonOrNone(value: string): ProviderPreferences | typeof NONE {
  if (value === NONE) return NONE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`expected a JSON object such as '{"order":["groq"],"sort":"price"}', or "${NONE}".`);
  }
  if (Value.Check(ProviderPreferencesSchema, parsed)) return parsed;
  const issue = Value.Errors(ProviderPreferencesSchema, parsed).First();
  const where = issue === undefined || issue.path === '' ? 'the object' : issue.path.slice(1).replace(/\//g, '.');
  throw new InvalidArgumentError(`${where}: ${issue?.message ?? 'not a provider preferences object'}.`);
}

/** The value of an option parsed by {@link parseProviderJsonOrNone}: null for `none`, undefined when not given. */
export function providerOption(options: Readonly<Record<string, unknown>>, name: string): ProviderPreferences | null | undefined {
  const value = options[name];
  if (value === NONE) return null;
  return typeof value === 'object' && value !== null && Value.Check(ProviderPreferencesSchema, value) ? value : undefined;
}

/** A comma-separated list of catalog ids and glob patterns (`gpt-4o-mini,claude-*`), or `none` (every model). */
export function parseModelListOrNone(value: string): string[] | typeof NONE {
  if (value === NONE) return NONE;
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) {
    throw new InvalidArgumentError(`expected catalog model ids or patterns separated by commas, such as "gpt-4o-mini,claude-*", or "${NONE}".`);
  }
  return entries;
}

/** The value of an option parsed by {@link parseModelListOrNone}: null for `none`, undefined when not given. */
export function listOption(options: Readonly<Record<string, unknown>>, name: string): string[] | null | undefined {
  const value = options[name];
  if (value === NONE) return null;
  return Array.isArray(value) && value.every((entry): entry is string => typeof entry === 'string') ? value : undefined;
}

/** A string option where `none` clears the setting: null for `none`, undefined when not given. */
export function nullableStringOption(options: Readonly<Record<string, unknown>>, name: string): string | null | undefined {
  const value = options[name];
  if (value === NONE) return null;
  return typeof value === 'string' ? value : undefined;
}
