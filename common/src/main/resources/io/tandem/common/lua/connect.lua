-- A socket opened. ARGV: uid, node, conn, name, dev.
-- A previous socket of the same user is replaced: its queue entry and call end here.
-- Returns {} or {prevNode, prevConn[, sid, peer, peerNode, peerConn]}.
local uid, node, conn = ARGV[1], ARGV[2], ARGV[3]
local prev = redis.call('HMGET', ukey(uid), 'node', 'conn')
local out = {}
if prev[2] then
  out = {prev[1] or '', prev[2]}
  local r = remove_user(uid)
  if r then out = {prev[1] or '', prev[2], r[1], r[2], r[3], r[4]} end
end
redis.call('HSET', ukey(uid), 'node', node, 'conn', conn, 'name', ARGV[4], 'dev', ARGV[5])
redis.call('SADD', ONLINE, uid)
redis.call('SADD', nukey(node), uid)
return out
