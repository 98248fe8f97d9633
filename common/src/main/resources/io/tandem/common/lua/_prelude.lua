-- Shared by every Tandem script (prepended by io.tandem.common.RedisScript). All keys share the
-- hash tag of KEYS[1] (the queue), so each script runs on one Redis Cluster slot.
local T = '%TAG%'
local QUEUE = T .. 'matchmaking:queue'
local QSEQ = T .. 'matchmaking:seq'
local ONLINE = T .. 'online'
local NODES = T .. 'nodes'
local SESSION_TTL = %SESSION_TTL%
local function ukey(u) return T .. 'user:' .. u end
local function skey(s) return T .. 'session:' .. s end
local function nukey(n) return T .. 'node-users:' .. n end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A gateway node is alive while its heartbeat is fresher than ttl ms.
local function node_alive(node, now, ttl)
  if not node then return false end
  local s = redis.call('ZSCORE', NODES, node)
  return s and tonumber(s) >= now - ttl
end

-- Creates a session hash and points both users at it.
local function create_session(sid, caller, callee, region, now)
  redis.call('HSET', skey(sid), 'users', caller .. ',' .. callee, 'caller', caller,
    'callee', callee, 'createdAt', now, 'region', region)
  redis.call('EXPIRE', skey(sid), SESSION_TTL)
  redis.call('HSET', ukey(caller), 'session', sid)
  redis.call('HSET', ukey(callee), 'session', sid)
end

-- Ends a session; returns {peer, peerNode, peerConn} for the user other than uid, or nil.
local function end_session(sid, uid)
  local s = redis.call('HMGET', skey(sid), 'caller', 'callee')
  if not s[1] then return nil end
  redis.call('DEL', skey(sid))
  local peer = s[1]
  if peer == uid then peer = s[2] end
  for _, u in ipairs({s[1], s[2]}) do
    if redis.call('HGET', ukey(u), 'session') == sid then
      redis.call('HDEL', ukey(u), 'session')
      redis.call('HSET', ukey(u), 'last', sid)
    end
  end
  local p = redis.call('HMGET', ukey(peer), 'node', 'conn')
  return {peer, p[1] or '', p[2] or ''}
end

-- Removes a connected user everywhere; returns {sid, peer, peerNode, peerConn} when a call ended.
local function remove_user(uid)
  local u = redis.call('HMGET', ukey(uid), 'node', 'session')
  redis.call('ZREM', QUEUE, uid)
  redis.call('SREM', ONLINE, uid)
  if u[1] then redis.call('SREM', nukey(u[1]), uid) end
  redis.call('DEL', ukey(uid))
  if u[2] then
    local r = end_session(u[2], uid)
    if r then return {u[2], r[1], r[2], r[3]} end
  end
  return nil
end
