/**
 * @module The {@link AttemptLog} every gateway instance shares: each key is a sorted set in Redis (member: the
 * attempt's id, score: its time in ms) under `<prefix>:throttle:`, and `take` is one Lua script, so the check and
 * the record are atomic across instances. Every key written expires one window after its last attempt.
 *
 * Clock: by default the script reads Redis `TIME`, so instances with skewed clocks still share one window; tests
 * inject `now`. All keys of one `take` are touched by one script, so this needs a single Redis (with replicas or
 * Sentinel), not a cluster, like the limiter.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from '../../limits/redis/lua-script.js';
import type { AttemptLog, AttemptRule, TakeResult } from './attempt-log.js';

/**
 * KEYS: one sorted set per rule. ARGV: 1 now ('' = Redis TIME), 2 the attempt's id, then limit and window ms per
 * rule. Reply: {1, 0} when recorded, {0, ms to wait} when refused.
 */
const TAKE_SCRIPT = new LuaScript(`
local now
if ARGV[1] ~= '' then now = tonumber(ARGV[1]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return {0, wait} end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + 2 * i]))
end
return {1, 0}
`);

/** What a {@link RedisAttemptLog} needs. */
export interface RedisAttemptLogOptions {
  /** A connected ioredis client (it may be shared). */
  readonly redis: Redis;
  /** The deployment's key prefix (`OP_REDIS_PREFIX`). */
  readonly prefix: string;
  /** Tests only: the clock in ms. Omitted, the script uses Redis `TIME`. */
  readonly now?: () => number;
}

/** Attempt windows in Redis, shared by every instance on the same Redis and prefix. */
export class RedisAttemptLog implements AttemptLog {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #now: (() => number) | undefined;

  constructor(options: RedisAttemptLogOptions) {
    this.#redis = options.redis;
    this.#prefix = `${options.prefix}:throttle:`;
    this.#now = options.now;
  }

  async take(rules: readonly AttemptRule[]): Promise<TakeResult> {
    const id = randomUUID();
    const keys = rules.map((rule) => this.#prefix + rule.key);
    const args = [this.#now === undefined ? '' : String(this.#now()), id, ...rules.flatMap((rule) => [rule.limit, rule.windowMs])];
    const reply = await TAKE_SCRIPT.run(this.#redis, keys, args);
    if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[1] !== 'number') {
      throw new Error(`Unexpected reply from the throttle script: ${JSON.stringify(reply)}`);
    }
    return reply[0] === 1 ? { allowed: true, id } : { allowed: false, retryAfterMs: reply[1] };
  }

  async giveBack(key: string, id: string): Promise<void> {
    await this.#redis.zrem(this.#prefix + key, id);
  }

  async clear(key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key);
  }
}
