/** @module Reading SQLite's `key_changes` log (migration 0010), which its triggers fill; nothing else writes it. */
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/** One logged change: a key's hash or an account's id. */
export interface KeyChangeRow {
  seq: number;
  keyHash: string | null;
  accountId: string | null;
}

/** The last sequence number logged, 0 for none. */
export async function latestKeyChangeSeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('keyChanges')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return row?.seq ?? 0;
}

/** Up to `limit` changes logged after `afterSeq`, oldest first. */
export async function readKeyChanges(db: Kysely<Database>, afterSeq: number, limit: number): Promise<KeyChangeRow[]> {
  return db.selectFrom('keyChanges').select(['seq', 'keyHash', 'accountId']).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}
