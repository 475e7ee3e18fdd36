/**
 * @module The read script: one counter as of its current period (zeros if untouched or of an earlier period).
 *
 * KEYS: 1 the counter. ARGV: 1 now ('' = Redis TIME), 2 the counter's period ('' or 'monthly', 'weekly', 'daily').
 * Reply: { period label, spent, reserved, tokens, reserved tokens }, the amounts as integer strings.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const READ_MONTHLY_LUA = `${LUA_PRELUDE}
local month = period_label(clock_ms(ARGV[1]), ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'month', 'spent', 'reserved', 'tokens', 'reserved_tokens')
if v[1] ~= month then return { month, '0', '0', '0', '0' } end
return { month, v[2] or '0', v[3] or '0', v[4] or '0', v[5] or '0' }
`;

/** The read script. */
export const READ_MONTHLY_SCRIPT = new LuaScript(READ_MONTHLY_LUA);
