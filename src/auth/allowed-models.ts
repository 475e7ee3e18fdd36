/**
 * @module An API key's model allow-list as the store keeps it: a JSON array of catalog ids and glob patterns in
 * `api_keys.allowed_models`, checked against the catalog before it is saved (dashboard API and CLI, with
 * `routing/model-allow-list.ts`). Reading fails closed: text that is not an array of well-formed entries allows no
 * model, rather than every one.
 */
import { modelPatternProblem, ModelPatterns } from '../core/model-patterns.js';

/** The stored text → the entries; null for none (every model allowed), an empty list for unreadable text. */
export function readAllowedModels(json: string | null | undefined): string[] | null {
  if (json === null || json === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const entries = parsed.filter((entry): entry is string => typeof entry === 'string' && modelPatternProblem(entry) === undefined);
  return entries.length === parsed.length ? entries : [];
}

/** The stored text → the compiled allow-list; null for none. */
export function compileAllowedModels(json: string | null | undefined): ModelPatterns | null {
  const entries = readAllowedModels(json);
  return entries === null ? null : new ModelPatterns(entries);
}

/** The entries → the text to store; null stores none. */
export function writeAllowedModels(entries: readonly string[] | null): string | null {
  return entries === null ? null : JSON.stringify(entries);
}
