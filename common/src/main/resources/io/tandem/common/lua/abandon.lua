-- A gateway gave up on a join (no answer in time, or the store said in-session although the socket
-- knows no call): the user leaves the queue, and a session the socket never heard of is undone.
-- ARGV: uid, conn. Returns {'gone'} (another socket), {'ok'}, or {'undone', sid, peer, peerNode, peerConn}.
local uid, conn = ARGV[1], ARGV[2]
if redis.call('HGET', ukey(uid), 'conn') ~= conn then return {'gone'} end
dequeue(uid, nil)
local sid = redis.call('HGET', ukey(uid), 'session')
if not sid then return {'ok'} end
local r = end_session(sid, uid, true)
redis.call('HDEL', ukey(uid), 'session')
if not r then return {'ok'} end
return {'undone', sid, r[1], r[2], r[3]}
