-- Presence counts. Returns {online, waiting}.
return {redis.call('SCARD', ONLINE), redis.call('ZCARD', QUEUE)}
