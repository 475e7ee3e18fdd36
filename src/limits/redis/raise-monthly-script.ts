/**
 * @module The raise script: lifts this month's spent cost and used tokens of one counter to at least the given
 * values (the ledger's totals, read by an instance on its first use of the scope), never lowering them and keeping
 * reservations. Idempotent, so every instance can raise the same scope without coordinating.
 *
 * KEYS: 1 the counter. ARGV: 1 now ('' = Redis TIME), 2 spent nano-USD, 3 tokens, 4 the counter's period ('' or
 * 'monthly', 'weekly', 'daily': a key budget's). Reply: the label of the period raised.
 * The new values are written as the argument strings (see the prelude on numbers); Lua only compares them.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const RAISE_MONTHLY_LUA = `${LUA_PRELUDE}
local month = period_label(clock_ms(ARGV[1]), ARGV[4])
restart_if_stale(KEYS[1], month)
local v = redis.call('HMGET', KEYS[1], 'spent', 'tokens')
if tonumber(ARGV[2]) > (tonumber(v[1]) or 0) then redis.call('HSET', KEYS[1], 'spent', ARGV[2]) end
if tonumber(ARGV[3]) > (tonumber(v[2]) or 0) then redis.call('HSET', KEYS[1], 'tokens', ARGV[3]) end
redis.call('PEXPIRE', KEYS[1], counter_ttl(ARGV[4]))
return month
`;

/** The raise script. */
export const RAISE_MONTHLY_SCRIPT = new LuaScript(RAISE_MONTHLY_LUA);
