/**
 * @module The admission script: checks rpm → concurrency → tpm → key cap → account cap → included tokens and either
 * reserves all of them or nothing, in one atomic step (the Redis form of `MemoryLimiterBackend.admit`).
 *
 * KEYS: 1 window log (zset id → time: one entry per admitted request, so it is both the rpm log and the index of
 * the tpm reservations), 2 window amounts (hash id → reserved tokens), 3 window token total, 4 leases (zset
 * member → expiry: a lease of k slots is the members id, id#2 … id#k, so ZCARD counts slots), 5 account's monthly counter, 6 key's monthly counter (hashes: month, spent, reserved, tokens,
 * reserved_tokens).
 *
 * ARGV: 1 now ('' = Redis TIME), 2 id, 3 rpm, 4 tpm, 5 concurrent, 6 tokens, 7 lease TTL ms, 8 '1' when there is
 * a spend part, 9 worst-case cost nano-USD, 10 key cap ('' = none), 11 account cap ('' = none), 12 included tokens,
 * 13 concurrency slots (0 = hold none).
 *
 * Reply: { 1, month, 0, requests remaining, reset ms, tokens remaining } when admitted;
 * { 0, stage, retry-after ms (-1 = never), requests remaining, reset ms, tokens remaining } when rejected.
 */
import { LUA_PRELUDE } from './lua-prelude.js';
import { LuaScript } from './lua-script.js';

const ADMIT_LUA = `${LUA_PRELUDE}
local now = clock_ms(ARGV[1])
local month = month_of(now)
local id = ARGV[2]
local rpm, tpm, concurrent = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tokens = tonumber(ARGV[6])
local slots = tonumber(ARGV[13])

local count = prune_window(KEYS[1], KEYS[2], KEYS[3], now - WINDOW_MS)
local total = window_tokens(KEYS[3], count)

local function reply(ok, what, wait)
  return { ok, what, wait, math.max(0, rpm - count), reset_ms(KEYS[1], now), math.max(0, tpm - total) }
end

-- Wait until one more request fits the rpm limit: until the log's (count - rpm)-th oldest entry leaves.
local function rpm_wait()
  if count + 1 <= rpm then return 0 end
  if rpm < 1 then return NEVER end
  local entry = redis.call('ZRANGE', KEYS[1], count - rpm, count - rpm, 'WITHSCORES')
  return tonumber(entry[2]) + WINDOW_MS - now
end

-- Wait until the request's tokens fit the tpm limit, walking the reservations oldest first.
local function tpm_wait()
  if total + tokens <= tpm then return 0 end
  if tokens > tpm then return NEVER end
  local remaining = total
  local start = 0
  while true do
    local entries = redis.call('ZRANGE', KEYS[1], start, start + BATCH - 1, 'WITHSCORES')
    if #entries == 0 then return NEVER end
    local ids = {}
    for i = 1, #entries, 2 do ids[#ids + 1] = entries[i] end
    local values = redis.call('HMGET', KEYS[2], unpack(ids))
    for i = 1, #ids do
      remaining = remaining - (tonumber(values[i]) or 0)
      if remaining + tokens <= tpm then return tonumber(entries[2 * i]) + WINDOW_MS - now end
    end
    start = start + BATCH
  end
end

-- A counter's fields, or false when it holds another month (which counts as zeros).
local function read_counter(counter)
  local v = redis.call('HMGET', counter, 'month', 'spent', 'reserved', 'tokens', 'reserved_tokens')
  return v[1] == month and v
end

local function sum(counter, a, b)
  if not counter then return 0 end
  return (tonumber(counter[a]) or 0) + (tonumber(counter[b]) or 0)
end

local function fits(used, amount, cap)
  return cap == '' or used + amount <= tonumber(cap)
end

local function reserve(counter, fields)
  if not fields then
    redis.call('HSET', counter, 'month', month, 'spent', 0, 'reserved', 0, 'tokens', 0, 'reserved_tokens', 0)
  end
  redis.call('HINCRBY', counter, 'reserved', ARGV[9])
  redis.call('HINCRBY', counter, 'reserved_tokens', ARGV[6])
  redis.call('PEXPIRE', counter, MONTH_KEY_TTL_MS)
end

local rw, tw = rpm_wait(), tpm_wait()
if rw ~= 0 then
  if rw == NEVER or tw == NEVER then return reply(0, 'rpm', NEVER) end
  return reply(0, 'rpm', math.max(rw, tw))
end
if redis.call('ZCARD', KEYS[4]) + slots > concurrent then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) + slots > concurrent then return reply(0, 'concurrency', NEVER) end
end
if tw ~= 0 then return reply(0, 'tpm', tw) end

local spend = ARGV[8] == '1'
local account, key
if spend then
  local cost = tonumber(ARGV[9])
  key = read_counter(KEYS[6])
  if not fits(sum(key, 2, 3), cost, ARGV[10]) then return reply(0, 'key_spend', NEVER) end
  account = read_counter(KEYS[5])
  if not fits(sum(account, 2, 3), cost, ARGV[11]) then return reply(0, 'account_spend', NEVER) end
  if not fits(sum(account, 4, 5), tokens, ARGV[12]) then return reply(0, 'included_tokens', NEVER) end
end

redis.call('ZADD', KEYS[1], now, id)
redis.call('HSET', KEYS[2], id, ARGV[6])
-- An empty window starts its total afresh, so no leftover can ever leak into it.
if count == 0 then redis.call('SET', KEYS[3], ARGV[6]) else redis.call('INCRBY', KEYS[3], ARGV[6]) end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], WINDOW_KEY_TTL_MS) end
if slots > 0 then
  local expiry = now + tonumber(ARGV[7])
  redis.call('ZADD', KEYS[4], expiry, id)
  for i = 2, slots do redis.call('ZADD', KEYS[4], expiry, id .. '#' .. i) end
  extend_ttl(KEYS[4], tonumber(ARGV[7]))
end
if spend then
  reserve(KEYS[5], account)
  reserve(KEYS[6], key)
end
count = count + 1
total = total + tokens
return reply(1, month, 0)
`;

/** The admission script. */
export const ADMIT_SCRIPT = new LuaScript(ADMIT_LUA);
