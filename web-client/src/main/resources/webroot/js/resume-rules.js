// resume-rules.js: the pure rules of a call that outlives its socket (docs/protocol.md, "Client behaviour on a
// dropped socket"): the grace window, when to give up, what to show, when to restart ICE. No DOM, no timers;
// resume.js runs them. state.js re-exports them.
import { t } from './i18n.js';

/** The server's grace window for a dropped socket unless a `peer-reconnecting` said otherwise (RESUME_GRACE_MS). */
export const RESUME_GRACE_MS = 10000;
/**
 * Resuming is given up this long after the grace window. For a dead gateway the server starts the
 * window only when it detects the loss (NODE_TTL_MS + SWEEP_INTERVAL_MS, about 6 s), so the client
 * waits that much longer than the window before it calls the call lost.
 */
export const RESUME_MARGIN_MS = 6000;
/** A graceMs outside 1 ms..2 min is not believed (the default is used). */
const MAX_GRACE_MS = 120000;

/** The grace window to assume: a plausible graceMs from the server, else the default. */
export function graceWindow(graceMs) {
  const n = Number(graceMs);
  return Number.isFinite(n) && n > 0 && n <= MAX_GRACE_MS ? Math.round(n) : RESUME_GRACE_MS;
}

/** When to stop trying to resume a call whose socket dropped at `droppedAt` (same clock as `now`). */
export function resumeDeadline(droppedAt, graceMs) {
  return droppedAt + graceWindow(graceMs) + RESUME_MARGIN_MS;
}

/** A dropped socket should resume (not re-queue) when a call is in progress: a session id is known. */
export function shouldResume({ sessionId }) {
  return typeof sessionId === 'string' && sessionId.length > 0;
}

/** The state to show once a call is resumed: what the call itself is at (connected, still connecting, failed). */
export function resumedState(callPhase) {
  return ['connected', 'connecting', 'failed'].includes(callPhase) ? callPhase : 'connecting';
}

/**
 * After `resumed` (or `peer-resumed`): the caller restarts ICE when the media path went down meanwhile
 * (iceConnectionState `disconnected` or `failed`); the callee answers the caller's offer as usual.
 */
export function needsIceRestart(role, iceState) {
  return role === 'caller' && (iceState === 'disconnected' || iceState === 'failed');
}

/** Whole seconds left (rounded up), never negative. */
export function secondsLeft(msLeft) {
  return Math.max(0, Math.ceil(msLeft / 1000));
}

/** An attempt under way this long (a socket stuck connecting) may be cut short with "Retry now". */
export const SLOW_ATTEMPT_MS = 2000;

/**
 * The reconnect banner over the call. ctx: {resuming, open, backoff, retryInMs, attemptMs, code}
 * - open: a socket is open again (the `resume` is on its way, or the re-join)
 * - backoff: the current or next attempt comes after a backoff (else it is a quick try: no countdown)
 * - retryInMs: time left to the next attempt, or null while an attempt runs (for attemptMs so far)
 * → {text, count, retry}: `count` is the live countdown ("trying again in 3 s"), `retry` shows "Retry now".
 */
export function reconnectBanner({
  resuming = false, open = false, backoff = false, retryInMs = null, attemptMs = 0, code = 0,
} = {}) {
  if (open) return { text: t(resuming ? 'reconnect.resuming' : 'reconnect.done'), count: '', retry: false };
  const quick = !backoff;
  if (code === 1012 && quick) return { text: t('reconnect.restarting'), count: '', retry: false };
  const text = t(resuming ? 'reconnect.callOn' : 'status.reconnecting');
  if (retryInMs != null && retryInMs > 0 && !quick) {
    return { text, count: t('reconnect.tryingIn', { count: Math.max(1, secondsLeft(retryInMs)) }), retry: true };
  }
  return { text, count: t('reconnect.tryingNow'), retry: retryInMs == null && (!quick || attemptMs >= SLOW_ATTEMPT_MS) };
}

/** The notice while the stranger's socket is down: "Bob's connection dropped, waiting… 7 s". */
export function peerAwayNotice(peerName, msLeft) {
  const s = secondsLeft(msLeft);
  const text = peerName ? t('peerAway.named', { name: peerName }) : t('peerAway.stranger');
  return { text, count: s > 0 ? t('common.seconds', { count: s }) : '' };
}
