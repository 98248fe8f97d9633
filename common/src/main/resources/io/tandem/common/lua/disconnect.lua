-- A socket closed. ARGV: uid, conn. Does nothing when a newer socket replaced this one.
-- Returns JSON {ended = {sid, peer}?}.
if redis.call('HGET', ukey(ARGV[1]), 'conn') ~= ARGV[2] then return cjson.encode({}) end
return cjson.encode({ended = remove_user(ARGV[1])})
