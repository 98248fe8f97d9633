-- Shared by every Tandem script (prepended by io.tandem.common.RedisScript). A call-flow script's
-- KEYS[1] is the queue of its matching partition; every other key of the partition is named from
-- that key's tag (RedisKeys.tag: the partition's hash tag), so each script runs on the one Redis Cluster
-- slot of its partition and never touches another partition. Every name comes from
-- io.tandem.common.RedisKeys (placeholders like %QUEUE%, without the tag): the schema is spelled once.
-- Structured answers are JSON (cjson), read by name in io.tandem.common.store.StoreReplies.
local QUEUE = KEYS[1] or ''
local TAG = string.sub(QUEUE, 1, #QUEUE - #'%QUEUE%')
local ONLINE = TAG .. '%ONLINE%'
local NODES = TAG .. '%NODES%'
local PLAIN = TAG .. '%QUEUE_PLAIN%'
local PENDING = TAG .. '%PENDING%'
local CLOCK = TAG .. '%STORE_CLOCK%'
local STALL = TAG .. '%STORE_STALL%'
local GRACE = TAG .. '%GRACE%'
local SESSION_TTL = %SESSION_TTL%
local PAIR_MEMORY_MS = %PAIR_MEMORY_MS%
local SEP = '\31'
local function ukey(u) return TAG .. '%USER_PREFIX%' .. u end
local function skey(s) return TAG .. '%SESSION_PREFIX%' .. s end
local function nukey(n) return TAG .. '%NODE_USERS_PREFIX%' .. n end
local function ikey(i) return TAG .. '%INTEREST_QUEUE_PREFIX%' .. i end
local function lkey(l) return TAG .. '%LANGUAGE_QUEUE_PREFIX%' .. l end
local function pair_key(a, b)
  if a < b then return TAG .. '%PAIR_ENDED_PREFIX%' .. a .. '|' .. b end
  return TAG .. '%PAIR_ENDED_PREFIX%' .. b .. '|' .. a
end

-- A user's socket as {id, node, conn} (empty strings when unknown).
local function ref(uid)
  local p = redis.call('HMGET', ukey(uid), 'node', 'conn')
  return {id = uid, node = p[1] or '', conn = p[2] or ''}
end

-- Splits a SEP-joined list ('' = empty); sep: another separator (',' for languages).
local function split(s, sep)
  local out = {}
  if s and s ~= '' then
    for part in string.gmatch(s, '([^' .. (sep or SEP) .. ']+)') do out[#out + 1] = part end
  end
  return out
end

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

-- The Redis clock in microseconds (a queue entry's score: arrival order, and its arrival time).
local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- Creates a session hash (caller, callee: what every reader needs) and points both users at it.
-- A side that was waiting (queued = true) gets its queue mark cleared in the same write.
local function create_session(sid, caller, callee, now)
  redis.call('HSET', skey(sid), 'caller', caller.id, 'callee', callee.id)
  redis.call('EXPIRE', skey(sid), SESSION_TTL)
  redis.call('ZADD', PENDING, now, sid)
  for _, w in ipairs({caller, callee}) do
    if w.queued then
      redis.call('HSET', ukey(w.id), 'session', sid, 'q', '')
    else
      redis.call('HSET', ukey(w.id), 'session', sid)
    end
  end
end

-- Removes a user's entries from the queue, its interest indexes (interests: SEP-joined) and its
-- language indexes (langs: comma-joined); the user hash's queue mark is the caller's to clear.
local function unqueue(uid, interests, langs)
  redis.call('ZREM', QUEUE, uid)
  local list = split(interests)
  if #list == 0 then
    redis.call('ZREM', PLAIN, uid)
  else
    for _, i in ipairs(list) do redis.call('ZREM', ikey(i), uid) end
  end
  for _, l in ipairs(split(langs, ',')) do redis.call('ZREM', lkey(l), uid) end
end

-- Takes a user out of the queue, if waiting (the queue mark `q` says so: nothing is touched otherwise).
local function dequeue(uid)
  local h = redis.call('HMGET', ukey(uid), 'q', 'interests', 'langs')
  if not tonumber(h[1]) then return false end
  unqueue(uid, h[2] or '', h[3] or '')
  redis.call('HDEL', ukey(uid), 'q')
  return true
end

-- Ends a session; returns the ref of the user other than uid, or nil.
-- Remembers when the pair ended (no instant rematch) unless forget is true (a match that never
-- became a call: undone before both sides knew of it). A user of it in the grace window leaves it:
-- one without a socket is forgotten entirely (nothing is left to resume), one whose new socket has
-- not resumed yet keeps that socket (its resume will answer session-gone).
-- known: optionally one user's fields already read (uid -> HMGET of session, conn, graceUntil, node).
local function end_session(sid, uid, forget, known)
  local s = redis.call('HMGET', skey(sid), 'caller', 'callee')
  redis.call('ZREM', PENDING, sid)
  if not s[1] then return nil end
  redis.call('DEL', skey(sid))
  if not forget then redis.call('SET', pair_key(s[1], s[2]), now_ms(), 'PX', PAIR_MEMORY_MS) end
  local peer, peer_ref = s[1], nil
  if peer == uid then peer = s[2] end
  for _, u in ipairs({s[1], s[2]}) do
    local h = (known and known[u]) or redis.call('HMGET', ukey(u), 'session', 'conn', 'graceUntil', 'node')
    if u == peer then peer_ref = {id = u, node = h[4] or '', conn = h[2] or ''} end
    if h[1] == sid then
      if h[3] then redis.call('ZREM', GRACE, u) end
      if not h[2] then
        redis.call('SREM', ONLINE, u)
        redis.call('DEL', ukey(u))
      else
        redis.call('HDEL', ukey(u), 'session', 'graceUntil')
      end
    end
  end
  return peer_ref
end

-- Removes a connected user everywhere; returns {sid, peer = ref} when a call ended, else nil.
local function remove_user(uid)
  local u = redis.call('HMGET', ukey(uid), 'node', 'session', 'q', 'interests', 'langs')
  if tonumber(u[3]) then unqueue(uid, u[4] or '', u[5] or '') end
  redis.call('SREM', ONLINE, uid)
  redis.call('ZREM', GRACE, uid)
  if u[1] then redis.call('SREM', nukey(u[1]), uid) end
  redis.call('DEL', ukey(uid))
  if u[2] then
    local r = end_session(u[2], uid)
    if r then return {sid = u[2], peer = r} end
  end
  return nil
end

-- A waiting user as a table; or nil, true when the entry is stale (socket gone, in a call, not
-- queued: remove it); or nil, false when its gateway looks dead (skip it: the reaper cleans up, and a
-- gateway that was only slow keeps its users).
local function waiting(c, now, ttl)
  local cu = redis.call('HMGET', ukey(c), 'conn', 'session', 'node', 'name', 'interests', 'q', 'dev', 'langs')
  local q = tonumber(cu[6])
  if (not cu[1]) or cu[2] or (not q) then return nil, true end
  if not node_alive(cu[3], now, ttl) then return nil, false end
  return {id = c, conn = cu[1], node = cu[3], name = cu[4] or '', interests = cu[5] or '',
    queuedAt = math.floor(q / 1000), seq = q, dev = cu[7] or '', langs = cu[8] or '', queued = true}
end

-- Interests two users share (a list, possibly empty).
local function common_interests(a, b)
  local set, out = {}, {}
  for _, i in ipairs(split(a)) do set[i] = true end
  for _, i in ipairs(split(b)) do if set[i] then out[#out + 1] = i end end
  return out
end

-- a's first language (comma-joined tags) that b speaks too, or ''.
local function common_language(a, b)
  if a == '' or b == '' then return '' end
  local theirs = {}
  for _, l in ipairs(split(b, ',')) do theirs[l] = true end
  for _, l in ipairs(split(a, ',')) do if theirs[l] then return l end end
  return ''
end

-- nil when a and b must not be paired now; else the list of shared interests (maybe empty) and the
-- shared language ('' when none). Rules: two who both stated languages must share one; then sharing
-- an interest pairs, two users without interests pair (FIFO); someone who waited longer than relax
-- pairs with anyone; and a pair that ended a call less than cooldown ms ago is not paired again
-- (unless only_two and both waited past relax). The cooldown GET runs last, for pairs the other
-- rules allow.
local function compatible(a, b, now, relax, cooldown, only_two)
  local a_long = now - a.queuedAt >= relax
  local b_long = now - b.queuedAt >= relax
  local relaxed = a_long or b_long
  local lang = common_language(a.langs, b.langs)
  if lang == '' and a.langs ~= '' and b.langs ~= '' and not relaxed then return nil end
  local common = common_interests(a.interests, b.interests)
  if not (#common > 0 or (a.interests == '' and b.interests == '') or relaxed) then return nil end
  if cooldown > 0 then
    local ended = redis.call('GET', pair_key(a.id, b.id))
    if ended and now - tonumber(ended) < cooldown and not (only_two and a_long and b_long) then return nil end
  end
  return common, lang
end

-- Pairs two users (older = caller) into session sid: the waiting ones leave the queue. Returns
-- {sid, caller, callee, common, lang, relaxed}: caller/callee {id, conn, node, name, dev (keyed device
-- hash), waitMs}; common: the shared interests; relaxed: paired without a shared interest although
-- one had interests.
local function pair(sid, x, y, common, lang, now)
  local caller, callee = x, y
  if y.seq < x.seq then caller, callee = y, x end
  for _, w in ipairs({caller, callee}) do
    if w.queued then unqueue(w.id, w.indexed or w.interests, w.indexedLangs or w.langs) end
  end
  create_session(sid, caller, callee, now)
  local function side(w)
    return {id = w.id, conn = w.conn, node = w.node, name = w.name, dev = w.dev, waitMs = now - w.queuedAt}
  end
  return {sid = sid, caller = side(caller), callee = side(callee), common = common, lang = lang,
    relaxed = #common == 0 and (caller.interests ~= '' or callee.interests ~= '')}
end

-- Undoes a match that did not become a call both sides know (no rematch cooldown). Returns the
-- refs of both users to tell, or an empty list when the session no longer exists.
local function undo_session(sid)
  local s = redis.call('HMGET', skey(sid), 'caller', 'callee')
  if not s[1] then
    redis.call('ZREM', PENDING, sid)
    return {}
  end
  local out = {ref(s[1]), ref(s[2])}
  end_session(sid, s[1], true)
  return out
end

-- The other user of session sid (nil when the session is gone).
local function peer_of(sid, uid)
  local s = redis.call('HMGET', skey(sid), 'caller', 'callee')
  if not s[1] then return nil end
  if s[1] == uid then return s[2] end
  return s[1]
end

-- A user whose socket was lost without meaning to, while in a live call: the call waits for it
-- (grace window). The socket is forgotten (conn, node's set); the session and the user stay. A user
-- already in grace keeps its deadline (a flapping link does not extend it). Returns
-- {sid, peer = ref, graceMs (left), epoch} (the peer to tell peer-reconnecting), or nil when the
-- user is in no live call (then nothing changed).
local function to_grace(uid, grace_ms, now)
  local u = redis.call('HMGET', ukey(uid), 'node', 'session', 'graceUntil')
  if not u[2] then return nil end
  local peer = peer_of(u[2], uid)
  if not peer then return nil end
  if u[1] then redis.call('SREM', nukey(u[1]), uid) end
  redis.call('HDEL', ukey(uid), 'conn')
  local deadline = tonumber(u[3])
  if not deadline then
    deadline = now + grace_ms
    redis.call('HSET', ukey(uid), 'graceUntil', deadline)
    redis.call('ZADD', GRACE, deadline, uid)
  end
  local epoch = redis.call('HINCRBY', skey(u[2]), 'epoch', 1)
  return {sid = u[2], peer = ref(peer), graceMs = math.max(0, deadline - now), epoch = epoch}
end

-- True while the store recovers from a stall (see reap_node.lua): deadlines that passed while
-- Redis or every matchmaker was frozen are not acted on until everyone had time to come back.
local function stalled(now, ttl)
  local last = tonumber(redis.call('GET', CLOCK) or '0')
  if last > 0 and now - last > ttl then return true end
  return tonumber(redis.call('GET', STALL) or '0') > now - ttl
end
