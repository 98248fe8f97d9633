-- Shared by every Tandem script (prepended by io.tandem.common.RedisScript). All keys share the
-- hash tag of KEYS[1] (the queue), so each script runs on one Redis Cluster slot. Every key name
-- comes from io.tandem.common.RedisKeys (placeholders like %QUEUE%): the schema is spelled once.
-- Structured answers are JSON (cjson), read by name in io.tandem.common.store.StoreReplies.
local QUEUE = '%QUEUE%'
local QSEQ = '%QUEUE_SEQ%'
local ONLINE = '%ONLINE%'
local NODES = '%NODES%'
local PLAIN = '%QUEUE_PLAIN%'
local PENDING = '%PENDING%'
local CLOCK = '%STORE_CLOCK%'
local STALL = '%STORE_STALL%'
local GRACE = '%GRACE%'
local SESSION_TTL = %SESSION_TTL%
local PAIR_MEMORY_MS = %PAIR_MEMORY_MS%
local SEP = '\31'
local function ukey(u) return '%USER_PREFIX%' .. u end
local function skey(s) return '%SESSION_PREFIX%' .. s end
local function nukey(n) return '%NODE_USERS_PREFIX%' .. n end
local function ikey(i) return '%INTEREST_QUEUE_PREFIX%' .. i end
local function lkey(l) return '%LANGUAGE_QUEUE_PREFIX%' .. l end
local function pair_key(a, b)
  if a < b then return '%PAIR_ENDED_PREFIX%' .. a .. '|' .. b end
  return '%PAIR_ENDED_PREFIX%' .. b .. '|' .. a
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

-- Creates a session hash and points both users at it.
local function create_session(sid, caller, callee, region, now)
  redis.call('HSET', skey(sid), 'users', caller .. ',' .. callee, 'caller', caller,
    'callee', callee, 'createdAt', now, 'region', region)
  redis.call('EXPIRE', skey(sid), SESSION_TTL)
  redis.call('ZADD', PENDING, now, sid)
  redis.call('HSET', ukey(caller), 'session', sid)
  redis.call('HSET', ukey(callee), 'session', sid)
end

-- Removes a user from the queue, its interest and its language indexes (interests: SEP-joined and langs:
-- comma-joined, or nil to read both).
local function dequeue(uid, interests, langs)
  if interests == nil then
    local h = redis.call('HMGET', ukey(uid), 'interests', 'langs')
    interests, langs = h[1] or '', h[2] or ''
  end
  redis.call('ZREM', QUEUE, uid)
  local list = split(interests)
  if #list == 0 then
    redis.call('ZREM', PLAIN, uid)
  else
    for _, i in ipairs(list) do redis.call('ZREM', ikey(i), uid) end
  end
  for _, l in ipairs(split(langs, ',')) do redis.call('ZREM', lkey(l), uid) end
  redis.call('HDEL', ukey(uid), 'queuedAt', 'seq')
end

-- Ends a session; returns the ref of the user other than uid, or nil.
-- Remembers when the pair ended (no instant rematch) unless forget is true (a match that never
-- became a call: undone before both sides knew of it). A user of it in the grace window leaves it:
-- one without a socket is forgotten entirely (nothing is left to resume), one whose new socket has
-- not resumed yet keeps that socket (its resume will answer session-gone).
local function end_session(sid, uid, forget)
  local s = redis.call('HMGET', skey(sid), 'caller', 'callee')
  redis.call('ZREM', PENDING, sid)
  if not s[1] then return nil end
  redis.call('DEL', skey(sid))
  if not forget then redis.call('SET', pair_key(s[1], s[2]), now_ms(), 'PX', PAIR_MEMORY_MS) end
  local peer = s[1]
  if peer == uid then peer = s[2] end
  for _, u in ipairs({s[1], s[2]}) do
    local h = redis.call('HMGET', ukey(u), 'session', 'conn')
    if h[1] == sid then
      redis.call('ZREM', GRACE, u)
      if not h[2] then
        redis.call('SREM', ONLINE, u)
        redis.call('DEL', ukey(u))
      else
        redis.call('HDEL', ukey(u), 'session', 'graceUntil')
        redis.call('HSET', ukey(u), 'last', sid)
      end
    end
  end
  return ref(peer)
