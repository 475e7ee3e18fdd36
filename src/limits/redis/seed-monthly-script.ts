/**
 * @module The seed script: sets this month's spent cost and used tokens of one counter (from the ledger at start),
 * keeping its reservations.
 *
 * KEYS: 1 the counter. ARGV: 1 now ('' = Redis TIME), 2 spent nano-USD, 3 tokens, 4 the counter's period ('' or
 * 'monthly', 'weekly', 'daily'). Reply: the label of the period seeded.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const SEED_MONTHLY_LUA = `${LUA_PRELUDE}
local month = period_label(clock_ms(ARGV[1]), ARGV[4])
restart_if_stale(KEYS[1], month)
redis.call('HSET', KEYS[1], 'spent', ARGV[2], 'tokens', ARGV[3])
redis.call('PEXPIRE', KEYS[1], counter_ttl(ARGV[4]))
return month
`;

/** The seed script. */
export const SEED_MONTHLY_SCRIPT = new LuaScript(SEED_MONTHLY_LUA);
