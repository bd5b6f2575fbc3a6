-- Ends one admission (Frugal, tenancy.quotas.RedisQuotaStore). Same rules as tenancy.quotas.LocalQuotaStore.
-- mode s (settle): frees the slot, corrects the token charge to the actual tokens, replaces the reservation by
--   the actual cost.
-- mode r (settle again): the same, sent again because the answer to an earlier attempt was lost; applied only
--   if no attempt was, and it makes a late earlier attempt do nothing.
-- mode w (withdraw): the answer to the admission was lost, so the request was refused (or admitted unchecked).
--   If the admission ran, everything it charged is given back, the request included; if it has not run yet, a
--   tombstone makes it charge nothing when it arrives.
-- Modes r and w may be sent any number of times: what they do happens once. The team's admission record
-- (KEYS[1], a sorted set scored by lease expiry) holds the lease of every admission that ran and is not ended,
-- 'x:<lease>' for a withdrawn one that had not run, 'f:<lease>' for one settled by a second attempt.
-- KEYS: the admission record, then as for quota-admit.lua.
-- ARGV: now, lease, lease expiry, lease millis, mode, actual tokens, actual cost, n, then per check: kind,
-- limit, amount, hard.
-- Returns {applied (1|0), index, spent, ...}: then, for every soft budget whose spend reached its limit now,
-- its 0-based index and spend.
local now, lease, leaseUntil, leaseMs = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local mode, tokens, cost, n = ARGV[5], tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8])
local SCALE = 60000
local function int(x) return string.format('%.0f', x) end
local function ceildiv(a, b) if a <= 0 then return 0 end return math.floor((a + b - 1) / b) end

local record = KEYS[1]
local ran = redis.call('ZREM', record, lease) == 1
if mode == 'w' and not ran then
  redis.call('ZADD', record, leaseUntil, 'x:' .. lease)
  redis.call('PEXPIRE', record, leaseMs)
  return {0}
elseif mode == 'r' then
  if not ran then return {0} end -- an earlier attempt was applied (or the lease ended: its reservation was purged)
  redis.call('ZADD', record, leaseUntil, 'f:' .. lease)
  redis.call('PEXPIRE', record, leaseMs)
elseif mode == 's' and redis.call('ZSCORE', record, 'f:' .. lease) then
  return {0} -- a second attempt was applied first
end
local withdraw = mode == 'w'

local out = {1}
local k = 2
for i = 1, n do
  local a = 8 + (i - 1) * 4
  local kind, limit, amount, hard = ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3], ARGV[a + 4] == '1'
  local key = KEYS[k]; k = k + 1
  if kind == 'c' then
    redis.call('ZREM', key, lease)
  elseif kind == 't' or (kind == 'r' and withdraw) then
    -- tokens: corrected to the actual count (0 when withdrawn); requests: given back only when withdrawn
    local used = kind == 't' and tokens or 0
    local v = redis.call('HMGET', key, 'u', 't')
    local u, t = tonumber(v[1]) or 0, tonumber(v[2]) or now
    local elapsed = math.max(0, now - t)
    if elapsed >= ceildiv(u, limit) then u = 0 else u = u - elapsed * limit end
    u = math.max(0, u + (used - tonumber(amount)) * SCALE)
    redis.call('HSET', key, 'u', int(u), 't', int(math.max(t, now)))
    redis.call('PEXPIRE', key, ceildiv(u, limit) + 1000)
  elseif kind == 'b' then
    local zkey = KEYS[k]; k = k + 1
    -- a lease already purged (it outlived frugal.quotas.lease) was subtracted then
    if redis.call('ZREM', zkey, lease .. '|' .. amount) == 1 then
      local r = math.max(0, (tonumber(redis.call('HGET', key, 'reserved')) or 0) - tonumber(amount))
      redis.call('HSET', key, 'reserved', int(r))
    end
    local before = not withdraw and tonumber(redis.call('HGET', key, 'spent'))
    if before then -- else withdrawn (nothing was spent), or the period's counter is gone: nothing left to charge
      local after = redis.call('HINCRBY', key, 'spent', cost)
      if not hard and before < limit and after >= limit then
        out[#out + 1] = i - 1
        out[#out + 1] = after
      end
    end
  end
end
return out
