/**
 * @module The peek script: an account's window as of now (pruned, otherwise unchanged), and a key's own.
 *
 * KEYS: 1 window log, 2 window amounts, 3 window token total, 4–6 the same of the key's own window (read when
 * ARGV 2 is '1'). ARGV: 1 now ('' = Redis TIME), 2 '1' to read the key's window.
 * Reply: { requests counted, reset ms, tokens counted, and the same of the key's window (zeros when not read) }.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const PEEK_LUA = `${LUA_PRELUDE}
local now = clock_ms(ARGV[1])
local count = prune_window(KEYS[1], KEYS[2], KEYS[3], now - WINDOW_MS)
local key_count, key_reset, key_total = 0, 0, 0
if ARGV[2] == '1' then
  key_count = prune_window(KEYS[4], KEYS[5], KEYS[6], now - WINDOW_MS)
  key_reset = reset_ms(KEYS[4], now)
  key_total = window_tokens(KEYS[6], key_count)
end
return { count, reset_ms(KEYS[1], now), window_tokens(KEYS[3], count), key_count, key_reset, key_total }
`;

/** The peek script. */
export const PEEK_SCRIPT = new LuaScript(PEEK_LUA);
