-- Ends calls whose grace window passed without a resume. ARGV: nodeTtlMs, batch.
-- A user without a socket is removed; one whose new socket never resumed keeps the socket. Nothing
-- expires while the store recovers from a stall (nobody could resume while it was frozen).
-- Returns JSON {expired = [{sid, peer}, ...]} (peers to tell peer-disconnected, reason timeout).
local ttl, batch = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
local out = {}
if stalled(now, ttl) then return cjson.encode({expired = out}) end
for _, uid in ipairs(redis.call('ZRANGEBYSCORE', GRACE, '-inf', now, 'LIMIT', 0, batch)) do
  redis.call('ZREM', GRACE, uid)
  local u = redis.call('HMGET', ukey(uid), 'conn', 'session', 'graceUntil')
  if u[3] and tonumber(u[3]) <= now then
    local r = nil
    if not u[1] then
      r = remove_user(uid)
    else
      redis.call('HDEL', ukey(uid), 'graceUntil')
      if u[2] then
        local p = end_session(u[2], uid)
        if p then r = {sid = u[2], peer = p} end
      end
    end
    if r then out[#out + 1] = r end
  end
end
return cjson.encode({expired = out})