end

-- Removes a connected user everywhere; returns {sid, peer = ref} when a call ended, else nil.
local function remove_user(uid)
  local u = redis.call('HMGET', ukey(uid), 'node', 'session')
  dequeue(uid, nil)
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
  local cu = redis.call('HMGET', ukey(c), 'conn', 'session', 'node', 'name', 'interests', 'queuedAt', 'seq', 'dev', 'langs')
  if (not cu[1]) or cu[2] or (not cu[6]) then return nil, true end
  if not node_alive(cu[3], now, ttl) then return nil, false end
  return {id = c, conn = cu[1], node = cu[3], name = cu[4] or '', interests = cu[5] or '',
    queuedAt = tonumber(cu[6]), seq = tonumber(cu[7]), dev = cu[8] or '', langs = cu[9] or ''}
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
-- shared language ('' when none). Rules: a pair that ended a call less than cooldown ms ago is not
-- paired again (unless only_two and both waited past relax); two who both stated languages must share
-- one; then sharing an interest pairs, two users without interests pair (FIFO); someone who waited
-- longer than relax pairs with anyone.
local function compatible(a, b, now, relax, cooldown, only_two)
  local a_long = now - a.queuedAt >= relax
  local b_long = now - b.queuedAt >= relax
  local ended = redis.call('GET', pair_key(a.id, b.id))
  if ended and now - tonumber(ended) < cooldown and not (only_two and a_long and b_long) then return nil end
  local lang = common_language(a.langs, b.langs)
  local relaxed = a_long or b_long
  if lang == '' and a.langs ~= '' and b.langs ~= '' and not relaxed then return nil end
  local common = common_interests(a.interests, b.interests)
  if #common > 0 or (a.interests == '' and b.interests == '') or relaxed then return common, lang end
  return nil
end

-- Pairs two waiting users (older = caller) into session sid; returns {sid, caller, callee, common, lang,
-- relaxed}: caller/callee {id, conn, node, name, dev (keyed device hash), waitMs}; common: the
-- shared interests; relaxed: paired without a shared interest although one had interests.
local function pair(sid, x, y, common, lang, region, now)
  local caller, callee = x, y
  if y.seq < x.seq then caller, callee = y, x end
  dequeue(caller.id, caller.interests, caller.langs)
  dequeue(callee.id, callee.interests, callee.langs)
  create_session(sid, caller.id, callee.id, region, now)
  local function side(w)
    return {id = w.id, conn = w.conn, node = w.node, name = w.name, dev = w.dev or '', waitMs = now - w.queuedAt}
  end
  return {sid = sid, caller = side(caller), callee = side(callee), common = common, lang = lang,
    relaxed = #common == 0 and (caller.interests ~= '' or callee.interests ~= '')}
end

-- Puts a user in the queue (or refreshes its interests and languages, keeping its place). Returns its
-- waiting table. u: the user's fields as join.lua read them in one HMGET (conn, session, node, name,
-- seq, queuedAt, interests, dev, langs), so nothing is read twice.
local function enqueue(uid, u, interests, langs, now)
  local seq, queued_at = tonumber(u[5]), tonumber(u[6])
  if seq then
    dequeue(uid, u[7] or '', u[9] or '')
  else
    seq = redis.call('INCR', QSEQ)
    queued_at = now
  end
  redis.call('ZADD', QUEUE, seq, uid)
  local list = split(interests)
  if #list == 0 then
    redis.call('ZADD', PLAIN, seq, uid)
  else
    for _, i in ipairs(list) do redis.call('ZADD', ikey(i), seq, uid) end
  end
  for _, l in ipairs(split(langs, ',')) do redis.call('ZADD', lkey(l), seq, uid) end
  redis.call('HSET', ukey(uid), 'queuedAt', queued_at, 'seq', seq, 'interests', interests, 'langs', langs)
  return {id = uid, conn = u[1], node = u[3], name = u[4] or '', interests = interests, queuedAt = queued_at, seq = seq,
    dev = u[8] or '', langs = langs}
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
