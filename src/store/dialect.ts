/** @module Telling which SQL dialect a Kysely instance speaks, for the few statements that differ. */
import { PostgresIntrospector, type DatabaseIntrospector } from 'kysely';
import type { StoreDialect } from './store.js';

/**
 * The dialect behind a Kysely instance (any table types), read from the introspector its dialect creates: public
 * API, no query. Used where only a Kysely instance is at hand, such as inside a migration.
 */
export function dialectOf(db: { readonly introspection: DatabaseIntrospector }): StoreDialect {
  return db.introspection instanceof PostgresIntrospector ? 'postgres' : 'sqlite';
}
