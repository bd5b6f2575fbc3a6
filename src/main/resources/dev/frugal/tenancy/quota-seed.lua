-- Creates a budget counter with the spend recorded so far, unless a replica did first (Frugal, tenancy.RedisQuotaStore).
-- KEYS[1]: the budget hash. ARGV: spent micro-USD, expiry (epoch millis: the period's end plus a day).
if redis.call('HSETNX', KEYS[1], 'spent', ARGV[1]) == 1 then
  redis.call('HSETNX', KEYS[1], 'reserved', '0')
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
  return 1
end
return 0
