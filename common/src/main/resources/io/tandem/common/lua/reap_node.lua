-- Cleans up after one dead gateway node (heartbeat older than ttl): removes up to `batch` of its
-- users (queue entries, presence). ARGV: nodeTtlMs, batch, graceMs.
-- A user in a live call is not removed: the call waits in the grace window for the user to resume
-- on another gateway (see to_grace).
-- Returns JSON {} when no node is dead, else {node, removed, ended = [{sid, peer}, ...], graced =
-- [{sid, peer, graceMs, epoch}, ...]} (the peers to tell: call over / peer reconnecting).
-- A stalled store is not a dead gateway: when no reap step ran for longer than ttl (Redis frozen,
-- or every matchmaker down), every heartbeat looks old at once. Then nobody is reaped, and every
-- node gets a full ttl from the end of the stall to beat again.
local ttl, batch, grace = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
local last = tonumber(redis.call('GET', CLOCK) or '0')
redis.call('SET', CLOCK, now)
if last > 0 and now - last > ttl then
  redis.call('SET', STALL, now, 'PX', 2 * ttl)
  return cjson.encode({})
end
local cutoff = now - ttl
if tonumber(redis.call('GET', STALL) or '0') > cutoff then return cjson.encode({}) end
local dead = redis.call('ZRANGEBYSCORE', NODES, '-inf', cutoff, 'LIMIT', 0, 1)
if #dead == 0 then return cjson.encode({}) end
local node = dead[1]
local removed, ended, graced = 0, {}, {}
for _, uid in ipairs(redis.call('SPOP', nukey(node), batch)) do
  local h = redis.call('HMGET', ukey(uid), 'node', 'conn')
  if h[1] == node and h[2] then
    removed = removed + 1
    local g = to_grace(uid, grace, now)
    if g then
      graced[#graced + 1] = g
    else
      local r = remove_user(uid)
      if r then ended[#ended + 1] = r end
    end
  end
end
if redis.call('SCARD', nukey(node)) == 0 then
  redis.call('ZREM', NODES, node)
end
return cjson.encode({node = node, removed = removed, ended = ended, graced = graced})
