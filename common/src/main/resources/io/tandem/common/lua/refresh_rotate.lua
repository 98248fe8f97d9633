-- Presents a refresh token: spends it and makes the next token of its family (rotation), or, when
-- the token was already spent, revokes the whole family (OAuth 2.0 Security BCP: reuse means the
-- token leaked). Run with runOn.
-- KEYS[1] = the family, KEYS[2] = the presented token, KEYS[3] = the next token; one hash tag.
-- ARGV: ttlSeconds (lifetime of the next token; the family lives as long as its newest token).
-- Returns {'ok', sub, name, dev, langs}; {'unknown'} (never issued, or expired); {'revoked'} (the family
-- was revoked before); {'reuse', sub} (a spent token: the family is revoked now).
local state = redis.call('GET', KEYS[2])
if not state then return {'unknown'} end
local fam = redis.call('HMGET', KEYS[1], 'sub', 'name', 'dev', 'revoked', 'langs')
if not fam[1] then return {'unknown'} end
if fam[4] == '1' then return {'revoked'} end
if state ~= 'live' then
  redis.call('HSET', KEYS[1], 'revoked', '1')
  return {'reuse', fam[1]}
end
local ttl = tonumber(ARGV[1])
redis.call('SET', KEYS[2], 'spent', 'KEEPTTL')
redis.call('SET', KEYS[3], 'live', 'EX', ttl)
redis.call('EXPIRE', KEYS[1], ttl)
return {'ok', fam[1], fam[2], fam[3], fam[5] or ''}
