/**
 * One socket's call, without I/O: {@code CallState} (the phase, {@code CallPhase}'s table of changes,
 * the search in {@code Search}, the stranger in {@code Stranger}, frames that came before their match
 * in {@code EarlyRelays}) decides, and returns {@code CallAction}s for the interpreter in
 * {@code io.tandem.gateway.steps}. Owns each socket's call state (confined to the socket's loop).
 */
package io.tandem.gateway.call;
