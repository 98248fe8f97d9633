-- resume: a user's new socket takes its call back. ARGV: uid, conn, sid.
-- Returns JSON {status = 'gone'} (socket not registered), {status = 'session-gone'} (the user is not
-- in that live session: it ended, expired, or is someone else's), or {status = 'resumed', sid, role,
-- peer = {id, node, conn, name, dev}, epoch} (conn empty while the peer is itself reconnecting).
local uid, conn, sid = ARGV[1], ARGV[2], ARGV[3]
local u = redis.call('HMGET', ukey(uid), 'conn', 'session', 'graceUntil')
if u[1] ~= conn then return cjson.encode({status = 'gone'}) end
local peer = nil
if u[2] == sid then peer = peer_of(sid, uid) end
if not peer then
  if u[2] == sid then
    redis.call('HDEL', ukey(uid), 'session', 'graceUntil')
    redis.call('ZREM', GRACE, uid)
  end
  return cjson.encode({status = 'session-gone'})
end
redis.call('HDEL', ukey(uid), 'graceUntil')
redis.call('ZREM', GRACE, uid)
local caller = redis.call('HGET', skey(sid), 'caller')
local epoch = redis.call('HINCRBY', skey(sid), 'epoch', 1)
local p = redis.call('HMGET', ukey(peer), 'node', 'conn', 'name', 'dev')
local role = 'callee'
if caller == uid then role = 'caller' end
return cjson.encode({status = 'resumed', sid = sid, role = role, epoch = epoch,
  peer = {id = peer, node = p[1] or '', conn = p[2] or '', name = p[3] or '', dev = p[4] or ''}})
