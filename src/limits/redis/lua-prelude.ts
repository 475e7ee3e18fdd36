/**
 * @module The Lua shared by the limiter scripts: the clock, UTC month and budget period labels, and pruning of an
 * account's (or a key's) window.
 *
 * Clock: every script takes `ARGV[1]`, either '' (production: the script reads Redis `TIME`, so all gateway
 * instances share one clock and none can skew a window) or an injected time in ms (tests, which drive the clock).
 * Redis ≥ 5 replicates scripts by effects, so calling `TIME` before writing is allowed.
 *
 * Numbers: Lua 5.1 turns numbers into strings with 14 significant digits, which would corrupt nano-dollar amounts
 * past $100,000. So money is passed to `HINCRBY`/`HSET` as the argument strings the caller formatted, never as a
 * number computed in Lua; Lua only compares amounts (exact as doubles up to 2^53 nano-USD, about $9M).
 */

/** Idle window keys expire this long after their last write: the window plus a second of slack. */
export const WINDOW_KEY_TTL_MS = 61_000;

/**
 * Monthly counters expire 40 days after their last write: always after their month has ended, so an active
 * counter never expires, and an idle one does not outlive the month after.
 */
export const MONTH_KEY_TTL_MS = 40 * 86_400_000;

/** A daily budget's counter expires two days after its last write (after its day has ended). */
export const DAY_KEY_TTL_MS = 2 * 86_400_000;

/** A weekly budget's counter expires nine days after its last write (after its week has ended). */
export const WEEK_KEY_TTL_MS = 9 * 86_400_000;

/**
 * Lua defining `WINDOW_MS`, `NEVER`, `clock_ms`, `civil`, `month_of`, `period_label`, `counter_ttl`, `prune_window`,
 * `window_tokens`, `reset_ms`, `extend_ttl` and `restart_if_stale`.
 */
export const LUA_PRELUDE = `
local WINDOW_MS = 60000
local WINDOW_KEY_TTL_MS = ${WINDOW_KEY_TTL_MS}
local MONTH_KEY_TTL_MS = ${MONTH_KEY_TTL_MS}
local DAY_KEY_TTL_MS = ${DAY_KEY_TTL_MS}
local WEEK_KEY_TTL_MS = ${WEEK_KEY_TTL_MS}
local NEVER = -1
local BATCH = 500

local function clock_ms(injected)
  if injected ~= '' then return tonumber(injected) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Year, month and day of a day number (days since 1970-01-01; civil-from-days, proleptic Gregorian calendar).
local function civil(days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

-- 'YYYY-MM' of the UTC month containing ms.
local function month_of(ms)
  local y, m = civil(math.floor(ms / 86400000))
  return string.format('%04d-%02d', y, m)
end

-- The label of the period of kind ('monthly', 'weekly' or 'daily'; '' is monthly) containing ms, as period.ts
-- writes it: 'YYYY-MM', 'W' .. the date of the ISO week's Monday, 'YYYY-MM-DD'. 1970-01-01 was a Thursday.
local function period_label(ms, kind)
  if kind == '' or kind == 'monthly' then return month_of(ms) end
  local day = math.floor(ms / 86400000)
  if kind == 'weekly' then day = day - (day + 3) % 7 end
  local y, m, d = civil(day)
  local date = string.format('%04d-%02d-%02d', y, m, d)
  if kind == 'weekly' then return 'W' .. date end
  return date
end

-- How long a counter of the kind lives after its last write: past the end of its period, never much longer.
local function counter_ttl(kind)
  if kind == 'daily' then return DAY_KEY_TTL_MS end
  if kind == 'weekly' then return WEEK_KEY_TTL_MS end
  return MONTH_KEY_TTL_MS
end

-- Drops the entries made at or before cutoff from an account's window: the log (zset id -> time, one entry per
-- admitted request, so its size is the rpm count) and the amounts (hash id -> reserved tokens), keeping the
-- running token total in step. Returns the entries left. An emptied window drops the total, so it cannot drift.
local function prune_window(log, amounts, total, cutoff)
  local pruned = false
  local gone = redis.call('ZRANGEBYSCORE', log, '-inf', cutoff, 'LIMIT', 0, BATCH)
  while #gone > 0 do
    pruned = true
    local values = redis.call('HMGET', amounts, unpack(gone))
    local sum = 0
    for i = 1, #values do sum = sum + (tonumber(values[i]) or 0) end
    redis.call('HDEL', amounts, unpack(gone))
    redis.call('ZREM', log, unpack(gone))
    redis.call('DECRBY', total, sum)
    if #gone < BATCH then break end
    gone = redis.call('ZRANGEBYSCORE', log, '-inf', cutoff, 'LIMIT', 0, BATCH)
  end
  local count = redis.call('ZCARD', log)
  if pruned and count == 0 then redis.call('DEL', total) end
  return count
end

-- Tokens counted in a window of count entries.
local function window_tokens(total, count)
  if count == 0 then return 0 end
  return tonumber(redis.call('GET', total)) or 0
end

-- Ms until the oldest request of the rpm log leaves the window; 0 when the log is empty.
local function reset_ms(log, now)
  local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
  if #oldest == 0 then return 0 end
  return tonumber(oldest[2]) + WINDOW_MS - now
end

-- A counter is a hash: month (its period's label), spent, reserved, tokens, reserved_tokens. One of another period
-- restarts.
local function restart_if_stale(counter, month)
  if redis.call('HGET', counter, 'month') ~= month then
    redis.call('HSET', counter, 'month', month, 'spent', 0, 'reserved', 0, 'tokens', 0, 'reserved_tokens', 0)
  end
end

-- Makes key live at least ttl_ms (plus a second) from now, never shortening it.
local function extend_ttl(key, ttl_ms)
  if redis.call('PTTL', key) < ttl_ms + 1000 then redis.call('PEXPIRE', key, ttl_ms + 1000) end
end
`;
