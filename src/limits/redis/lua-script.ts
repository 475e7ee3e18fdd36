/**
 * @module One Lua script run with EVALSHA. The SHA-1 is computed here, so the first call needs no round trip to load
 * the script; a server that does not hold it yet (first use, restart, `SCRIPT FLUSH`) answers NOSCRIPT, and the call
 * is repeated once with EVAL, which also caches the script on the server for the following EVALSHAs.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A script argument: Redis receives every one as a string. */
export type ScriptArg = string | number;

/** A Lua script with its SHA-1. */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  constructor(source: string) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script on `keys` and `args` and returns Redis's reply, not yet narrowed. */
  async run(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
