-- A socket opened. ARGV: uid, node, conn, name, dev.
-- A previous socket of the same user is replaced: its queue entry and call end here.
-- Returns JSON {replaced = {id, node, conn}?, ended = {sid, peer}?}.
local uid, node, conn = ARGV[1], ARGV[2], ARGV[3]
local out = {}
local prev = redis.call('HMGET', ukey(uid), 'node', 'conn')
if prev[2] then
  out.replaced = {id = uid, node = prev[1] or '', conn = prev[2]}
  out.ended = remove_user(uid)
end
redis.call('HSET', ukey(uid), 'node', node, 'conn', conn, 'name', ARGV[4], 'dev', ARGV[5])
redis.call('SADD', ONLINE, uid)
redis.call('SADD', nukey(node), uid)
return cjson.encode(out)
