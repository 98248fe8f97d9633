-- Undoes a match that could not be delivered (a side's socket or gateway gone, or no answer).
-- ARGV: sid. Succeeds whether or not the session still exists; no rematch cooldown is recorded.
-- Returns JSON {sid, users = [ref, ref] (both to be told) or [] when it no longer existed}.
return cjson.encode({sid = ARGV[1], users = undo_session(ARGV[1])})
