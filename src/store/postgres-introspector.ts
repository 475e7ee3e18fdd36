/**
 * @module Kysely's PostgreSQL dialect with introspection confined to the store's own schema (`current_schema()`).
 *
 * Why: Kysely's `PostgresIntrospector.getTables()` lists the tables of every schema in the database, and its
 * `Migrator` calls it on every run to look for its bookkeeping tables. That query reads `pg_namespace` from its
 * snapshot and then looks each schema up again by name (`has_schema_privilege`, `pg_get_serial_sequence`), so a
 * schema another session drops in between fails the whole query with `schema "…" does not exist`. Parallel test
 * files (each in a schema of its own, dropped when done) and deployments torn down next to a running one do exactly
 * that. Looking only at our own schema, filtered by oid before any lookup by name, removes the race and the wasted
 * scan of everyone else's tables.
 */
import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE, PostgresDialect, PostgresIntrospector, sql } from 'kysely';
import type { DatabaseMetadataOptions, Kysely, TableMetadata } from 'kysely';

/** One column as the catalog query returns it. */
interface ColumnRow {
  column: string;
  not_null: boolean;
  has_default: boolean;
  table: string;
  table_type: string;
  schema: string;
  type: string;
  type_schema: string;
  column_description: string | null;
  auto_incrementing: string | null;
}

/**
 * An introspector that sees only the tables of `current_schema()`. It stays a `PostgresIntrospector` (inheriting
 * `getSchemas()`), so `dialectOf` still recognises PostgreSQL.
 */
export class OwnSchemaIntrospector extends PostgresIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    super(db);
    this.#db = db;
  }

  /** The tables and views of the current schema with their columns; Kysely's own tables only when asked for. */
  override async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const internal = options.withInternalKyselyTables
      ? sql``
      : sql`and c.relname not in (${DEFAULT_MIGRATION_TABLE}, ${DEFAULT_MIGRATION_LOCK_TABLE})`;
    // Same columns as Kysely's query; the oid comparison keeps every by-name lookup to rows of our own schema.
    const { rows } = await sql<ColumnRow>`
      select a.attname as column, a.attnotnull as not_null, a.atthasdef as has_default, c.relname as table,
        c.relkind as table_type, ns.nspname as schema, typ.typname as type, dtns.nspname as type_schema,
        col_description(a.attrelid, a.attnum) as column_description,
        pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) as auto_incrementing
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_class c on a.attrelid = c.oid
      join pg_catalog.pg_namespace ns on c.relnamespace = ns.oid
      join pg_catalog.pg_type typ on a.atttypid = typ.oid
      join pg_catalog.pg_namespace dtns on typ.typnamespace = dtns.oid
      where ns.oid = to_regnamespace(current_schema())
        and c.relkind in ('r', 'v', 'p') and a.attnum >= 0 and not a.attisdropped ${internal}
      order by c.relname, a.attnum`.execute(this.#db);
    return groupColumns(rows);
  }
}

/** Kysely's `PostgresDialect`, handing out an {@link OwnSchemaIntrospector}. */
export class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): OwnSchemaIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

/** Folds column rows (ordered by table) into one metadata entry per table, as Kysely's introspector does. */
function groupColumns(rows: readonly ColumnRow[]): TableMetadata[] {
  const tables = new Map<string, TableMetadata>();
  for (const row of rows) {
    let table = tables.get(row.table);
    if (table === undefined) {
      table = { name: row.table, schema: row.schema, isView: row.table_type === 'v', columns: [] };
      tables.set(row.table, table);
    }
    table.columns.push({
      name: row.column,
      dataType: row.type,
      dataTypeSchema: row.type_schema,
      isNullable: !row.not_null,
      isAutoIncrementing: row.auto_incrementing !== null,
      hasDefaultValue: row.has_default,
      ...(row.column_description === null ? {} : { comment: row.column_description }),
    });
  }
  return [...tables.values()];
}
