/**
 * @module The renew script: moves a live lease's expiry to TTL from now.
 *
 * KEYS: 1 leases. ARGV: 1 now ('' = Redis TIME), 2 id, 3 TTL ms, 4 the lease's slots (members id, id#2 … id#slots).
 * Reply: 1 when renewed, 0 when finished or expired.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const RENEW_LUA = `${LUA_PRELUDE}
local now = clock_ms(ARGV[1])
local expires = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not expires or tonumber(expires) <= now then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[2])
for i = 2, tonumber(ARGV[4]) do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[2] .. '#' .. i) end
extend_ttl(KEYS[1], ttl)
return 1
`;

/** The renew script. */
export const RENEW_SCRIPT = new LuaScript(RENEW_LUA);
