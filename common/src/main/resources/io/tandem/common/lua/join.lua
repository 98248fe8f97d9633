-- join-queue, and the pairing attempt it triggers, in one atomic step.
-- ARGV: uid, conn, newSessionId, region (unused: kept for the callers' argument order), scanMax,
-- nodeTtlMs, interests (SEP-joined), relaxMs, cooldownMs, languages (comma-joined primary tags, '' = none),
-- fence (> 0: refused as 'gone' when a leave or abandon fenced this fence or a later one; 0 = not fenced).
-- The partner is looked for first; the joiner enters the queue only when there is none (a join
-- that pairs at once never touches the queue for the joiner). A repeated join keeps its place
-- (score = the first join's Redis time in µs) with the new interests and languages.
-- Where it looks, in bounded scans: the front of the queue; only when that scan found nobody and
-- did not cover the whole queue, the front of each of the joiner's language indexes, then of its
-- interest indexes (or of the no-interest index for a joiner without interests). Every index is ordered by the same score and
-- the queue holds everyone, so a partner found in the queue is already the oldest compatible one
-- within the window. Cost: O(log N + scanMax * (1 + languages + interests)). Stale entries met
-- are removed.
-- Returns JSON {status = 'gone' | 'in-session' | 'queued' | 'matched', sid?, pair? (see pair())}.
local uid, conn, sid = ARGV[1], ARGV[2], ARGV[3]
local scan, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local interests, relax, cooldown = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])
local langs = ARGV[10] or ''
local fence = tonumber(ARGV[11] or '0') or 0
local u = redis.call('HMGET', ukey(uid), 'conn', 'session', 'node', 'name', 'q', 'interests', 'dev', 'langs', 'fence')
if u[1] ~= conn then return cjson.encode({status = 'gone'}) end
if fence > 0 and fence <= (tonumber(u[9]) or 0) then return cjson.encode({status = 'gone'}) end
if u[2] then
  if redis.call('EXISTS', skey(u[2])) == 1 then return cjson.encode({status = 'in-session', sid = u[2]}) end
  redis.call('HDEL', ukey(uid), 'session')
end
local now_u = now_us()
local now = math.floor(now_u / 1000)
local q = tonumber(u[5])
local me = {id = uid, conn = conn, node = u[3] or '', name = u[4] or '', interests = interests, seq = q or now_u,
  queuedAt = math.floor((q or now_u) / 1000), dev = u[7] or '', queued = q ~= nil, indexed = u[6] or '', langs = langs, indexedLangs = u[8] or ''}

local best, best_common, best_lang
-- Scans one index; returns true when it saw the whole index.
local function consider(key)
  local list = redis.call('ZRANGE', key, 0, scan - 1)
  for _, c in ipairs(list) do
    if c ~= uid then
      local w, stale = waiting(c, now, ttl)
      if stale then
        redis.call('ZREM', key, c)
      elseif w then
        local common, lang = compatible(me, w, now, relax, cooldown, false)
        if common then
          if (not best) or w.seq < best.seq then best, best_common, best_lang = w, common, lang end
          return
        end
      end
    end
  end
  return #list < scan
end
if not consider(QUEUE) and not best then
  for _, l in ipairs(split(langs, ',')) do consider(lkey(l)) end
  local mine = split(interests)
  for _, i in ipairs(mine) do consider(ikey(i)) end
  if #mine == 0 then consider(PLAIN) end
end

if best then
  return cjson.encode({status = 'matched', pair = pair(sid, best, me, best_common, best_lang, now)})
end
-- Nobody: wait (or keep waiting with the new interests).
if not (me.queued and me.indexed == interests and me.indexedLangs == langs) then
  if me.queued then unqueue(uid, me.indexed, me.indexedLangs) end
  redis.call('ZADD', QUEUE, me.seq, uid)
  local list = split(interests)
  if #list == 0 then
    redis.call('ZADD', PLAIN, me.seq, uid)
  else
    for _, i in ipairs(list) do redis.call('ZADD', ikey(i), me.seq, uid) end
  end
  for _, l in ipairs(split(langs, ',')) do redis.call('ZADD', lkey(l), me.seq, uid) end
  redis.call('HSET', ukey(uid), 'q', me.seq, 'interests', interests, 'langs', langs)
end
return cjson.encode({status = 'queued'})
