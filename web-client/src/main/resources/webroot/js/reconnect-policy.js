// reconnect-policy.js: what the signaling socket does after a close (docs/protocol.md, close codes) and how
// long it waits: exponential backoff with jitter, quick reconnects while a call waits to be resumed.

/** Longest backoff between two reconnect attempts (ms). */
export const MAX_BACKOFF_MS = 30000;
/** A draining gateway (close 1012) is left within this random delay, so its sockets do not all reconnect at once. */
export const RESTART_JITTER_MS = 500;

/**
 * While a call waits to be resumed, the backoff stops growing here: the server keeps the call for about
 * 10 s only, so a 4 s or 8 s wait would waste most of that window.
 */
export const URGENT_MAX_BACKOFF_MS = 2000;

/** Backoff before reconnect attempt `attempt` (0-based): 1 s, 2 s, 4 s … `cap` (30 s), ±20% jitter. */
export function backoffDelay(attempt, random = Math.random, cap = MAX_BACKOFF_MS) {
  const base = Math.min(cap, 1000 * 2 ** Math.max(0, attempt));
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(cap, Math.max(500, jittered)));
}

/** Quick (jittered) reconnects in a row for a call before backing off: a gateway that keeps dropping us is not hammered. */
export const URGENT_QUICK_TRIES = 2;

/**
 * What to do after a close. Returns {action: 'reconnect'|'stop', delay: 'now'|'jitter'|'backoff',
 * fresh: boolean (refresh the token first), reason: string}.
 * - 1012 (the gateway is restarting or draining): reconnect at once to the same URL, after a small random
 *   jitter (`RESTART_JITTER_MS`); a load balancer sends the new socket to another gateway. Never a backoff,
 *   never a stop, however often it happens: every 1012 is a deliberate hand-over, not a failure.
 * - `urgent` (a call waits to be resumed): an open socket that dropped is replaced at once (jitter), not
 *   after a backoff; attempts that never open back off as usual.
 */
export function closePolicy(code, opened, preOpenFailures, urgent = false) {
  switch (code) {
    case 1000: return { action: 'stop', reason: 'normal' };
    case 1008: return { action: 'stop', reason: 'policy' };
    case 4000: return { action: 'stop', reason: 'replaced' };
    case 4001: return { action: 'reconnect', delay: 'now', fresh: true, reason: 'expired' };
    case 1012: return { action: 'reconnect', delay: 'jitter', fresh: false, reason: 'restarting' };
    default:
      // A handshake refused with 401/403 shows up as 1006 before `open`: after two of those in a row,
      // get a new token before trying again (that also surfaces a 403 `blocked`).
      return {
        action: 'reconnect', delay: urgent && opened ? 'jitter' : 'backoff', fresh: !opened && preOpenFailures >= 2, reason: 'dropped',
      };
  }
}

/**
 * Milliseconds to wait before the reconnect a policy asks for. `immediate` counts the "now" reconnects
 * in a row: a third one in a row backs off instead (a server that keeps closing with 4001 must not cause
 * a tight loop). `attempt` is the backoff exponent. `quick` counts the jittered reconnects for a call in a
 * row (reason 'dropped'): past URGENT_QUICK_TRIES they back off too. 1012's jitter never backs off.
 */
export function reconnectDelay(policy, { attempt = 0, immediate = 0, quick = 0 } = {}, random = Math.random) {
  if (policy.delay === 'jitter' && policy.reason === 'dropped' && quick >= URGENT_QUICK_TRIES) return backoffDelay(attempt, random);
  if (policy.delay === 'jitter') return Math.floor(random() * RESTART_JITTER_MS);
  if (policy.delay === 'now' && immediate < 2) return 0;
  return backoffDelay(attempt, random);
}
