-- Creates a budget counter with the spend recorded so far, unless a replica did first (Frugal, tenancy.quotas.RedisQuotaStore).
-- KEYS[1]: the budget hash. ARGV: spent micro-USD, time to live in millis (until the period's end plus a day, by the
-- replica's clock: a duration, so a replica whose clock differs from Redis's does not expire it early).
if redis.call('HSETNX', KEYS[1], 'spent', ARGV[1]) == 1 then
  redis.call('HSETNX', KEYS[1], 'reserved', '0')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
