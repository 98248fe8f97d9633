-- leave-queue. ARGV: uid, conn. Returns 1 when an entry was removed, else 0.
if redis.call('HGET', ukey(ARGV[1]), 'conn') ~= ARGV[2] then return 0 end
return redis.call('ZREM', QUEUE, ARGV[1])
