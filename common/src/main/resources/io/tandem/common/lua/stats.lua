-- Presence counts. Returns JSON {online, waiting}.
return cjson.encode({online = redis.call('SCARD', ONLINE), waiting = redis.call('ZCARD', QUEUE)})
