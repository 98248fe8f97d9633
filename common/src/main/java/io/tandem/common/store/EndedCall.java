package io.tandem.common.store;

import io.tandem.common.msg.UserRef;

/** A call that ended (or a match that was undone) and the peer who must be told. */
public record EndedCall(String sessionId, UserRef peer) {}
