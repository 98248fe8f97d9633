-- A match reached both sides (the matchmaker delivered it): the session is no longer pending, so
-- the sweep will not undo it. ARGV: sid. Returns 1 when it was pending, else 0 (already confirmed
-- or ended: succeeds either way).
return redis.call('ZREM', PENDING, ARGV[1])
