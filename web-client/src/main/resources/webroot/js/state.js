// state.js: the page's logic without the DOM: its states and their legal transitions, what each state
// shows (status text, hint, placeholder, which controls work), form validation, error texts and small
// helpers. Pure functions only (no document, no network, no timers), unit-tested in tests.html.

import { ApiError } from './api.js';

/**
 * States (shown in #status[data-state]):
 *   landing → media → searching → connecting → connected
 *                        ↑   ↑         │            │ peer-disconnected
 *                        │   └─ Next ──┴────────────┤
 *                        │                          ↓
 *                        └──── (queued) ───────── peer-left
 *   connecting/connected → failed (timeout or ICE failed twice; Next goes on)
 *   any online state → reconnecting (socket dropped) → searching (re-queued)
 *   in a call: connecting/connected/failed → reconnecting (socket dropped; the call and its media go on)
 *     → back to the call's own state (`resumed`) or → searching (`session-gone`, or no answer in time)
 *   any → stopped (another tab took over, policy close, blocked) → landing (Start again)
 *   Stop → landing
 */
export const STATES = ['landing', 'media', 'searching', 'connecting', 'connected', 'peer-left', 'failed',
  'reconnecting', 'stopped'];

/** States in which we are online with the matchmaker (Next works). */
export const ONLINE_STATES = ['searching', 'connecting', 'connected', 'peer-left', 'failed'];

/** Legal moves; anything else is a bug (app.js logs it). Staying in a state (new text) is always legal. */
export const TRANSITIONS = Object.freeze({
  landing: ['media', 'searching', 'stopped'],
  media: ['searching', 'landing', 'stopped'],
  // → media from a search or a call: the camera failed after we went online while it opened (media.js goOffline)
  searching: ['connecting', 'reconnecting', 'landing', 'stopped', 'media'],
  connecting: ['connected', 'failed', 'searching', 'peer-left', 'reconnecting', 'landing', 'stopped', 'media'],
  connected: ['connecting', 'failed', 'searching', 'peer-left', 'reconnecting', 'landing', 'stopped', 'media'],
  'peer-left': ['searching', 'connecting', 'reconnecting', 'landing', 'stopped', 'media'],
  failed: ['searching', 'connecting', 'peer-left', 'reconnecting', 'landing', 'stopped', 'media'],
  reconnecting: ['searching', 'connecting', 'connected', 'failed', 'peer-left', 'landing', 'stopped', 'media'],
  stopped: ['landing'],
});

export function canTransition(from, to) {
  return from === to || (TRANSITIONS[from] || []).includes(to);
}

export const STATUS_TEXT = Object.freeze({
  landing: '',
  media: 'Starting your camera…',
  searching: 'Searching…',
  connecting: 'Connecting…',
  connected: 'Connected',
  'peer-left': 'Stranger left — finding someone new…',
  failed: 'Connection failed',
  reconnecting: 'Reconnecting…',
  stopped: 'Stopped',
});

/** "You both like chess." / "You both like chess and music." / '' from matched.commonInterests. */
export function sharedInterestText(common) {
  const list = (Array.isArray(common) ? common : [])
    .filter((t) => typeof t === 'string' && t.trim()).map((t) => t.trim().slice(0, 32)).slice(0, 3);
  if (!list.length) return '';
  const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  return `You both like ${joined}.`;
}

/** The status line's second line for a state. ctx: {peerName, shared} */
export function defaultHint(state, { peerName = '', shared = '' } = {}) {
  const both = shared ? ` ${shared}` : '';
  switch (state) {
    case 'connecting': return peerName ? `Meeting ${peerName}…${both}` : '';
    case 'connected': return peerName ? `You're talking with ${peerName}.${both}` : '';
    case 'failed': return 'The video could not connect. Press Next to meet someone else; you can still chat meanwhile.';
    default: return '';
  }
}

/**
 * Text over the stranger's video. ctx: {peerName, hasRemoteVideo, peerCameraOff, resuming}
 * `resuming`: our socket dropped during a call; the stranger's video keeps playing, so nothing covers it
 * (the reconnect banner says what is going on).
 */
