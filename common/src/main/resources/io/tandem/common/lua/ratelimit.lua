-- A GCRA rate limiter on one key (KEYS[1]).
-- ARGV: emissionIntervalMs (period / rate), burst (requests allowed back to back).
-- Smooth: at most burst + rate requests in any window of one period, never 2x at a window edge.
-- Returns {1, 0} when allowed, {0, retryAfterMs} when refused.
local key = KEYS[1]
local t, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
local tat = tonumber(redis.call('GET', key) or now)
if tat < now then tat = now end
local allow_at = tat - (burst - 1) * t
if now < allow_at then return {0, allow_at - now} end
local new_tat = tat + t
redis.call('SET', key, new_tat, 'PX', math.ceil(new_tat - now) + 1)
return {1, 0}
