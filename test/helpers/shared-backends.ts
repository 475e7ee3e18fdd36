/**
 * The PostgreSQL + Redis leg of the integration suite (`OP_TEST_SHARED=1`, run by `npm test` after the SQLite leg):
 * each test gateway gets its own PostgreSQL schema and Redis key prefix, dropped when it closes.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.OP_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.OP_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** Whether this run uses the shared backends. */
export const SHARED = process.env.OP_TEST_SHARED === '1';

export interface SharedBackends {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A fresh schema and Redis prefix, as the `OP_*` variables a gateway reads. */
export async function createSharedBackends(): Promise<SharedBackends> {
  const id = randomBytes(6).toString('hex');
  const schema = `op_it_${id}`;
  const prefix = `op-it-${id}`;
  await admin(`create schema ${schema}`);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { OP_DATABASE_URL: url.toString(), OP_REDIS_URL: TEST_REDIS_URL, OP_REDIS_PREFIX: prefix },
    async cleanup() {
      await admin(`drop schema if exists ${schema} cascade`);
      await deletePrefix(prefix);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
