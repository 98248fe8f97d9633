-- A socket opened. ARGV: uid, node, conn, name, dev, graceMs.
-- A previous socket of the same user is replaced: its queue entry is removed; its call waits in
-- the grace window (the old socket may just not have noticed its own loss yet: the user resumes on
-- this one), or ends when it was not live.
-- Returns JSON {replaced = {id, node, conn}?, ended = {sid, peer}?, graced = {sid, peer, graceMs,
-- epoch}?, resumable = sid?} (resumable: the call in grace this socket may resume).
local uid, node, conn = ARGV[1], ARGV[2], ARGV[3]
local out = {}
local prev = redis.call('HMGET', ukey(uid), 'node', 'conn')
if prev[2] then
  out.replaced = {id = uid, node = prev[1] or '', conn = prev[2]}
  dequeue(uid)
  out.graced = to_grace(uid, tonumber(ARGV[6]), now_ms())
  if not out.graced then out.ended = remove_user(uid) end
end
redis.call('HSET', ukey(uid), 'node', node, 'conn', conn, 'name', ARGV[4], 'dev', ARGV[5])
redis.call('SADD', ONLINE, uid)
redis.call('SADD', nukey(node), uid)
local g = redis.call('HMGET', ukey(uid), 'session', 'graceUntil')
if g[1] and g[2] then out.resumable = g[1] end
return cjson.encode(out)
