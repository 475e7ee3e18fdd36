/** @module Reading and writing `sessions`. Rows are keyed by the hash of the cookie's token, never the token. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../database.js';

/** One dashboard session as stored: its `sessions` row (the columns are documented on {@link SessionsTable}). */
export type SessionRecord = Selectable<SessionsTable>;

/** Inserts a session. */
export async function insertSession(db: Kysely<Database>, session: SessionRecord): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

/** When a session counts as live: not expired at `nowIso`, and used after `idleCutoffIso`. */
export interface SessionLiveness {
  nowIso: string;
  idleCutoffIso: string;
}

/** The live session with this id, if any. */
export async function findLiveSession(db: Kysely<Database>, id: string, live: SessionLiveness): Promise<SessionRecord | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .where('expiresAt', '>', live.nowIso)
    .where('lastSeenAt', '>', live.idleCutoffIso)
    .executeTakeFirst();
}

/** Records activity on a session. */
export async function touchSession(db: Kysely<Database>, id: string, nowIso: string): Promise<void> {
  await db.updateTable('sessions').set({ lastSeenAt: nowIso }).where('id', '=', id).execute();
}

/** Deletes a session; false when there was none with this id. */
export async function deleteSession(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Deletes every session that is no longer live (expired, or idle since the cutoff); returns how many went. */
export async function deleteExpiredSessions(db: Kysely<Database>, live: SessionLiveness): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expiresAt', '<=', live.nowIso), eb('lastSeenAt', '<=', live.idleCutoffIso)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every session of an account, but the one with id `exceptId` if given; returns how many went. */
export async function deleteAccountSessions(db: Kysely<Database>, accountId: string, exceptId?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('accountId', '=', accountId);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
