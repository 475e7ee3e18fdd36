/**
 * @module The add script: adds used cost and tokens to one counter, for usage settled while this instance served
 * from local limits (see `FallbackLimiterBackend`). Usage of the current month is added (restarting a counter left
 * from an earlier month); usage of a month that has passed is dropped, since no cap reads it any more.
 *
 * KEYS: 1 the counter. ARGV: 1 now ('' = Redis TIME), 2 the usage's month (or budget period label), 3 nano-USD,
 * 4 tokens, 5 the counter's period ('' or 'monthly', 'weekly', 'daily'). Reply: 1 when added, else 0.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const ADD_MONTHLY_LUA = `${LUA_PRELUDE}
if ARGV[2] ~= period_label(clock_ms(ARGV[1]), ARGV[5]) then return 0 end
restart_if_stale(KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[1], 'spent', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'tokens', ARGV[4])
redis.call('PEXPIRE', KEYS[1], counter_ttl(ARGV[5]))
return 1
`;

/** The add script. */
export const ADD_MONTHLY_SCRIPT = new LuaScript(ADD_MONTHLY_LUA);
