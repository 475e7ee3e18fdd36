/**
 * @module The finish script: releases a live lease exactly once and settles its reservations to actual usage (or
 * refunds them). A lease already released or expired changes nothing: its reservations stay at their worst case.
 *
 * KEYS: 1 leases, 2 window amounts, 3 window token total, 4 account's monthly counter, 5 key's monthly counter.
 *
 * ARGV: 1 now ('' = Redis TIME), 2 id, 3 month reserved in, 4 '1' when there is a spend part, 5 minus the reserved
 * cost, 6 minus the reserved tokens, 7 actual cost, 8 actual tokens (all integers; 0 for a refund), 9 the lease's
 * slots (its members are id, id#2 … id#slots; see the admit script).
 *
 * The window is not pruned here: an entry that has left the window but not yet been pruned is adjusted, and the
 * next prune subtracts the adjusted amount, so later reads are the same either way.
 *
 * Reply: 1 when the lease was live and is now released, else 0.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const FINISH_LUA = `${LUA_PRELUDE}
local now = clock_ms(ARGV[1])
local id = ARGV[2]
local expires = redis.call('ZSCORE', KEYS[1], id)
if not expires then return 0 end
redis.call('ZREM', KEYS[1], id)
for i = 2, tonumber(ARGV[9]) do redis.call('ZREM', KEYS[1], id .. '#' .. i) end
if tonumber(expires) <= now then return 0 end

-- Only an entry whose window keys still exist is adjusted: a finish must never recreate a key without its TTL.
local reserved = redis.call('HGET', KEYS[2], id)
if reserved and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[2], id, ARGV[8])
  redis.call('INCRBY', KEYS[3], tonumber(ARGV[8]) - tonumber(reserved))
end

-- A reservation settles into the month it was made in; once that month has passed, its counter has moved on.
local function settle(counter)
  if redis.call('HGET', counter, 'month') ~= ARGV[3] then return end
  redis.call('HINCRBY', counter, 'reserved', ARGV[5])
  redis.call('HINCRBY', counter, 'reserved_tokens', ARGV[6])
  redis.call('HINCRBY', counter, 'spent', ARGV[7])
  redis.call('HINCRBY', counter, 'tokens', ARGV[8])
end

if ARGV[4] == '1' then
  settle(KEYS[4])
  settle(KEYS[5])
end
return 1
`;

/** The finish script. */
export const FINISH_SCRIPT = new LuaScript(FINISH_LUA);
