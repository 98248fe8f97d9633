-- Cleans up after one dead gateway node (heartbeat older than ttl): removes up to `batch` of its
-- users (queue entries, presence, calls). ARGV: nodeTtlMs, batch.
-- Returns {} when no node is dead, else {node, removedUsers, sid, peer, peerNode, peerConn, ...}
-- (4-tuples of calls that ended, whose surviving peer must be told).
local ttl, batch = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
local dead = redis.call('ZRANGEBYSCORE', NODES, '-inf', now - ttl, 'LIMIT', 0, 1)
if #dead == 0 then return {} end
local node = dead[1]
local out = {node, 0}
for _, uid in ipairs(redis.call('SPOP', nukey(node), batch)) do
  if redis.call('HGET', ukey(uid), 'node') == node then
    out[2] = out[2] + 1
    local r = remove_user(uid)
    if r then
      for _, v in ipairs(r) do out[#out + 1] = v end
    end
  end
end
if redis.call('SCARD', nukey(node)) == 0 then
  redis.call('ZREM', NODES, node)
end
return out
