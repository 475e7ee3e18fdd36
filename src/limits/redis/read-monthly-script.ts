/**
 * @module The read script: one counter as of the current month (zeros if untouched or of an earlier month).
 *
 * KEYS: 1 the counter. ARGV: 1 now ('' = Redis TIME).
 * Reply: { month, spent, reserved, tokens, reserved tokens }, the amounts as integer strings.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const READ_MONTHLY_LUA = `${LUA_PRELUDE}
local month = month_of(clock_ms(ARGV[1]))
local v = redis.call('HMGET', KEYS[1], 'month', 'spent', 'reserved', 'tokens', 'reserved_tokens')
if v[1] ~= month then return { month, '0', '0', '0', '0' } end
return { month, v[2] or '0', v[3] or '0', v[4] or '0', v[5] or '0' }
`;

/** The read script. */
export const READ_MONTHLY_SCRIPT = new LuaScript(READ_MONTHLY_LUA);
