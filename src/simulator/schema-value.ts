/**
 * @module Deterministic values that satisfy a JSON schema, for simulated tool-call arguments and structured output.
 * Understands JSON Schema (OpenAI `parameters`, Anthropic `input_schema`, Gemini `parametersJsonSchema` /
 * `responseJsonSchema`) and Gemini's OpenAPI subset (`"type": "STRING"`, `nullable`).
 *
 * Rules: `const` and the first `enum` value win; strings take the next word of the prompt (or a fixed sample for
 * `format`s such as `date-time`); numbers are 1 (or their `minimum`); booleans true; arrays hold `minItems` items
 * (at least one); objects fill their `required` properties (every property when `required` is absent); `anyOf`,
 * `oneOf` and `allOf` take their first non-null branch; local `$ref`s (`#/$defs/…`) are followed.
 */

import { isIntegerAtLeast, isRecord } from '../core/guards.js';

/** Nesting beyond this depth (recursive `$ref`s, say) yields null instead of recursing further. */
const MAX_DEPTH = 8;
/** Arrays never get more items than this, whatever `minItems` asks. */
const MAX_ITEMS = 8;

const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  uri: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
};

interface BuildState {
  root: unknown;
  words: readonly string[];
  cursor: number;
}

/**
 * A value for `schema`, with string values taken from `words` in turn starting at word `start`.
 * @example valueFromSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, ['Paris'])
 * // → { city: 'Paris' }
 */
export function valueFromSchema(schema: unknown, words: readonly string[], start = 0): unknown {
  return build(schema, { root: schema, words, cursor: start }, 0);
}

/** Follows a local JSON pointer such as `#/$defs/Address`; anything else resolves to undefined. */
function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** The schema's type in lower case; a list of types yields its first non-null entry. */
function schemaType(schema: Record<string, unknown>): string | undefined {
  const { type } = schema;
  if (typeof type === 'string') return type.toLowerCase();
  if (Array.isArray(type)) {
    const first = type.find((entry) => typeof entry === 'string' && entry.toLowerCase() !== 'null');
    return typeof first === 'string' ? first.toLowerCase() : 'null';
  }
  if (isRecord(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function firstBranch(branches: unknown): unknown {
  if (!Array.isArray(branches)) return undefined;
  return branches.find((branch) => !isRecord(branch) || schemaType(branch) !== 'null') ?? branches[0];
}

function build(schema: unknown, state: BuildState, depth: number): unknown {
  if (!isRecord(schema) || depth > MAX_DEPTH) return depth > MAX_DEPTH ? null : nextWord(state);
  if (typeof schema.$ref === 'string') return build(resolveRef(schema.$ref, state.root), state, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const branch = firstBranch(schema.anyOf) ?? firstBranch(schema.oneOf) ?? firstBranch(schema.allOf);
  if (branch !== undefined) return build(branch, state, depth + 1);
  switch (schemaType(schema)) {
    case 'object':
      return buildObject(schema, state, depth);
    case 'array': {
      const count = isIntegerAtLeast(schema.minItems, 1) ? Math.min(schema.minItems, MAX_ITEMS) : 1;
      return Array.from({ length: count }, () => build(schema.items, state, depth + 1));
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' && schema.minimum > 1 ? Math.ceil(schema.minimum) : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return typeof schema.format === 'string' ? (FORMAT_SAMPLES[schema.format] ?? nextWord(state)) : nextWord(state);
  }
}

function buildObject(schema: Record<string, unknown>, state: BuildState, depth: number): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const keys = Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : Object.keys(properties);
  const value: Record<string, unknown> = {};
  for (const key of keys) {
    // defineProperty, so that a property named `__proto__` stays a plain property.
    const built = build(properties[key], state, depth + 1);
    Object.defineProperty(value, key, { value: built, enumerable: true, writable: true, configurable: true });
  }
  return value;
}

function nextWord(state: BuildState): string {
  const word = state.words.length === 0 ? 'value' : (state.words[state.cursor % state.words.length] ?? 'value');
  state.cursor++;
  return word;
}
