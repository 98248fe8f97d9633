-- leave-queue. ARGV: uid, conn. Returns 1 when the user was waiting, else 0.
if redis.call('HGET', ukey(ARGV[1]), 'conn') ~= ARGV[2] then return 0 end
if dequeue(ARGV[1]) then return 1 end
return 0
