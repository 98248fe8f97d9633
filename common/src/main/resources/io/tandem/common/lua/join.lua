-- join-queue, and the pairing attempt it triggers, in one atomic step.
-- ARGV: uid, conn, newSessionId, region, scanMax, nodeTtlMs.
-- The oldest live waiting user (bounded scan of scanMax entries) becomes the caller; stale entries
-- met on the way (socket gone, in a call, gateway dead) are removed. A repeated join keeps its place.
-- Returns {'gone'} | {'in-session', sid} | {'queued'} |
--   {'matched', sid, callerId, callerConn, callerNode, callerName, calleeId, calleeConn, calleeNode, calleeName}.
local uid, conn, sid = ARGV[1], ARGV[2], ARGV[3]
local scan, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local u = redis.call('HMGET', ukey(uid), 'conn', 'session', 'node', 'name')
if u[1] ~= conn then return {'gone'} end
if u[2] then
  if redis.call('EXISTS', skey(u[2])) == 1 then return {'in-session', u[2]} end
  redis.call('HDEL', ukey(uid), 'session')
end
local now = now_ms()
local partner, p
for _, c in ipairs(redis.call('ZRANGE', QUEUE, 0, scan - 1)) do
  if c ~= uid then
    local cu = redis.call('HMGET', ukey(c), 'conn', 'session', 'node', 'name')
    if (not cu[1]) or cu[2] or not node_alive(cu[3], now, ttl) then
      redis.call('ZREM', QUEUE, c)
    else
      partner = c
      p = cu
      break
    end
  end
end
if not partner then
  if not redis.call('ZSCORE', QUEUE, uid) then
    redis.call('ZADD', QUEUE, redis.call('INCR', QSEQ), uid)
  end
  return {'queued'}
end
redis.call('ZREM', QUEUE, partner, uid)
create_session(sid, partner, uid, ARGV[4], now)
return {'matched', sid, partner, p[1], p[3], p[4] or '', uid, conn, u[3], u[4] or ''}
