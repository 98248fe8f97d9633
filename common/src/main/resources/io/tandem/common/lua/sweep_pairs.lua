-- Backup pairing: pairs live waiting users oldest-first, removing stale entries.
-- ARGV: region, scanMax, nodeTtlMs, sessionId1 .. sessionIdN (at most N pairs).
-- Returns a flat list of 9-tuples: sid, callerId, callerConn, callerNode, callerName,
-- calleeId, calleeConn, calleeNode, calleeName.
local region, scan, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
local out = {}
local waiting, w = nil, nil
local n = 4
for _, c in ipairs(redis.call('ZRANGE', QUEUE, 0, scan - 1)) do
  local cu = redis.call('HMGET', ukey(c), 'conn', 'session', 'node', 'name')
  if (not cu[1]) or cu[2] or not node_alive(cu[3], now, ttl) then
    redis.call('ZREM', QUEUE, c)
  elseif not waiting then
    waiting, w = c, cu
  elseif ARGV[n] then
    local sid = ARGV[n]
    n = n + 1
    redis.call('ZREM', QUEUE, waiting, c)
    create_session(sid, waiting, c, region, now)
    for _, v in ipairs({sid, waiting, w[1], w[3], w[4] or '', c, cu[1], cu[3], cu[4] or ''}) do
      out[#out + 1] = v
    end
    waiting, w = nil, nil
  end
end
return out
