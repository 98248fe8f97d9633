-- A socket closed. ARGV: uid, conn. Does nothing when a newer socket replaced this one.
-- Returns {} or {sid, peer, peerNode, peerConn} when a call ended.
local c = redis.call('HGET', ukey(ARGV[1]), 'conn')
if c ~= ARGV[2] then return {} end
return remove_user(ARGV[1]) or {}
