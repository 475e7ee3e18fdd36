/**
 * @module An API key's default `provider` routing preferences as the store keeps them: JSON text in
 * `api_keys.default_provider`. They are checked against the catalog before they are saved (by the dashboard API and
 * the CLI, with `routing/provider-preferences.ts`), so reading only re-checks the shape: a value that no longer fits
 * it reads as no defaults rather than failing every request made with the key.
 */
import { Value } from '@sinclair/typebox/value';
import { ProviderPreferencesSchema, type ProviderPreferences } from '../core/chat-request.js';

/** The stored text → the preferences; null for none, or for text that is not a preferences object. */
export function readProviderDefaults(json: string | null): ProviderPreferences | null {
  if (json === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  return Value.Check(ProviderPreferencesSchema, parsed) ? parsed : null;
}

/** The preferences → the text to store; null (or an empty object) stores none. */
export function writeProviderDefaults(preferences: ProviderPreferences | null): string | null {
  return preferences === null || Object.keys(preferences).length === 0 ? null : JSON.stringify(preferences);
}
