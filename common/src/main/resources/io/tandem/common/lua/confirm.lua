-- Matches reached both sides (the matchmaker delivered them): no longer pending, so the sweep will
-- not undo them. ARGV: one or more sids (a matchmaker confirms what it delivered in the last few ms
-- at once). Returns how many were still pending (already confirmed or ended ones succeed too).
return redis.call('ZREM', PENDING, unpack(ARGV))
