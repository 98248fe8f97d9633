-- A gateway node's heartbeat. ARGV: node, first ('1' on the first beat).
-- Returns 1 when fine, 0 when the node had been declared dead and reaped meanwhile (its sockets
-- are no longer known to Redis: the gateway must close them so clients reconnect).
local added = redis.call('ZADD', NODES, now_ms(), ARGV[1])
if added == 1 and ARGV[2] ~= '1' then return 0 end
return 1
