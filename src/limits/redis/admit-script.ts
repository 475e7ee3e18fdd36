/**
 * @module The admission script: checks rpm → key rpm → concurrency → tpm → key tpm → key cap → key budget → account
 * cap → included tokens and either reserves all of them or nothing, in one atomic step (the Redis form of
 * `MemoryLimiterBackend.admit`).
 *
 * KEYS: 1 window log (zset id → time: one entry per admitted request, so it is both the rpm log and the index of
 * the tpm reservations), 2 window amounts (hash id → reserved tokens), 3 window token total, 4 leases (zset
 * member → expiry: a lease of k slots is the members id, id#2 … id#k, so ZCARD counts slots), 5 account's monthly
 * counter, 6 key's monthly counter (hashes: month, spent, reserved, tokens, reserved_tokens), 7–9 the key's own
 * window log, amounts and token total (written only when the key has an rpm or tpm limit of its own), 10 the key's
 * daily or weekly budget counter (a hash like the monthly ones, its `month` holding the day's or week's label).
 *
 * ARGV: 1 now ('' = Redis TIME), 2 id, 3 rpm, 4 tpm, 5 concurrent, 6 tokens, 7 lease TTL ms, 8 '1' when there is
 * a spend part, 9 worst-case cost nano-USD, 10 key cap ('' = none), 11 account cap ('' = none), 12 included tokens,
 * 13 concurrency slots (0 = hold none), 14 key rpm ('' = none), 15 key tpm ('' = none), 16 key budget
 * ('' = none), 17 the budget's period ('monthly': checked on the key's monthly counter; 'weekly', 'daily'; '').
 *
 * Reply: { 1, month, 0, … } when admitted; { 0, stage, retry-after ms (-1 = never), … } when rejected; both
 * continued by the account window's requests counted, reset ms and tokens counted, the key window's (zeros when it
 * has none), and the label of the daily or weekly budget period reserved in ('' for none).
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
local key_rpm, key_tpm = tonumber(ARGV[14]), tonumber(ARGV[15])
local keyed = key_rpm ~= nil or key_tpm ~= nil
local spend = ARGV[8] == '1'
local budget_kind = ARGV[17]
local budget_label = ''
if spend and (budget_kind == 'daily' or budget_kind == 'weekly') then budget_label = period_label(now, budget_kind) end

local count = prune_window(KEYS[1], KEYS[2], KEYS[3], now - WINDOW_MS)
local total = window_tokens(KEYS[3], count)
local key_count, key_total = 0, 0
if keyed then
  key_count = prune_window(KEYS[7], KEYS[8], KEYS[9], now - WINDOW_MS)
  key_total = window_tokens(KEYS[9], key_count)
end

local function reply(ok, what, wait)
  local key_reset = 0
  if keyed then key_reset = reset_ms(KEYS[7], now) end
  return { ok, what, wait, count, reset_ms(KEYS[1], now), total, key_count, key_reset, key_total, budget_label }
end

-- Wait until one more request fits limit in a log of n entries: until its (n - limit)-th oldest entry leaves.
local function rpm_wait(log, n, limit)
  if n + 1 <= limit then return 0 end
  if limit < 1 then return NEVER end
  local entry = redis.call('ZRANGE', log, n - limit, n - limit, 'WITHSCORES')
  return tonumber(entry[2]) + WINDOW_MS - now
end

-- Wait until the request's tokens fit limit in a window holding sum, walking its reservations oldest first.
local function tpm_wait(log, amounts, sum, limit)
  if sum + tokens <= limit then return 0 end
  if tokens > limit then return NEVER end
  local remaining = sum
  local start = 0
  while true do
    local entries = redis.call('ZRANGE', log, start, start + BATCH - 1, 'WITHSCORES')
    if #entries == 0 then return NEVER end
    local ids = {}
    for i = 1, #entries, 2 do ids[#ids + 1] = entries[i] end
    local values = redis.call('HMGET', amounts, unpack(ids))
    for i = 1, #ids do
      remaining = remaining - (tonumber(values[i]) or 0)
      if remaining + tokens <= limit then return tonumber(entries[2 * i]) + WINDOW_MS - now end
    end
    start = start + BATCH
  end
end

-- The later of two waits (0: none); never wins.
local function later(a, b)
  if a == NEVER or b == NEVER then return NEVER end
  return math.max(a, b)
end

-- A counter's fields, or false when it holds another period than label (which counts as zeros).
local function read_counter(counter, label)
  local v = redis.call('HMGET', counter, 'month', 'spent', 'reserved', 'tokens', 'reserved_tokens')
  return v[1] == label and v
end

local function sum(counter, a, b)
  if not counter then return 0 end
  return (tonumber(counter[a]) or 0) + (tonumber(counter[b]) or 0)
end

local function fits(used, amount, cap)
  return cap == '' or used + amount <= tonumber(cap)
end

local function reserve(counter, fields, label, ttl)
  if not fields then
    redis.call('HSET', counter, 'month', label, 'spent', 0, 'reserved', 0, 'tokens', 0, 'reserved_tokens', 0)
  end
  redis.call('HINCRBY', counter, 'reserved', ARGV[9])
  redis.call('HINCRBY', counter, 'reserved_tokens', ARGV[6])
  redis.call('PEXPIRE', counter, ttl)
end

local rw, tw = rpm_wait(KEYS[1], count, rpm), tpm_wait(KEYS[1], KEYS[2], total, tpm)
local krw, ktw = 0, 0
if key_rpm then krw = rpm_wait(KEYS[7], key_count, key_rpm) end
if key_tpm then ktw = tpm_wait(KEYS[7], KEYS[8], key_total, key_tpm) end
local every = later(later(rw, krw), later(tw, ktw))
if rw ~= 0 then return reply(0, 'rpm', every) end
if krw ~= 0 then return reply(0, 'key_rpm', every) end
if redis.call('ZCARD', KEYS[4]) + slots > concurrent then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) + slots > concurrent then return reply(0, 'concurrency', NEVER) end
end
if tw ~= 0 then return reply(0, 'tpm', later(tw, ktw)) end
if ktw ~= 0 then return reply(0, 'key_tpm', ktw) end

local account, key, budget
if spend then
  local cost = tonumber(ARGV[9])
  key = read_counter(KEYS[6], month)
  if not fits(sum(key, 2, 3), cost, ARGV[10]) then return reply(0, 'key_spend', NEVER) end
  if budget_kind == 'monthly' and not fits(sum(key, 2, 3), cost, ARGV[16]) then return reply(0, 'key_budget', NEVER) end
  if budget_label ~= '' then
    budget = read_counter(KEYS[10], budget_label)
    if not fits(sum(budget, 2, 3), cost, ARGV[16]) then return reply(0, 'key_budget', NEVER) end
  end
  account = read_counter(KEYS[5], month)
  if not fits(sum(account, 2, 3), cost, ARGV[11]) then return reply(0, 'account_spend', NEVER) end
  if not fits(sum(account, 4, 5), tokens, ARGV[12]) then return reply(0, 'included_tokens', NEVER) end
end

-- Appends the request to a window (log, amounts, total) that counted n entries; an empty window starts its total
-- afresh, so no leftover can ever leak into it.
local function count_in(log, amounts, sum_key, n)
  redis.call('ZADD', log, now, id)
  redis.call('HSET', amounts, id, ARGV[6])
  if n == 0 then redis.call('SET', sum_key, ARGV[6]) else redis.call('INCRBY', sum_key, ARGV[6]) end
  for _, k in ipairs({ log, amounts, sum_key }) do redis.call('PEXPIRE', k, WINDOW_KEY_TTL_MS) end
end

count_in(KEYS[1], KEYS[2], KEYS[3], count)
if keyed then
  count_in(KEYS[7], KEYS[8], KEYS[9], key_count)
  key_count = key_count + 1
  key_total = key_total + tokens
end
if slots > 0 then
  local expiry = now + tonumber(ARGV[7])
  redis.call('ZADD', KEYS[4], expiry, id)
  for i = 2, slots do redis.call('ZADD', KEYS[4], expiry, id .. '#' .. i) end
  extend_ttl(KEYS[4], tonumber(ARGV[7]))
end
if spend then
  reserve(KEYS[5], account, month, MONTH_KEY_TTL_MS)
  reserve(KEYS[6], key, month, MONTH_KEY_TTL_MS)
  if budget_label ~= '' then reserve(KEYS[10], budget, budget_label, counter_ttl(budget_kind)) end
end
count = count + 1
total = total + tokens
return reply(1, month, 0)
`;

/** The admission script. */
export const ADMIT_SCRIPT = new LuaScript(ADMIT_LUA);
