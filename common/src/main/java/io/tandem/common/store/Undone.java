package io.tandem.common.store;

import io.tandem.common.msg.UserRef;
import java.util.List;

/** A match undone before it became a call both sides knew, and the users (zero or two) to tell. */
public record Undone(String sessionId, List<UserRef> users) {}
