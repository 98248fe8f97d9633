package io.tandem.common.store;

import java.util.List;

/** One backup sweep: the pairs made, stale entries removed, and the queue's length after it. */
public record Sweep(List<Pairing> pairs, long removed, long queueLength) {}
