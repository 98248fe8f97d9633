-- leave-queue. ARGV: uid, conn, fence (> 0: joins fenced with it or an earlier one are refused from now on;
-- see join.lua). Returns 1 when the user was waiting, else 0.
if redis.call('HGET', ukey(ARGV[1]), 'conn') ~= ARGV[2] then return 0 end
local fence = tonumber(ARGV[3] or '0') or 0
if fence > 0 and fence > (tonumber(redis.call('HGET', ukey(ARGV[1]), 'fence')) or 0) then
  redis.call('HSET', ukey(ARGV[1]), 'fence', fence)
end
if dequeue(ARGV[1]) then return 1 end
return 0
