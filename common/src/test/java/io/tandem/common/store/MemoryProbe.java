package io.tandem.common.store;

import io.tandem.common.msg.UserRef;
import java.util.Set;
import java.util.function.Function;

/** {@link StoreProbe} over a {@link MemoryCallStore}'s maps. */
final class MemoryProbe implements StoreProbe {
  private final MemoryCallStore store;

  MemoryProbe(MemoryCallStore store) {
    this.store = store;
  }

  private <T> T read(Function<MemoryState, T> f) {
    return store.inspect(f);
  }

  private <T> T user(UserRef u, Function<MemoryUser, T> f) {
    return read(s -> {
      MemoryUser m = s.users.get(u.userId());
      return m == null ? null : f.apply(m);
    });
  }

  @Override
  public CallStore store() {
    return store;
  }

  @Override
  public long now() {
    return read(MemoryState::now);
  }

  @Override
  public boolean queued(UserRef u) {
    return queueSeq(u) != null;
  }

  @Override
  public Long queueSeq(UserRef u) {
    return read(s -> s.queue.score(u.userId()));
  }

  @Override
  public boolean interestIndexed(String interest) {
    return read(s -> s.interestIndexes.containsKey(interest));
  }

  @Override
  public boolean languageIndexed(String tag) {
    return read(s -> s.languageIndexes.containsKey(tag));
  }

  @Override
  public String session(UserRef u) {
    return user(u, m -> m.session);
  }

  @Override
  public boolean sessionExists(String sessionId) {
    return read(s -> s.session(sessionId) != null);
  }

  @Override
  public boolean pending(String sessionId) {
    return read(s -> s.pending.score(sessionId) != null);
  }

  @Override
  public boolean userKnown(UserRef u) {
    return read(s -> s.users.containsKey(u.userId()));
  }

  @Override
  public String conn(UserRef u) {
    return user(u, m -> m.conn);
  }

  @Override
  public String node(UserRef u) {
    return user(u, m -> m.node);
  }

  @Override
  public boolean onNode(String node, UserRef u) {
    return read(s -> s.nodeUsers.getOrDefault(node, Set.of()).contains(u.userId()));
  }

  @Override
  public boolean inGrace(UserRef u) {
    return read(s -> s.grace.score(u.userId()) != null);
  }

  @Override
  public boolean graceDeadline(UserRef u) {
    return user(u, m -> m.graceUntil) != null;
  }

  @Override
  public long graceCount() {
    return read(s -> s.grace.size());
  }

  @Override
  public void lastReapAt(long ms) {
    read(s -> s.storeClock = ms);
  }

  @Override
  public void stallEndedAt(long ms) {
    read(s -> {
      s.stallAt = ms;
      s.stallExpiresAt = ms == 0 ? 0 : Long.MAX_VALUE;
      return null;
    });
  }

  @Override
  public void lastBeat(String node, long ms) {
    read(s -> s.nodes.add(node, ms));
  }
}
