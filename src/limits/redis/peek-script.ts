/**
 * @module The peek script: an account's window as of now (pruned, otherwise unchanged).
 *
 * KEYS: 1 window log, 2 window amounts, 3 window token total. ARGV: 1 now ('' = Redis TIME).
 * Reply: { requests counted, reset ms, tokens counted }.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const PEEK_LUA = `${LUA_PRELUDE}
local now = clock_ms(ARGV[1])
local count = prune_window(KEYS[1], KEYS[2], KEYS[3], now - WINDOW_MS)
return { count, reset_ms(KEYS[1], now), window_tokens(KEYS[3], count) }
`;

/** The peek script. */
export const PEEK_SCRIPT = new LuaScript(PEEK_LUA);
