-- Ends one admission (Frugal, tenancy.quotas.RedisQuotaStore): frees the slot, corrects the token charge
-- to the actual tokens, replaces the reservation by the actual cost. Same rules as tenancy.quotas.LocalQuotaStore.
-- KEYS: as for quota-admit.lua. ARGV: now, lease, actual tokens, actual cost, n, then per check: kind, limit, amount, hard.
-- Returns {index, spent, ...} for every soft budget whose spend reached its limit now (0-based indexes).
local now, lease, tokens, cost, n = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local SCALE = 60000
local function int(x) return string.format('%.0f', x) end
local function ceildiv(a, b) if a <= 0 then return 0 end return math.floor((a + b - 1) / b) end

local out = {}
local k = 1
for i = 1, n do
  local a = 5 + (i - 1) * 4
  local kind, limit, amount, hard = ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3], ARGV[a + 4] == '1'
  local key = KEYS[k]; k = k + 1
  if kind == 'c' then
    redis.call('ZREM', key, lease)
  elseif kind == 't' then
    local v = redis.call('HMGET', key, 'u', 't')
    local u, t = tonumber(v[1]) or 0, tonumber(v[2]) or now
    local elapsed = math.max(0, now - t)
    if elapsed >= ceildiv(u, limit) then u = 0 else u = u - elapsed * limit end
    u = math.max(0, u + (tokens - tonumber(amount)) * SCALE)
    redis.call('HSET', key, 'u', int(u), 't', int(math.max(t, now)))
    redis.call('PEXPIRE', key, ceildiv(u, limit) + 1000)
  elseif kind == 'b' then
    local zkey = KEYS[k]; k = k + 1
    -- a lease already purged (it outlived frugal.quotas.lease) was subtracted then
    if redis.call('ZREM', zkey, lease .. '|' .. amount) == 1 then
      local r = math.max(0, (tonumber(redis.call('HGET', key, 'reserved')) or 0) - tonumber(amount))
      redis.call('HSET', key, 'reserved', int(r))
    end
    local before = tonumber(redis.call('HGET', key, 'spent'))
    if before then -- else the period's counter is gone: nothing left to charge
      local after = redis.call('HINCRBY', key, 'spent', cost)
      if not hard and before < limit and after >= limit then
        out[#out + 1] = i - 1
        out[#out + 1] = after
      end
    end
  end
end
return out