export function placeholderText(state, { peerName = '', hasRemoteVideo = false, peerCameraOff = false, resuming = false } = {}) {
  const name = peerName || 'the stranger';
  if (resuming) return hasRemoteVideo && peerCameraOff ? `${name} turned the camera off.` : '';
  switch (state) {
    case 'searching': return 'Looking for someone to talk to…';
    case 'connecting': return `Connecting to ${name}…`;
    case 'connected':
      if (!hasRemoteVideo) return `${name} has no camera on: text only.`;
      return peerCameraOff ? `${name} turned the camera off.` : '';
    case 'peer-left': return 'The stranger left.';
    case 'failed': return 'The video could not connect.';
    case 'reconnecting': return 'Connection lost. Reconnecting…';
    default: return '';
  }
}

/** Which controls work. ctx: {inSession, canReport} → {next, stop, report, restart, chat} (true = enabled/shown) */
export function controlsFor(state, { inSession = false, canReport = false } = {}) {
  return {
    next: ONLINE_STATES.includes(state),
    stop: state !== 'landing',
    report: canReport && state !== 'stopped',
    restart: state === 'stopped',
    chat: inSession,
  };
}

/** "12 online · 3 waiting" from a stats/queued frame or GET /stats; '' when it carries no numbers. */
export function statsText(data) {
  const parts = [];
  for (const [key, label] of [['online', 'online'], ['waiting', 'waiting']]) {
    const n = data && typeof data[key] === 'number' ? data[key] : NaN;
    if (Number.isFinite(n) && n >= 0) parts.push(`${Math.floor(n)} ${label}`);
  }
  return parts.join(' · ');
}

/** Esc twice for Next: how long the second press may take. */
export const ESC_WINDOW_MS = 2000;

/**
 * What an Esc press does: 'arm' (show "Press Esc again for Next") or 'next'. `armedAt` is when the
 * previous Esc armed it (null if not armed); `now` is this press.
 */
export function escapeAction(armedAt, now, windowMs = ESC_WINDOW_MS) {
  return armedAt != null && now - armedAt >= 0 && now - armedAt <= windowMs ? 'next' : 'arm';
}

// A call that outlives its socket: its rules are in resume-rules.js (re-exported here for callers).
export {
  RESUME_GRACE_MS, RESUME_MARGIN_MS, graceWindow, resumeDeadline, shouldResume, resumedState, needsIceRestart,
  secondsLeft, SLOW_ATTEMPT_MS, reconnectBanner, peerAwayNotice,
} from './resume-rules.js';

/** The chat note when a call ends for a peer-disconnected reason. */
export function peerGoneText(reason) {
  switch (reason) {
    case 'disconnected': return 'The stranger lost their connection.';
    case 'timeout': return 'The stranger\'s connection was lost and did not come back.';
    case 'match-failed': return 'The connection to the stranger could not be set up.';
    default: return 'The stranger left the chat.';
  }
}

/** The server's default text for `moderated` (no detail worth repeating). */
const MODERATED_DEFAULT = 'Message not sent: it breaks the chat rules';

export const REPORT_REASONS = ['harassment', 'nudity', 'spam', 'underage', 'other'];
/** The chat notice when Start goes on without camera and microphone. */
export const TEXT_ONLY_NOTICE = 'Text only: the stranger will not see or hear you, but you will see and hear them.';
export const UNDERAGE_MESSAGE = 'Sorry, Tandem is only for adults (18 and over). Thanks for being honest, and take care!';
const MAX_INTERESTS = 10;
const MAX_INTEREST_CHARS = 32;

