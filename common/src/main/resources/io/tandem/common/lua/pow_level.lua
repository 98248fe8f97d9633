-- A network's proof-of-work level (run with runOn): tokens it minted recently, each counting 1 and
-- fading as exp(-age / decayMs). KEYS[1] = RedisKeys.powLevel(ipHash), a HASH {level, at (ms)}.
-- ARGV: decayMs, add (1: a token is minted now, 0: only read). Returns the level now (a string),
-- after adding. The key expires when the level has faded to almost nothing (6 time constants).
local decay, add = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
local v = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = 0
if v[1] then
  local age = now - tonumber(v[2])
  if age < 0 then age = 0 end
  level = tonumber(v[1]) * math.exp(-age / decay)
end
if add > 0 then
  level = level + add
  redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', now)
  redis.call('PEXPIRE', KEYS[1], 6 * decay)
end
return tostring(level)
