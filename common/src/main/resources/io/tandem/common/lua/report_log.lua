-- Appends a report to the capped list of recent reports (KEYS[1]), atomically.
-- ARGV: entryJson, kept. Returns the list's length.
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return redis.call('LLEN', KEYS[1])
