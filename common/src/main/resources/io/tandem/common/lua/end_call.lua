-- end-call. ARGV: uid, conn, sid.
-- Returns JSON {status = 'gone' | 'not-in-session' | 'ended', ended = {sid, peer}?}.
local uid, conn, sid = ARGV[1], ARGV[2], ARGV[3]
local u = redis.call('HMGET', ukey(uid), 'session', 'conn', 'graceUntil', 'node')
if u[2] ~= conn then return cjson.encode({status = 'gone'}) end
if u[1] ~= sid then return cjson.encode({status = 'not-in-session'}) end
local r = end_session(sid, uid, false, {[uid] = u})
if not r then
  redis.call('HDEL', ukey(uid), 'session')
  return cjson.encode({status = 'not-in-session'})
end
return cjson.encode({status = 'ended', ended = {sid = sid, peer = r}})
