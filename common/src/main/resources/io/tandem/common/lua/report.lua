-- Records a report against a device (by keyed hash) and blocks it automatically when enough
-- distinct devices reported it within the window. KEYS[1] = reports against the device (ZSET
-- reporterHash -> ms), KEYS[2] = the device's block key (both hash-tagged with the device hash).
-- ARGV: reporterHash, windowMs, threshold, blockTtlSeconds, blockReasonJson.
-- Returns {distinctReporters, blockedNow (1/0)}.
local now = now_ms()
local reports, block = KEYS[1], KEYS[2]
redis.call('ZADD', reports, now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', reports, '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', reports, tonumber(ARGV[2]))
local n = redis.call('ZCARD', reports)
if n >= tonumber(ARGV[3]) and redis.call('EXISTS', block) == 0 then
  redis.call('SET', block, ARGV[5], 'EX', tonumber(ARGV[4]))
  return {n, 1}
end
return {n, 0}
