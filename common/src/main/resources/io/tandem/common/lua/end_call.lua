-- end-call. ARGV: uid, conn, sid.
-- Returns {'gone'}, {'not-in-session'} or {'ended', peer, peerNode, peerConn}.
local uid, conn, sid = ARGV[1], ARGV[2], ARGV[3]
local u = redis.call('HMGET', ukey(uid), 'conn', 'session')
if u[1] ~= conn then return {'gone'} end
if u[2] ~= sid then return {'not-in-session'} end
local r = end_session(sid, uid)
if not r then
  redis.call('HDEL', ukey(uid), 'session')
  return {'not-in-session'}
end
return {'ended', r[1], r[2], r[3]}
