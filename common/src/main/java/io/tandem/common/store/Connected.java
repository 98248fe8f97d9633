package io.tandem.common.store;

import io.tandem.common.msg.UserRef;

/**
 * A socket registered. {@code replaced}: the user's previous socket (to close), or null;
 * {@code ended}: the call that ended with it (its peer to tell), or null; {@code graced}: its call
 * that now waits in the grace window instead (its peer to tell), or null; {@code resumable}: the
 * session this socket may take back with resume, or null.
 */
public record Connected(UserRef replaced, EndedCall ended, Graced graced, String resumable) {}
