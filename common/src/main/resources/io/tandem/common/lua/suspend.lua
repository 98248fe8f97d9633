-- A socket was lost without meaning to (no close frame, the gateway draining, token expiry).
-- ARGV: uid, conn, graceMs. Does nothing when a newer socket replaced this one.
-- In a live call: the call waits in the grace window (see to_grace). Otherwise like disconnect.
-- Returns JSON {graced = {sid, peer, graceMs, epoch}?, ended = {sid, peer}?}.
if redis.call('HGET', ukey(ARGV[1]), 'conn') ~= ARGV[2] then return cjson.encode({}) end
local g = to_grace(ARGV[1], tonumber(ARGV[3]), now_ms())
if g then return cjson.encode({graced = g}) end
return cjson.encode({ended = remove_user(ARGV[1])})
