// state.js: the page's logic without the DOM: its states and their legal transitions, what each state
// shows (status text, hint, placeholder, which controls work), form validation, error texts and small
// helpers. Pure functions only (no document, no network, no timers), unit-tested in tests.html.

import { ApiError } from './api.js';
import { t, has, formatList, languageName, serverDetail } from './i18n.js';

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

/** The status line's text for a state ('' on the landing). */
export function statusText(state) {
  return STATES.includes(state) && state !== 'landing' ? t(`status.${state}`) : '';
}

/** "You both like chess." / "You both like chess and music." / '' from matched.commonInterests. */
export function sharedInterestText(common) {
  const list = (Array.isArray(common) ? common : [])
    .filter((x) => typeof x === 'string' && x.trim()).map((x) => x.trim().slice(0, 32)).slice(0, 3);
  if (!list.length) return '';
  return t('shared.interests', { list: formatList(list) });
}

/** "You both speak Spanish." in the page's language from matched.commonLanguage (a primary tag); '' without one. */
export function sharedLanguageText(tag) {
  if (typeof tag !== 'string' || !/^[a-z]{2,3}$/.test(tag)) return '';
  return t('shared.language', { language: languageName(tag) });
}

/** What two strangers share, language first: "You both speak Spanish. You both like chess." */
export function sharedText(commonInterests, commonLanguage) {
  return [sharedLanguageText(commonLanguage), sharedInterestText(commonInterests)].filter(Boolean).join(' ');
}

/** The status line's second line for a state. ctx: {peerName, shared} */
export function defaultHint(state, { peerName = '', shared = '' } = {}) {
  const both = shared ? ` ${shared}` : '';
  switch (state) {
    case 'connecting': return peerName ? `${t('hint.meeting', { name: peerName })}${both}` : '';
    case 'connected': return peerName ? `${t('hint.talking', { name: peerName })}${both}` : '';
    case 'failed': return t('hint.failed');
    default: return '';
  }
}

/**
 * Text over the stranger's video. ctx: {peerName, hasRemoteVideo, peerCameraOff, resuming}
 * `resuming`: our socket dropped during a call; the stranger's video keeps playing, so nothing covers it
 * (the reconnect banner says what is going on).
 */
