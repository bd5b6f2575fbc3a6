-- Checks and charges every counter of one admission, or none (Frugal, tenancy.quotas.RedisQuotaStore).
-- Same rules as tenancy.quotas.LocalQuotaStore; the window arithmetic is tenancy.quotas.RateWindow's.
-- KEYS: the team's admission record (a sorted set, see quota-finish.lua), then per check one key; a budget
-- check two (its hash {spent, reserved} and its lease set).
-- ARGV: now, lease, lease expiry, lease millis, n, then per check: kind (c|r|t|b), limit, amount, hard (1|0).
-- Returns {status, index, retry, remaining1, reset1, ...}: status 1 admitted, 0 rejected at check
-- index (0-based), 2 budget counter at index not seeded (nothing charged), 3 withdrawn before it
-- ran (nothing charged).
local now, lease, leaseUntil, leaseMs, n = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local SCALE = 60000
local function int(x) return string.format('%.0f', x) end
local function ceildiv(a, b) if a <= 0 then return 0 end return math.floor((a + b - 1) / b) end

-- the bucket's level at now (drained since it was written) and its time, which never moves back
-- (a replica whose clock is behind does not rewind it)
local function level(key, limit)
  local v = redis.call('HMGET', key, 'u', 't')
  local u, t = tonumber(v[1]) or 0, tonumber(v[2]) or now
  local elapsed = math.max(0, now - t)
  if elapsed >= ceildiv(u, limit) then return 0, math.max(t, now) end
  return u - elapsed * limit, math.max(t, now)
end

-- reservations whose replica never settled them (it vanished) stop counting at their lease's end
local function purge(hkey, zkey)
  local old = redis.call('ZRANGEBYSCORE', zkey, '-inf', now)
  if #old == 0 then return end
  local freed = 0
  for _, m in ipairs(old) do freed = freed + tonumber(string.match(m, '|(%d+)$')) end
  redis.call('ZREMRANGEBYSCORE', zkey, '-inf', now)
  local r = math.max(0, (tonumber(redis.call('HGET', hkey, 'reserved')) or 0) - freed)
  redis.call('HSET', hkey, 'reserved', int(r))
end

-- The gateway gave this admission up (its answer did not come in time) and withdrew it before Redis
-- ran it: it arrives late and must charge nothing. Entries whose lease ended are dropped first.
local admitted = KEYS[1]
redis.call('ZREMRANGEBYSCORE', admitted, '-inf', now)
if redis.call('ZSCORE', admitted, 'x:' .. lease) then return {3, -1, -1} end

local out = {1, -1, -1}
local keyOf, zkeyOf, filled, at = {}, {}, {}, {}
local k = 2
for i = 1, n do
  local a = 5 + (i - 1) * 4
  local kind, limit, amount, hard = ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4] == '1'
  local key = KEYS[k]; k = k + 1
  keyOf[i] = key
  local ok, remaining, reset, wait = true, 0, 0, -1
  if kind == 'c' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    local inFlight = redis.call('ZCARD', key)
    ok = inFlight + 1 <= limit
    remaining = math.max(0, limit - inFlight - (ok and 1 or 0))
    wait = 1000
  elseif kind == 'r' or kind == 't' then
    local u, t = level(key, limit)
    ok = u + amount * SCALE <= limit * SCALE
    if ok then u = u + amount * SCALE end
    filled[i], at[i] = u, t
    remaining = math.max(0, math.floor((limit * SCALE - u) / SCALE))
    reset = ceildiv(u, limit)
    if not ok then
      if amount > limit then wait = -1 else wait = math.max(0, ceildiv(u + amount * SCALE - limit * SCALE, limit)) end
    end
  else
    local zkey = KEYS[k]; k = k + 1
    zkeyOf[i] = zkey
    local spent = redis.call('HGET', key, 'spent')
    if not spent then return {2, i - 1, -1} end
    purge(key, zkey)
    local used = tonumber(spent) + (tonumber(redis.call('HGET', key, 'reserved')) or 0)
    ok = (not hard) or used + math.max(amount, 1) <= limit
    remaining = math.max(0, limit - used - (ok and amount or 0))
  end
  if not ok and out[1] == 1 then out[1], out[2], out[3] = 0, i - 1, wait end
  out[#out + 1] = remaining
  out[#out + 1] = reset
end

if out[1] == 1 then
  -- recorded until settled or withdrawn, so that either one knows whether this admission ran
  redis.call('ZADD', admitted, leaseUntil, lease)
  redis.call('PEXPIRE', admitted, leaseMs)
  for i = 1, n do
    local a = 5 + (i - 1) * 4
    local kind, limit, amount = ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3]
    local key = keyOf[i]
    if kind == 'c' then
      redis.call('ZADD', key, leaseUntil, lease)
      redis.call('PEXPIRE', key, leaseMs)
    elseif kind == 'r' or kind == 't' then
      redis.call('HSET', key, 'u', int(filled[i]), 't', int(at[i]))
      redis.call('PEXPIRE', key, ceildiv(filled[i], limit) + 1000)
    else
      redis.call('HINCRBY', key, 'reserved', amount)
      redis.call('ZADD', zkeyOf[i], leaseUntil, lease .. '|' .. amount)
      redis.call('PEXPIRE', zkeyOf[i], leaseMs)
    end
  end
end
return out
