-- Backup pairing: the event-driven join misses pairs that become compatible later (someone waited
-- past the relax time) or that raced. Looks at the oldest scanMax live entries and pairs greedily,
-- oldest first, each with the oldest compatible younger entry. Cost: O(scanMax^2) checks, bounded.
-- ARGV: region (unused), scanMax, nodeTtlMs, relaxMs, cooldownMs, sessionId1 .. sessionIdN (at most N pairs).
-- Returns JSON {removed, queueLength, pairs = [pair(), ...]}.
local scan, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
local relax, cooldown = tonumber(ARGV[4]), tonumber(ARGV[5])
local now = now_ms()
local live, removed = {}, 0
for _, c in ipairs(redis.call('ZRANGE', QUEUE, 0, scan - 1)) do
  local w, stale = waiting(c, now, ttl)
  if w then
    live[#live + 1] = w
  elseif stale then
    removed = removed + 1
    redis.call('ZREM', QUEUE, c)
    redis.call('ZREM', PLAIN, c)
  end
end
local only_two = #live == 2 and redis.call('ZCARD', QUEUE) == 2
local pairs_made, used, n = {}, {}, 6
for i = 1, #live do
  if not used[i] and ARGV[n] then
    for j = i + 1, #live do
      if not used[j] then
        local common, lang = compatible(live[i], live[j], now, relax, cooldown, only_two)
        if common then
          used[i], used[j] = true, true
          pairs_made[#pairs_made + 1] = pair(ARGV[n], live[i], live[j], common, lang, now)
          n = n + 1
          break
        end
      end
    end
  end
end
return cjson.encode({removed = removed, queueLength = redis.call('ZCARD', QUEUE), pairs = pairs_made})
