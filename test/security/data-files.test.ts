/**
 * The data directory and the SQLite files are the owner's alone (issue 14, finding 6): a gateway started on a data
 * directory that does not exist yet creates it 0700, and the database with its WAL and shared-memory files 0600,
 * even under the usual 022 umask — they hold password hashes and sealed provider keys.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SQLITE_FILE_NAME } from '../../src/store/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { SHARED } from '../helpers/shared-backends.js';

describe('data files', { skip: SHARED ? 'the shared leg keeps its data in PostgreSQL' : false }, () => {
  let gw: TestGateway;
  let dataDir: string;
  let umask: number;
  before(async () => {
    umask = process.umask(0o022);
    gw = await startTestGateway((config) => {
      dataDir = join(config.dataDir, 'data');
      config.dataDir = dataDir;
    });
  });
  after(async () => {
    await gw?.close();
    process.umask(umask);
  });

  it('data directory 0700; database, WAL and shared-memory files 0600', async () => {
    await gw.addAccount({ email: 'files@example.com', password: 'a long enough password' });
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const name of [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`, `${SQLITE_FILE_NAME}-shm`, 'master.key']) {
      assert.equal(statSync(join(dataDir, name)).mode & 0o777, 0o600, name);
    }
  });
});
