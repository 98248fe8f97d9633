-- A gateway gave up on a join (no answer in time, or the store said in-session although the socket
-- knows no call): the user leaves the queue, and a session the socket never heard of is undone.
-- ARGV: uid, conn, fence (> 0: joins fenced with it or an earlier one are refused from now on; see
-- join.lua). Returns JSON {status = 'gone' | 'ok' | 'undone', ended = {sid, peer}?}.
local uid, conn = ARGV[1], ARGV[2]
local fence = tonumber(ARGV[3] or '0') or 0
local u = redis.call('HMGET', ukey(uid), 'conn', 'session', 'q', 'interests', 'langs', 'fence')
if u[1] ~= conn then return cjson.encode({status = 'gone'}) end
if fence > (tonumber(u[6]) or 0) then redis.call('HSET', ukey(uid), 'fence', fence) end
if tonumber(u[3]) then
  unqueue(uid, u[4] or '', u[5] or '')
  redis.call('HDEL', ukey(uid), 'q')
end
local sid = u[2]
if not sid then return cjson.encode({status = 'ok'}) end
local r = end_session(sid, uid, true)
redis.call('HDEL', ukey(uid), 'session')
if not r then return cjson.encode({status = 'ok'}) end
return cjson.encode({status = 'undone', ended = {sid = sid, peer = r}})
