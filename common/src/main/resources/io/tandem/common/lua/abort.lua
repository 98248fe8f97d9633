-- Undoes a match that could not be delivered (a side's socket or gateway gone, or no answer).
-- ARGV: sid. Succeeds whether or not the session still exists; no rematch cooldown is recorded.
-- Returns {callerId, callerNode, callerConn, calleeId, calleeNode, calleeConn} (both to be told), or {}.
return undo_session(ARGV[1])
