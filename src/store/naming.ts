/**
 * @module Table and column names: camelCase in TypeScript (`database.ts`), snake_case in SQL. Every store's Kysely
 * instance carries a {@link NamingPlugin}, which renames identifiers in queries on the way out and the keys of result
 * rows on the way back, so repositories read and write rows under the names the rest of the gateway uses.
 *
 * What it does not rename: the text of raw `sql` fragments (columns keep their SQL names there), and so nothing in
 * the migrations, which speak SQL names and run without it (`migrate.ts`). Result rows are always renamed, so an alias
 * or a raw query's column named `cost_usd` comes back as `costUsd`: name aliases in camelCase.
 */
import { CamelCasePlugin } from 'kysely';

/**
 * Kysely's `CamelCasePlugin` with its default options, and its two mappings made public for the few statements built
 * outside Kysely (SQLite's prepared ledger insert). Not `underscoreBeforeDigits`: that would map `last4` to `last_4`.
 * Without it an underscore before a digit does not round-trip (`tokens_1h` reads as `tokens1h`, which maps back to
 * `tokens1h`), so a column is never named that way; `naming.test.ts` checks every column of the schema.
 */
export class NamingPlugin extends CamelCasePlugin {
  /** The SQL name of a TypeScript name: `keyHash` → `key_hash`. */
  sqlName(name: string): string {
    return this.snakeCase(name);
  }

  /** The TypeScript name of an SQL name: `key_hash` → `keyHash`. */
  tsName(name: string): string {
    return this.camelCase(name);
  }
}

/** The one instance every store installs (it keeps no per-query state, only a cache of names it has mapped). */
export const naming = new NamingPlugin();
