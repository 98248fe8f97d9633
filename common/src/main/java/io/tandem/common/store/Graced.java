package io.tandem.common.store;

import io.tandem.common.msg.UserRef;

/**
 * A call that waits for a user whose socket was lost: {@code peer} is to hear
 * {@code peer-reconnecting} (the window has {@code graceMs} left); {@code epoch} orders the grace
 * and resume notices of one session (a receiver ignores one older than what it saw).
 */
public record Graced(String sessionId, UserRef peer, long graceMs, long epoch) {}
