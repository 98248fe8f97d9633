-- A secret shared by every replica when it is not configured: HASH_SECRET, POW_SECRET (run with runOn).
-- KEYS[1] = RedisKeys.HASH_SECRET or RedisKeys.POW_SECRET. ARGV[1] = the secret this replica holds (or a fresh candidate at
-- start). Writes it only when Redis has none (first start, or Redis lost its data: a running replica
-- restores the secret it holds); returns the secret Redis holds now.
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
