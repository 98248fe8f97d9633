-- Starts a refresh-token family with its first token (run with runOn).
-- KEYS[1] = the family (RedisKeys.refreshFamily), KEYS[2] = the token (RedisKeys.refreshToken); one hash tag.
-- ARGV: sub, name, dev, ttlSeconds, langs (comma-joined language tags, '' when none). Returns 1.
local ttl = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'sub', ARGV[1], 'name', ARGV[2], 'dev', ARGV[3], 'langs', ARGV[5] or '', 'revoked', '0')
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('SET', KEYS[2], 'live', 'EX', ttl)
return 1
