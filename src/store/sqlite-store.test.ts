import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createAccount } from './repositories/accounts.js';
import { createStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import { openTempStore, type TempStore } from './testing.js';

describe('createStore (SQLite)', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('creates the data directory and the database file', async () => {
    const nested = path.join(temp.dataDir, 'a', 'b');
    const store = createStore({ dataDir: nested });
    try {
      assert.ok(fs.existsSync(path.join(nested, SQLITE_FILE_NAME)));
      assert.equal(store.dialect, 'sqlite');
    } finally {
      await store.close();
    }
  });

  it('keeps the data directory (0700) and the database, WAL and shared-memory files (0600) to their owner', async () => {
    const dir = path.join(temp.dataDir, 'private');
    const previous = process.umask(0o022);
    try {
      const store = createStore({ dataDir: dir });
      try {
        await sql`create table t (x integer)`.execute(store.db);
        await sql`insert into t values (1)`.execute(store.db);
        assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
        for (const name of [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`, `${SQLITE_FILE_NAME}-shm`]) {
          assert.equal(fs.statSync(path.join(dir, name)).mode & 0o777, 0o600, name);
        }
      } finally {
        await store.close();
      }
      // A database file left world-readable by an older version is made owner-only when opened.
      fs.chmodSync(path.join(dir, SQLITE_FILE_NAME), 0o644);
      await createStore({ dataDir: dir }).close();
      assert.equal(fs.statSync(path.join(dir, SQLITE_FILE_NAME)).mode & 0o777, 0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('runs in WAL mode with foreign keys on', async () => {
    // Result rows go through the naming plugin: `journal_mode` comes back as `journalMode`.
    const journal = await sql<{ journalMode: string }>`PRAGMA journal_mode`.execute(temp.store.db);
    assert.equal(journal.rows[0]?.journalMode, 'wal');
    const foreignKeys = await sql<{ foreignKeys: number }>`PRAGMA foreign_keys`.execute(temp.store.db);
    assert.equal(foreignKeys.rows[0]?.foreignKeys, 1);
  });

  it('changes dataVersion on commits from another connection only', async () => {
    const before = temp.store.dataVersion();
    await createAccount(temp.store.db, {
      id: 'acct_own',
      email: 'own@example.com',
      passwordHash: null,
      plan: 'free',
      createdAt: new Date(0).toISOString(),
    });
    assert.equal(temp.store.dataVersion(), before);

    const other = createStore({ dataDir: temp.dataDir });
    try {
      await createAccount(other.db, {
        id: 'acct_other',
        email: 'other@example.com',
        passwordHash: null,
        plan: 'free',
        createdAt: new Date(0).toISOString(),
      });
    } finally {
      await other.close();
    }
    assert.notEqual(temp.store.dataVersion(), before);
  });

  it('can be closed twice', async () => {
    await temp.store.close();
    await temp.store.close();
  });
});