/** Validate the landing form. → {ok: true, profile: {name, age, interests}} | {ok: false, field, message} */
export function validateProfile({ name, age, interests }) {
  // eslint-disable-next-line no-control-regex
  const cleanName = String(name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
  if (cleanName.length < 1) return { ok: false, field: 'name', message: 'Please enter a name (it can be a nickname).' };
  if (cleanName.length > 32) return { ok: false, field: 'name', message: 'Please keep your name to 32 characters or fewer.' };
  const ageText = String(age ?? '').trim();
  if (!ageText) return { ok: false, field: 'age', message: 'Please enter your age.' };
  if (!/^\d{1,3}$/.test(ageText)) return { ok: false, field: 'age', message: 'Please enter your age as a whole number.' };
  const ageNum = Number(ageText);
  if (ageNum < 18) return { ok: false, field: 'age', message: UNDERAGE_MESSAGE, underage: true };
  if (ageNum > 120) return { ok: false, field: 'age', message: 'Please enter your real age.' };
  const list = [];
  for (const raw of String(interests ?? '').split(/[,;\n]/)) {
    const t = raw.replace(/\s+/g, ' ').trim().toLowerCase();
    if (t && !list.includes(t)) list.push(t);
  }
  if (list.length > MAX_INTERESTS) {
    return { ok: false, field: 'interests', message: `Please list at most ${MAX_INTERESTS} interests.` };
  }
  if (list.some((t) => t.length > MAX_INTEREST_CHARS)) {
    return { ok: false, field: 'interests', message: `Please keep each interest under ${MAX_INTEREST_CHARS} characters.` };
  }
  return { ok: true, profile: { name: cleanName, age: ageNum, interests: list } };
}

/** Landing-page text for a failed token request. → {message, retry} */
export function describeApiError(err) {
  if (!(err instanceof ApiError)) return { message: 'Something went wrong. Please try again.', retry: true };
  switch (err.code) {
    case 'underage': return { message: UNDERAGE_MESSAGE, retry: false };
    case 'blocked': return { message: 'Sorry, Tandem is not available from this device or network.', retry: false };
    case 'rate-limited':
      return { message: `Too many attempts. Please wait ${err.retryAfter || 'a few'} seconds and try again.`, retry: true };
    case 'timeout': return { message: 'Tandem is taking too long to answer. Please try again.', retry: true };
    case 'network': return { message: 'We could not reach Tandem. Check your internet connection and try again.', retry: true };
    case 'bad-request': return { message: `Please check your details: ${err.message}`, retry: false };
    default:
      if (err.transient) return { message: 'Tandem is having trouble right now. Please try again in a moment.', retry: true };
      return { message: err.message || 'Something went wrong. Please try again.', retry: true };
  }
}

const ERROR_TEXT = {
  'invalid-message': 'That message could not be sent: it was empty or longer than 1000 characters.',
  moderated: 'Not sent: that message breaks the chat rules. It is still in the box, so you can change it.',
  'rate-limited': 'You are sending too fast. Please slow down a little.',
  'not-in-session': 'That could not be delivered: the chat has ended.',
  'in-session': 'You are already in a chat.',
  'invalid-json': 'The server could not read a message from this page.',
  'unknown-type': 'The server did not understand a message from this page.',
  'invalid-field': 'The server refused a message from this page.',
  'too-large': 'That was too large to send.',
  unauthorized: 'Your session could not be verified.',
  unavailable: 'Tandem is busy right now. Please try again.',
  'peer-away': 'Not sent yet: the stranger is reconnecting. It is still in the box, so you can send it again in a moment.',
  'session-gone': 'That chat has ended.',
  internal: 'Something went wrong on our side.',
};

/** Chat-area text for a server `error` frame. */
export function describeServerError(d) {
  const code = typeof d.code === 'string' ? d.code : 'error';
  const base = ERROR_TEXT[code] || 'The server reported a problem.';
  // The server's own message helps where ours is generic (it names the field for invalid-field).
  const detail = (code === 'invalid-field' || code === 'moderated' || !ERROR_TEXT[code]) && typeof d.message === 'string' && d.message
    && !(code === 'moderated' && d.message === MODERATED_DEFAULT)
    ? ` ${d.message.slice(0, 160)}` : '';
  return `${base}${detail} (${code})`;
}


