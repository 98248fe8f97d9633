-- Backup pairing: the event-driven join misses pairs that become compatible later (someone waited
-- past the relax time) or that raced. Looks at the oldest scanMax live entries and pairs greedily,
-- oldest first, each with the oldest compatible younger entry. Cost: O(scanMax^2) checks, bounded.
-- ARGV: region, scanMax, nodeTtlMs, relaxMs, cooldownMs, sessionId1 .. sessionIdN (at most N pairs).
-- Returns {removedCount, queueLength, then a flat list of 15-value tuples (see pair())}.
local region, scan, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
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
local out, used, n = {0, 0}, {}, 6
for i = 1, #live do
  if not used[i] and ARGV[n] then
    for j = i + 1, #live do
      if not used[j] then
        local common = compatible(live[i], live[j], now, relax, cooldown, only_two)
        if common then
          used[i], used[j] = true, true
          for _, v in ipairs(pair(ARGV[n], live[i], live[j], common, region, now)) do out[#out + 1] = v end
          n = n + 1
          break
        end
      end
    end
  end
end
out[1] = removed
out[2] = redis.call('ZCARD', QUEUE)
return out
