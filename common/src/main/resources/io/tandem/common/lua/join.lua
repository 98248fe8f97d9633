-- join-queue, and the pairing attempt it triggers, in one atomic step.
-- ARGV: uid, conn, newSessionId, region, scanMax, nodeTtlMs, interests (SEP-joined), relaxMs, cooldownMs,
-- languages (comma-joined primary tags, '' = none).
-- The joiner enters the queue (a repeated join keeps its place), then the oldest compatible waiting
-- user is looked for in bounded scans: the front of the queue, the front of each of the joiner's
-- language indexes, of each of its interest indexes, and (for a joiner without interests) the front
-- of the no-interest index. Cost: O(log N + scanMax * (1 + languages + interests)). Stale entries met on the way are removed. The other
-- indexes are scanned only when the queue's own scan found nobody: every index is ordered by the
-- same seq and the queue holds everyone, so a partner found there is already the oldest compatible
-- one within the window (an older one in an index would have come first in the queue).
-- Returns JSON {status = 'gone' | 'in-session' | 'queued' | 'matched', sid?, pair? (see pair())}.
local uid, conn, sid = ARGV[1], ARGV[2], ARGV[3]
local scan, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local relax, cooldown = tonumber(ARGV[8]), tonumber(ARGV[9])
local u = redis.call('HMGET', ukey(uid), 'conn', 'session', 'node', 'name', 'seq', 'queuedAt', 'interests', 'dev', 'langs')
if u[1] ~= conn then return cjson.encode({status = 'gone'}) end
if u[2] then
  if redis.call('EXISTS', skey(u[2])) == 1 then return cjson.encode({status = 'in-session', sid = u[2]}) end
  redis.call('HDEL', ukey(uid), 'session')
end
local now = now_ms()
local me = enqueue(uid, u, ARGV[7], ARGV[10] or '', now)

local best, best_common, best_lang
local function consider(key)
  for _, c in ipairs(redis.call('ZRANGE', key, 0, scan - 1)) do
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
end
consider(QUEUE)
if not best then
  for _, l in ipairs(split(me.langs, ',')) do consider(lkey(l)) end
  local mine = split(me.interests)
  for _, i in ipairs(mine) do consider(ikey(i)) end
  if #mine == 0 then consider(PLAIN) end
end

if not best then return cjson.encode({status = 'queued'}) end
return cjson.encode({status = 'matched', pair = pair(sid, best, me, best_common, best_lang, ARGV[4], now)})
