package io.tandem.common.store;

import java.util.Optional;

/**
 * What {@link CallStore#join} did: the user waits in the queue ({@link Queued}), or was paired at
 * once ({@link Paired}, the new session pending until confirmed). Refusals (GONE, IN_SESSION) are
 * failures, not outcomes.
 */
public sealed interface JoinOutcome permits JoinOutcome.Queued, JoinOutcome.Paired {
  /** The one {@link Queued} answer. */
  JoinOutcome QUEUED = new Queued();

  /** The new session when the user was paired, else empty. */
  Optional<Pairing> paired();

  /** The user waits in the queue (a repeated join keeps its place). */
  record Queued() implements JoinOutcome {
    @Override
    public Optional<Pairing> paired() {
      return Optional.empty();
    }
  }

  /** The user was paired at once with the oldest compatible waiting user (who is the caller). */
  record Paired(Pairing pairing) implements JoinOutcome {
    @Override
    public Optional<Pairing> paired() {
      return Optional.of(pairing);
    }
  }
}