export function placeholderText(state, { peerName = '', hasRemoteVideo = false, peerCameraOff = false, resuming = false } = {}) {
  const name = peerName || t('common.theStranger');
  const cameraOff = () => t('call.peerCameraOff', { name });
  if (resuming) return hasRemoteVideo && peerCameraOff ? cameraOff() : '';
  switch (state) {
    case 'searching': return t('placeholder.searching');
    case 'connecting': return t('placeholder.connecting', { name });
    case 'connected':
      if (!hasRemoteVideo) return t('placeholder.noCamera', { name });
      return peerCameraOff ? cameraOff() : '';
    case 'peer-left': return t('placeholder.peerLeft');
    case 'failed': return t('placeholder.failed');
    case 'reconnecting': return t('placeholder.reconnecting');
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

/**
 * "12 online · 3 waiting" from a stats/queued frame or GET /stats ('' when it carries no numbers), in the
 * page's language with its plural forms; `now`: the landing's "12 online now".
 */
export function statsText(data, { now = false } = {}) {
  const parts = [];
  for (const key of ['online', 'waiting']) {
    const n = data && typeof data[key] === 'number' ? data[key] : NaN;
    if (Number.isFinite(n) && n >= 0) parts.push(t(now && key === 'online' ? 'stats.onlineNow' : `stats.${key}`, { count: Math.floor(n) }));
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
    case 'disconnected': return t('peerGone.disconnected');
    case 'timeout': return t('peerGone.timeout');
    case 'match-failed': return t('peerGone.matchFailed');
    default: return t('peerGone.left');
  }
}

/** The server's default text for `moderated` (no detail worth repeating). */
const MODERATED_DEFAULT = 'Message not sent: it breaks the chat rules';

export const REPORT_REASONS = ['harassment', 'nudity', 'spam', 'underage', 'other'];
/** The chat notice when Start goes on without camera and microphone. */
export const textOnlyNotice = () => t('media.textOnlyNotice');
/** The landing's refusal of an age under 18 (also the server's `underage`). */
export const underageMessage = () => t('error.underage');
export const MAX_INTERESTS = 10;
const MAX_INTEREST_CHARS = 32;
const MAX_NAME_CHARS = 32;
/** The longest chat message (chat.js MAX_CHARS; the server's invalid-message limit). */
const MAX_CHAT_CHARS = 1000;
/** Most languages a person gives (the token request's and join-queue's `languages`). */
export const MAX_LANGUAGES = 3;

/** Primary language tags ("es", "pt"), lowercase, without duplicates, at most MAX_LANGUAGES. */
export function cleanLanguages(list) {
  const out = [];
  for (const raw of Array.isArray(list) ? list : []) {
    const tag = typeof raw === 'string' ? raw.trim().toLowerCase().split('-')[0] : '';
    if (/^[a-z]{2,3}$/.test(tag) && !out.includes(tag)) out.push(tag);
  }
  return out.slice(0, MAX_LANGUAGES);
}

/** Validate the landing form. → {ok: true, profile: {name, age, interests}} | {ok: false, field, message} */
export function validateProfile({ name, age, interests, languages }) {
  // eslint-disable-next-line no-control-regex
  const cleanName = String(name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
  if (cleanName.length < 1) return { ok: false, field: 'name', message: t('form.nameMissing') };
  if (cleanName.length > MAX_NAME_CHARS) return { ok: false, field: 'name', message: t('form.nameTooLong', { count: MAX_NAME_CHARS }) };
  const ageText = String(age ?? '').trim();
  if (!ageText) return { ok: false, field: 'age', message: t('form.ageMissing') };
  if (!/^\d{1,3}$/.test(ageText)) return { ok: false, field: 'age', message: t('form.ageWhole') };
  const ageNum = Number(ageText);
  if (ageNum < 18) return { ok: false, field: 'age', message: underageMessage(), underage: true };
  if (ageNum > 120) return { ok: false, field: 'age', message: t('form.ageReal') };
  const list = [];
  for (const raw of String(interests ?? '').split(/[,;\n]/)) {
    const t = raw.replace(/\s+/g, ' ').trim().toLowerCase();
    if (t && !list.includes(t)) list.push(t);
  }
  if (list.length > MAX_INTERESTS) {
    return { ok: false, field: 'interests', message: t('form.interestsTooMany', { count: MAX_INTERESTS }) };
  }
  if (list.some((t) => t.length > MAX_INTEREST_CHARS)) {
    return { ok: false, field: 'interests', message: t('form.interestsTooLong', { count: MAX_INTEREST_CHARS }) };
  }
  return { ok: true, profile: { name: cleanName, age: ageNum, interests: list, languages: cleanLanguages(languages) } };
}

/** Landing-page text for a failed token request. → {message, retry} */
export function describeApiError(err) {
  if (!(err instanceof ApiError)) return { message: t('error.unknown'), retry: true };
  switch (err.code) {
    case 'underage': return { message: underageMessage(), retry: false };
    case 'blocked': return { message: t('error.blocked'), retry: false };
    case 'rate-limited':
      return { message: err.retryAfter ? t('error.waitSeconds', { count: Number(err.retryAfter) }) : t('error.rate-limited'), retry: true };
    case 'bad-request': {
      const detail = serverDetail(err.message);
      return { message: detail ? t('error.checkDetails', { detail }) : t('error.bad-request'), retry: false };
    }
    default:
      if (['timeout', 'network'].includes(err.code) || (errorKnown(err.code) && !err.transient)) {
        return { message: t(`error.${err.code}`), retry: true };
      }
      return { message: t(err.transient ? 'error.transient' : 'error.unknown'), retry: true };
  }
}

/** A code the catalogs have a sentence for (every server ErrorCode has one: i18n tests check it). */
const errorKnown = (code) => typeof code === 'string' && /^[a-z-]+$/.test(code) && has(`error.${code}`);

/** Chat-area text for a server `error` frame: its code's sentence in the page's language. */
export function describeServerError(d) {
  const code = typeof d.code === 'string' ? d.code : 'error';
  const known = errorKnown(code);
  const base = known ? t(`error.${code}`, { count: MAX_CHAT_CHARS }) : t('error.server');
  // The server's own message helps where ours is generic (it names the field for invalid-field).
  const detail = (code === 'invalid-field' || code === 'moderated' || !known) && serverDetail(d.message)
    && !(code === 'moderated' && d.message === MODERATED_DEFAULT)
    ? ` ${d.message.slice(0, 160)}` : '';
  return `${base}${detail} (${code})`;
}


