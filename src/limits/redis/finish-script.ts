/**
 * @module The finish script: releases a live lease exactly once and settles its reservations to actual usage (or
 * refunds them). A lease already released or expired changes nothing: its reservations stay at their worst case.
 *
 * KEYS: 1 leases, 2 window amounts, 3 window token total, 4 account's monthly counter, 5 key's monthly counter,
 * 6 key's own window amounts, 7 key's own window token total, 8 key's daily or weekly budget counter.
 *
 * ARGV: 1 now ('' = Redis TIME), 2 id, 3 month reserved in, 4 '1' when there is a spend part, 5 minus the reserved
 * cost, 6 minus the reserved tokens, 7 actual cost, 8 actual tokens (all integers; 0 for a refund), 9 the lease's
 * slots (its members are id, id#2 … id#slots; see the admit script), 10 the budget period's label reserved in
 * ('' = none).
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
local function adjust(amounts, sum_key)
  local reserved = redis.call('HGET', amounts, id)
  if reserved and redis.call('EXISTS', sum_key) == 1 then
    redis.call('HSET', amounts, id, ARGV[8])
    redis.call('INCRBY', sum_key, tonumber(ARGV[8]) - tonumber(reserved))
  end
end
adjust(KEYS[2], KEYS[3])
adjust(KEYS[6], KEYS[7])

-- A reservation settles into the period it was made in; once that period has passed, its counter has moved on.
local function settle(counter, label)
  if redis.call('HGET', counter, 'month') ~= label then return end
  redis.call('HINCRBY', counter, 'reserved', ARGV[5])
  redis.call('HINCRBY', counter, 'reserved_tokens', ARGV[6])
  redis.call('HINCRBY', counter, 'spent', ARGV[7])
  redis.call('HINCRBY', counter, 'tokens', ARGV[8])
end

if ARGV[4] == '1' then
  settle(KEYS[4], ARGV[3])
  settle(KEYS[5], ARGV[3])
  if ARGV[10] ~= '' then settle(KEYS[8], ARGV[10]) end
end
return 1
`;

/** The finish script. */
export const FINISH_SCRIPT = new LuaScript(FINISH_LUA);
