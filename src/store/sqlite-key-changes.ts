/**
 * @module The {@link KeyChangeFeed} of a SQLite store: migration 0010's triggers log every write to `api_keys` and
 * `accounts` in `key_changes`, and this feed reads the log from its last sequence number. Reading is cheap (an
 * indexed range of a few rows) and happens only when asked: on `catchUp()`, which the key cache calls after this
 * process's own writes and whenever `mayBeBehind()` says another connection has committed (`PRAGMA data_version`
 * moved; it does not move for this connection's own commits, hence the explicit catch-up after them).
 *
 * SQLite has one writer at a time and AUTOINCREMENT never reuses a number, so sequence order is commit order and
 * reading "after the last one seen" misses nothing, except rows the log trimmed away before they were read: a gap
 * after the last one seen is reported as `all`.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { KeyChange, KeyChangeFeed, KeyChangeListener } from './key-change-feed.js';
import { latestKeyChangeSeq, readKeyChanges, type KeyChangeRow } from './repositories/key-changes.js';

/** Rows read per query while catching up. */
const PAGE = 1000;

/** Reads `key_changes` on demand; see the module comment. */
export class SqliteKeyChanges implements KeyChangeFeed {
  readonly #db: Kysely<Database>;
  readonly #dataVersion: () => number;
  readonly #listeners = new Set<KeyChangeListener>();
  /** Resolves once the starting point is known; set by the first `listen`. */
  #started: Promise<void> | undefined;
  #lastSeq = 0;
  #seenVersion: number | undefined;
  /** Catch-ups asked for, and the latest one a finished read is known to cover. */
  #requested = 0;
  #covered = 0;
  #reading: Promise<void> | undefined;

  constructor(db: Kysely<Database>, dataVersion: () => number) {
    this.#db = db;
    this.#dataVersion = dataVersion;
  }

  async listen(listener: KeyChangeListener): Promise<() => void> {
    this.#listeners.add(listener);
    this.#started ??= this.#start();
    await this.#started;
    return () => {
      this.#listeners.delete(listener);
    };
  }

  readonly polled = true;

  mayBeBehind(): boolean {
    return this.#seenVersion !== undefined && this.#dataVersion() !== this.#seenVersion;
  }

  /** Concurrent calls share reads; each resolves once a read that started after it has finished. */
  async catchUp(): Promise<void> {
    if (this.#started === undefined) return;
    await this.#started;
    const ticket = ++this.#requested;
    while (this.#covered < ticket) {
      this.#reading ??= this.#read().finally(() => {
        this.#reading = undefined;
      });
      await this.#reading;
    }
  }

  async #start(): Promise<void> {
    this.#seenVersion = this.#dataVersion();
    this.#lastSeq = await latestKeyChangeSeq(this.#db);
  }

  async #read(): Promise<void> {
    const ticket = this.#requested;
    // Read the version first: a commit landing during the read moves it again, so the next check reads again.
    const version = this.#dataVersion();
    let gap = false;
    for (;;) {
      const rows = await readKeyChanges(this.#db, this.#lastSeq, PAGE);
      const first = rows[0];
      if (first === undefined) break;
      // Rows trimmed before they were read: say `all` once, and skip the rest of this read (`all` covers it).
      if (!gap && first.seq !== this.#lastSeq + 1) {
        gap = true;
        this.#deliver({ kind: 'all' });
      }
      if (!gap) this.#deliverRows(rows);
      this.#lastSeq = rows[rows.length - 1]?.seq ?? this.#lastSeq;
      if (rows.length < PAGE) break;
    }
    this.#seenVersion = version;
    this.#covered = Math.max(this.#covered, ticket);
  }

  #deliverRows(rows: readonly KeyChangeRow[]): void {
    const keyHashes = [...new Set(rows.flatMap((row) => (row.keyHash === null ? [] : [row.keyHash])))];
    const accountIds = [...new Set(rows.flatMap((row) => (row.accountId === null ? [] : [row.accountId])))];
    if (keyHashes.length > 0) this.#deliver({ kind: 'keys', keyHashes });
    if (accountIds.length > 0) this.#deliver({ kind: 'accounts', accountIds });
  }

  #deliver(change: KeyChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
