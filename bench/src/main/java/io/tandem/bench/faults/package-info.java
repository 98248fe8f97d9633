/**
 * The reliability suite (fault injection): a matchmaker or gateway killed, a gateway stopped, Redis
 * restarted empty or frozen, auth or chat down; after each fault the crowd's invariants are checked
 * and the cost to a user is reported.
 */
package io.tandem.bench.faults;
