-- Cleans up after one dead gateway node (heartbeat older than ttl): removes up to `batch` of its
-- users (queue entries, presence, calls). ARGV: nodeTtlMs, batch.
-- Returns {} when no node is dead, else {node, removedUsers, sid, peer, peerNode, peerConn, ...}
-- (4-tuples of calls that ended, whose surviving peer must be told).
-- A stalled store is not a dead gateway: when no reap step ran for longer than ttl (Redis frozen,
-- or every matchmaker down), every heartbeat looks old at once. Then nobody is reaped, and every
-- node gets a full ttl from the end of the stall to beat again.
local ttl, batch = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
local last = tonumber(redis.call('GET', CLOCK) or '0')
redis.call('SET', CLOCK, now)
if last > 0 and now - last > ttl then
  redis.call('SET', STALL, now, 'PX', 2 * ttl)
  return {}
end
local cutoff = now - ttl
if tonumber(redis.call('GET', STALL) or '0') > cutoff then return {} end
local dead = redis.call('ZRANGEBYSCORE', NODES, '-inf', cutoff, 'LIMIT', 0, 1)
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
