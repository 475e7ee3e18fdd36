/**
 * @module The models an API key may use, as its owner wrote them: catalog ids (`gpt-4o-mini`) or glob patterns in
 * which `*` stands for any run of characters (`claude-*`, `*-mini`, `gemini-2.5-*`). Matching is exact otherwise
 * (case included: catalog ids are lower-case). Pure: which catalog models a list names is `routing/model-allow-list.ts`'s
 * business; here only the patterns' own rules and the matching.
 */

/** Entries an allow-list may hold. */
export const MAX_MODEL_PATTERNS = 100;

/** Characters an entry may hold. */
export const MAX_MODEL_PATTERN_LENGTH = 200;

/** What a catalog id (or alias) is made of, plus `*`. */
const PATTERN_CHARACTERS = /^[A-Za-z0-9._:/@+*-]+$/;

/**
 * Why `pattern` cannot be an allow-list entry, or undefined when it can: not empty, at most
 * {@link MAX_MODEL_PATTERN_LENGTH} characters of those catalog ids use, and `*`.
 */
export function modelPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'is empty';
  if (pattern.length > MAX_MODEL_PATTERN_LENGTH) return `is longer than ${MAX_MODEL_PATTERN_LENGTH} characters`;
  if (!PATTERN_CHARACTERS.test(pattern)) return 'may hold only letters, digits, ".", "_", ":", "/", "@", "+", "-" and the wildcard "*"';
  return undefined;
}

/** A compiled allow-list: which model ids it matches. */
export class ModelPatterns {
  /** The entries, as written. */
  readonly patterns: readonly string[];
  readonly #exact: ReadonlySet<string>;
  readonly #globs: readonly RegExp[];

  /** Compiles entries already checked with {@link modelPatternProblem}. */
  constructor(patterns: readonly string[]) {
    this.patterns = Object.freeze([...patterns]);
    this.#exact = new Set(patterns.filter((p) => !p.includes('*')));
    this.#globs = patterns.filter((p) => p.includes('*')).map(globToRegExp);
  }

  /** Whether `id` is one of the entries or matches one of the patterns. */
  matches(id: string): boolean {
    return this.#exact.has(id) || this.#globs.some((glob) => glob.test(id));
  }
}

/** `claude-*` → /^claude-.*$/ with every other character literal. */
function globToRegExp(pattern: string): RegExp {
  const literal = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${literal}$`);
}
