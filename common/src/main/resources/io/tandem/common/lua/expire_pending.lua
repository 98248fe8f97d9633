-- Undoes matches still unconfirmed confirmMs after pairing (the matchmaker that made them died or
-- lost its replies): both users are told, and a side still searching searches again.
-- ARGV: confirmMs, batch. Returns JSON {undone = [{sid, users = [ref, ref]}, ...]}.
local stale = redis.call('ZRANGEBYSCORE', PENDING, '-inf', now_ms() - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, sid in ipairs(stale) do
  local told = undo_session(sid)
  if #told == 2 then out[#out + 1] = {sid = sid, users = told} end
end
return cjson.encode({undone = out})
