// app.js: the wiring between token, socket, call, chat and the DOM. The states, their texts and the
// pure helpers are in state.js (unit-tested without a DOM); this file runs their effects.

import { TokenManager, ApiError } from './api.js';
import { Signaling } from './signaling.js';
import {
  Call, getLocalMedia, describeMediaError, preparePeerConnection, attachLocal, preOffer, iceServerList, giveIceServers,
} from './call.js';
import * as timeline from './timeline.js';
import { Preview } from './preview.js';
import { Chat } from './chat.js';
import * as ui from './ui.js';
import {
  REPORT_REASONS, UNDERAGE_MESSAGE, STATUS_TEXT, validateProfile, describeApiError, describeServerError,
  defaultHint, placeholderText, controlsFor, canTransition, sharedInterestText, statsText, escapeAction, ESC_WINDOW_MS,
  ONLINE_STATES, RESUME_GRACE_MS, graceWindow, resumeDeadline, shouldResume, resumedState, needsIceRestart,
  reconnectBanner, peerAwayNotice, peerGoneText,
} from './state.js';

/**
 * iceServers: used when `matched.iceServers` is empty. Empty by default: on localhost or one LAN,
 * host candidates are enough. A deployment can list STUN/TURN here, e.g.
 *   [{ urls: 'stun:stun.example.org:3478' },
 *    { urls: 'turn:turn.example.org:3478', username: 'u', credential: 'p' }]
 * (the server normally sends its own in `matched.iceServers`, which win).
 */
export const CONFIG = Object.freeze({
  iceServers: [],
  connectTimeoutMs: 20000,       // matched → connected, else "Connection failed"
  iceRetryTimeoutMs: 15000,      // one ICE restart / relay retry gets this long
  searchingHintMs: 60000,        // then a reassuring "still looking" hint
  queuedAckTimeoutMs: 10000,     // join-queue unanswered → send it again (3 misses → new socket)
  endCallAckTimeoutMs: 1500,     // after Next, wait this long for call-ended before re-joining anyway
  requeueAfterPeerLeftMs: 1200,  // let "Stranger left" be read before searching again
  reportAckTimeoutMs: 10000,
  mediaPromptHintMs: 8000,       // camera prompt unanswered → explain where it is
  joinRetryMs: 1000,             // join-queue refused with in-session/unavailable → retry
  resumeRetryMs: 1000,           // resume answered `unavailable` (busy store) → send it again
  bannerTickMs: 250,             // the reconnect countdown and the stranger's grace countdown refresh this often
  outboxMax: 200,                // signaling frames held while our socket is replaced during a call
  tokenPrefetchDelayMs: 150,     // a complete landing form unedited this long → its token is fetched ahead of Start
  calleeScreenDelayMs: 150,      // matched as callee: the call screen waits for our answer to go out, at most this long
  previewIdleMs: 300000,         // the landing's camera preview is turned off after this long without input there
});

// The page's pure logic (states, texts, validation, helpers) lives in state.js; re-exported for callers.
export {
  REPORT_REASONS, UNDERAGE_MESSAGE, validateProfile, describeApiError, describeServerError,
} from './state.js';

const log = (...args) => console.debug('[tandem]', ...args);

// ───────────────────────────── state ─────────────────────────────
const S = {
  state: 'landing',
  gen: 0,               // bumped by every Start/Stop: stale async results are dropped
  mediaAttempt: 0,
  profile: null,        // {name, age, interests}
  localStream: null,
  remoteStream: null,
  sig: null,
  call: null,
  sessionId: null,
  role: null,
  peerId: null,
  peerName: '',
  lastSessionId: null,  // for reporting a just-ended chat
  waitingEnd: null,     // sessionId whose call-ended we wait for before re-joining
  queuedMisses: 0,
  joinRetries: 0,
  reportPending: null,
  refreshRetried: false,
  starting: false,      // a token request from the landing form is in flight
  mediaDecided: false,  // camera stream in hand or text only chosen: join-queue may go out
  mediaError: null,     // describeMediaError() of a failed camera request not yet shown
  warm: null,           // a prepared peer connection for the next match (call.js preparePeerConnection)
  previewUserOff: false, // the person turned the landing's camera preview off: it is not opened by itself again
  previewResume: false,  // the preview was closed because the page was hidden: reopened when it is visible again
  screenPending: null,  // the callee's session whose call screen waits for its answer (drawCallScreen)
  peerCameraOff: false, // the stranger said their camera is off
  shared: '',           // "You both like chess." from matched.commonInterests
  escArmedAt: null,     // when a first Esc asked "Press Esc again for Next"
  // A call that outlives its socket (docs/protocol.md, "Client behaviour on a dropped socket"):
  resume: null,         // {sessionId, deadline, sent, record} while our socket is replaced during a call
  callPhase: null,      // 'connecting' | 'connected' | 'failed': the call's own state, kept while resuming
  graceMs: RESUME_GRACE_MS, // the server's grace window (the last graceMs heard in peer-reconnecting)
  peerAwayUntil: null,  // performance.now() when the stranger's grace window ends (peer-reconnecting)
  retryAt: null,        // performance.now() of the next planned reconnect; null while an attempt runs
  retryBackoff: false,  // that reconnect comes after a backoff (a countdown is shown)
  attemptAt: 0,         // performance.now() when the current attempt started
  reconnectCode: 0,     // close code of the socket being replaced
  outbox: [],           // [type, data] signaling held while resuming, sent after `resumed`
  resumes: [],          // {droppedAt, openedAt, resumedAt, outcome, retries: [{at, code, delayMs}]} (epoch ms), for the tests
};

const timers = {
  map: new Map(),
  set(name, ms, fn) {
    this.clear(name);
    this.map.set(name, setTimeout(() => {
      this.map.delete(name);
      try { fn(); } catch (err) { log(`timer ${name} failed`, err); }
    }, ms));
  },
  clear(name) { clearTimeout(this.map.get(name)); this.map.delete(name); },
  has(name) { return this.map.has(name); },
  clearAll() { for (const t of this.map.values()) clearTimeout(t); this.map.clear(); },
};

let chat = null;
const tokens = new TokenManager({
  onRefreshed: (accessToken) => {
    S.refreshRetried = false;
    if (S.sig) S.sig.send('refresh-token', { accessToken });
  },
  onFatal: (err) => {
    if (S.state === 'landing' || S.state === 'stopped') return;
    stopWith('Could not keep you signed in', describeApiError(err).message);
  },
});

// ───────────────────────────── state + view ─────────────────────────────
function setState(next, { text, hint } = {}) {
  const prev = S.state;
  if (S.screenPending) { S.screenPending = null; timers.clear('callScreen'); } // another state came first
  S.state = next;
  ui.setView(next === 'landing' ? 'landing' : 'call');
  if (!canTransition(prev, next)) log(`unexpected state change ${prev} → ${next}`);
  ui.setStatus(next, text || STATUS_TEXT[next], hint ?? defaultHint(next, { peerName: S.peerName, shared: S.shared }));
  if (next !== prev) ui.scrollToTop();
  if (next === 'landing' && prev !== 'landing') { refreshLandingStats(); prefetchToken(); }
  // presence counts describe the search: hide them once a call starts
  if (next !== 'searching') ui.setText('stats', '');
  renderBanners();
  if (next === 'searching' && prev !== 'searching') {
    timers.set('searchHint', CONFIG.searchingHintMs, () => {
      if (S.state === 'searching') {
        ui.setHint('Still looking. It can take a little longer when few people are online. Hang tight!');
      }
    });
  } else if (next !== 'searching') {
    timers.clear('searchHint');
  }
  applyControls();
  updatePlaceholder();
}

function applyControls() {
  const c = controlsFor(S.state, { inSession: !!S.sessionId, canReport: !!(S.sessionId || S.lastSessionId) });
  ui.$('next').disabled = !c.next;
  ui.$('stop').disabled = !c.stop;
  ui.$('report').disabled = !c.report;
  ui.show('restart', c.restart);
  if (!c.report) ui.openReportPanel(false);
  chat.setEnabled(c.chat);
  updateToggles();
}

function updatePlaceholder() {
  ui.setRemotePlaceholder(placeholderText(S.state, {
    peerName: S.peerName,
    hasRemoteVideo: !!S.remoteStream && S.remoteStream.getVideoTracks().length > 0,
    peerCameraOff: S.peerCameraOff,
    resuming: !!S.resume,
  }));
}

function updateToggles() {
  const stream = S.localStream;
  const a = stream ? stream.getAudioTracks().find((t) => t.readyState === 'live') : null;
  const v = stream ? stream.getVideoTracks().find((t) => t.readyState === 'live') : null;
  const micOff = !!a && !a.enabled;
  const camOff = !!v && !v.enabled;
  ui.setToggle('mute-mic', {
    pressed: micOff, disabled: !a, label: micOff ? 'Unmute' : 'Mute',
    ariaLabel: a ? 'Mute microphone' : 'Microphone unavailable',
  });
  ui.setToggle('mute-cam', {
    pressed: camOff, disabled: !v, label: camOff ? 'Camera on' : 'Camera off',
    ariaLabel: v ? 'Turn camera off' : 'Camera unavailable',
  });
  ui.$('local-wrap').classList.toggle('cam-off', camOff);
}

function toggleTrack(kind) {
  const stream = S.localStream;
  const track = stream && stream.getTracks().find((t) => t.kind === kind && t.readyState === 'live');
  if (!track) return;
  track.enabled = !track.enabled;
  if (kind === 'video' && S.call) S.call.setCameraOff(!track.enabled);
  updateToggles();
}

function isCameraOff() {
  const v = S.localStream && S.localStream.getVideoTracks().find((t) => t.readyState === 'live');
  return !!v && !v.enabled;
}

// ───────────────────────────── landing → media → online ─────────────────────────────
// Start runs three things at once: the token request (usually prefetched), the camera (usually open
// already: the landing's preview, whose peer connection is made too) and, as soon as the token is there,
// the socket. Without the preview the next match's peer connection is made while the camera opens, after
// the socket is on its way. join-queue goes out once both the socket is open and the camera is decided.
async function start({ textOnly = false } = {}) {
  if (S.state !== 'landing' || S.starting) return;
  ui.setLandingError('');
  const v = formProfile();
  if (!v.ok) {
    ui.setLandingError(v.message);
    ui.$(v.field).focus();
    return;
  }
  timeline.reset();
  timeline.mark('start');
  const gen = ++S.gen;
  S.profile = v.profile;
  S.starting = true;
  S.mediaDecided = false;
  S.mediaError = null;
  ui.setBusy('start', true, 'Starting…');
  ui.show('landing-retry', false);
  if (textOnly) {
    preview.hide();
    S.mediaAttempt += 1;
    useLocalStream(null);
    decideMedia();
  } else {
    acquireMedia(gen);
    // A task, not now: with the token prefetched, the socket is opened first (the awaited token below resumes
    // before any task) and its handshake runs while the peer connection is made; otherwise during the request.
    setTimeout(() => { if (gen === S.gen && (S.starting || S.sig)) prepareAtStart(); }, 0);
  }
  try {
    await tokens.issue(v.profile.name, v.profile.age);
  } catch (err) {
    if (gen !== S.gen) return;
    S.starting = false;
    S.mediaAttempt += 1; // a camera answer still on its way is dropped (and its tracks stopped)
    releaseLocalMedia();
    ui.setBusy('start', false);
    autoPreview();
    const { message, retry } = describeApiError(err);
    ui.setLandingError(message, { retry });
    log('token request failed', err);
    return;
  }
  if (gen !== S.gen) return;
  timeline.mark('token');
  S.starting = false;
  ui.setBusy('start', false);
  try { localStorage.setItem('tandem.name', v.profile.name); } catch { /* storage blocked */ }
  openSocket();
  if (S.mediaDecided) goOnline();
  else if (S.mediaError) showMediaFailure();
  else setState('media');
  if (textOnly) chat.addNotice('Text only: the stranger will not see or hear you, but you will see and hear them.');
}

/** The landing form's name, age and interests, checked (state.js validateProfile). */
function formProfile() {
  return validateProfile({ name: ui.$('name').value, age: ui.$('age').value, interests: ui.$('interests').value });
}

// ───────────────────────────── the landing's camera preview (preview.js) ─────────────────────────────
const preview = new Preview({ open: () => getLocalMedia(), onChange: drawPreview, idleMs: CONFIG.previewIdleMs });

function previewOffered() {
  const md = globalThis.navigator && navigator.mediaDevices;
  return !!md && typeof md.getUserMedia === 'function' && !ui.$('text-only-start').checked;
}

function drawPreview() {
  ui.setPreview({ state: preview.state, stream: preview.stream, offered: previewOffered() });
  if (S.state !== 'landing' || S.starting) return; // Start took the stream (and the connection made for it)
  if (preview.state === 'on') prepareForPreview();
  else if (S.warm) dropWarm();
}

/**
 * The camera is open on the landing page: the next match's peer connection is made now, with its tracks, so
 * Start has only the socket to open (the connection is closed with the preview).
 */
function prepareForPreview() {
  if (!S.warm || S.warm.stream !== preview.stream) makeWarm({ localStream: preview.stream });
}

/** Opens the preview on the landing page when the browser allows it without asking and nothing says no. */
function autoPreview() {
  if (S.state !== 'landing' || S.starting || S.previewUserOff || !previewOffered()) return;
  if (document.visibilityState === 'hidden') return;
  preview.show();
}

/** The preview button: on (the browser may ask now: the person asked) or off (and kept off). */
function togglePreview() {
  if (S.state !== 'landing' || S.starting) return;
  if (preview.state === 'on') {
    S.previewUserOff = true;
    preview.hide();
    return;
  }
  S.previewUserOff = false;
  ui.setLandingError('');
  preview.show({ ask: true }).then((stream) => {
    if (stream || !preview.error || S.state !== 'landing') return;
    const d = describeMediaError(preview.error);
    ui.setLandingError(`${d.title}. ${d.text}`);
  });
}

function onPreviewVisibility() {
  if (S.state !== 'landing' || S.starting) return;
  if (document.visibilityState === 'hidden') {
    if (preview.state !== 'off') { S.previewResume = true; preview.hide(); }
  } else if (S.previewResume) {
    S.previewResume = false;
    autoPreview();
  }
}

/**
 * The landing form is complete and was left alone for a moment: fetch its token now, so Start opens the
 * socket at once (the token is the one step of Start that needs the server; api.js TokenManager.prefetch).
 */
function prefetchToken() {
  timers.set('prefetch', CONFIG.tokenPrefetchDelayMs, () => {
    if (S.state !== 'landing' || S.starting) return;
    const v = formProfile();
    if (v.ok) tokens.prefetch(v.profile.name, v.profile.age);
  });
}

/** Ask for the camera and microphone; the answer is applied whenever it comes (before or after the token). */
function acquireMedia(gen) {
  const attempt = ++S.mediaAttempt;
  S.mediaError = null;
  ui.show('media-error', false);
  ui.show('media-hint', false);
  if (!S.starting) setState('media');
  timers.set('mediaHint', CONFIG.mediaPromptHintMs, () => {
    if (S.state === 'media' && attempt === S.mediaAttempt && ui.$('media-error').hidden) ui.show('media-hint', true);
  });
  const previewed = preview.take(); // the landing's preview: the camera is open already
  const media = previewed ? previewed.then((s) => s || getLocalMedia(), () => getLocalMedia()) : getLocalMedia();
  media.then((stream) => {
    if (gen !== S.gen || attempt !== S.mediaAttempt) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    timers.clear('mediaHint');
    timeline.mark('camera');
    S.localStream = stream; // join-queue goes out before the self-view is set up (tens of ms on a busy device)
    decideMedia();
    useLocalStream(stream);
    if (!stream.getVideoTracks().length) chat.addNotice('No camera found: the stranger will hear you but not see you.');
    else if (!stream.getAudioTracks().length) chat.addNotice('No microphone found: the stranger will see you but not hear you.');
  }, (err) => {
    if (gen !== S.gen || attempt !== S.mediaAttempt) return;
    timers.clear('mediaHint');
    log('getUserMedia failed', err && err.name, err && err.message);
    S.mediaError = describeMediaError(err);
    if (!S.starting) showMediaFailure(); // else shown once the token is there
  });
}

function showMediaFailure() {
  ui.showMediaError(S.mediaError);
  setState('media', { text: 'Camera and microphone unavailable', hint: 'See below for how to fix it.' });
  ui.$('media-retry').focus();
}

/**
 * The camera question is settled (a stream, or text only): go online, then warm up a peer connection.
 * join-queue goes out first: the match round trip is the longer wait, and the warm-up (a new
 * RTCPeerConnection with its tracks, tens of ms on a busy phone) is done long before `queued` or
 * `matched` can arrive (they are handled after this synchronous block).
 */
function decideMedia() {
  S.mediaDecided = true;
  S.mediaError = null;
  if (!S.starting) { goOnline(); prewarm(); return; }
  // Start is still taking its token (the camera answered first, e.g. from the preview): the socket goes first
  const gen = S.gen;
  setTimeout(() => { if (gen === S.gen && S.mediaDecided) prewarm(); }, 0);
}

function useLocalStream(stream) {
  S.localStream = stream;
  ui.setLocalStream(stream);
  if (stream) {
    for (const t of stream.getTracks()) {
      t.addEventListener('ended', () => {
        if (S.localStream !== stream) return;
        updateToggles();
        chat.addNotice(t.kind === 'video' ? 'Your camera stopped.' : 'Your microphone stopped.');
      });
    }
  }
  updateToggles();
}

function releaseLocalMedia() {
  dropWarm();
  if (S.localStream) S.localStream.getTracks().forEach((t) => t.stop());
  useLocalStream(null);
  S.mediaDecided = false;
}

function continueTextOnly() {
  if (S.state !== 'media') return;
  S.mediaAttempt += 1; // a camera prompt still pending is ignored from now on
  timers.clear('mediaHint');
  useLocalStream(null);
  decideMedia();
  chat.addNotice('Text only: the stranger will not see or hear you, but you will see and hear them.');
}

/**
 * At Start, while the camera is being opened: the next match's peer connection without its tracks (making
 * one takes tens of ms on a busy device; done now, the moment the camera answers is free for join-queue and
 * `matched`). prewarm() adds the tracks once the camera question is settled.
 */
function prepareAtStart() {
  if (!S.warm) makeWarm({ tracksLater: true });
}

/** A peer connection for the next match, made now so `matched` finds it ready (see call.js). */
function prewarm() {
  if (S.warm && !S.warm.attached) {
    attachLocal(S.warm, S.localStream); // made at Start (prepareAtStart): only the tracks were missing
    return;
  }
  if (S.warm && S.warm.stream === S.localStream) return;
  makeWarm({ localStream: S.localStream });
}

/** S.warm: a new prepared peer connection (call.js preparePeerConnection options), replacing any other. */
function makeWarm(options) {
  dropWarm();
  try {
    S.warm = preparePeerConnection({ iceServers: CONFIG.iceServers, ...options });
  } catch (err) {
    log('could not prepare a peer connection', err);
    S.warm = null;
  }
}

function dropWarm() {
  if (S.warm) { try { S.warm.pc.close(); } catch { /* closed already */ } }
  S.warm = null;
}

function openSocket() {
  if (S.sig) return;
  S.sig = new Signaling({
    getToken: ({ fresh }) => tokens.get({ force: fresh }).catch((err) => {
      if (err instanceof ApiError && !err.transient) err.fatal = true;
      throw err;
    }),
    onOpen,
    onFrame,
    onReconnecting,
    onStopped,
    onAttempt: () => { S.retryAt = null; S.attemptAt = performance.now(); renderBanners(); },
    urgent: () => shouldResume({ sessionId: S.sessionId }),
    log,
  });
  S.sig.start();
}

function goOnline() {
  joinQueue({ quiet: true }); // first: the match round trip is the longer wait; the screen follows
  ui.show('media-error', false);
  ui.show('media-hint', false);
  setState('searching', { hint: S.sig && S.sig.isOpen ? '' : 'Connecting to Tandem…' });
}

// ───────────────────────────── socket events ─────────────────────────────
function onOpen() {
  timeline.mark('socketOpen');
  S.queuedMisses = 0;
  S.joinRetries = 0;
  S.retryAt = null;
  if (S.resume) {
    // The first frame on the new socket: no join-queue before the answer (resumed or session-gone).
    sendResume();
    renderBanners();
    return;
  }
  if (S.sessionId) endCurrentCall();
  joinQueue();
  renderBanners();
}

/**
 * The socket dropped without our meaning to and a new one is planned in `delayMs`. Outside a call: search
 * again once it is back. In a call: keep the peer connection and its media, and resume the call on the new
 * socket (the server keeps it for its grace window).
 */
function onReconnecting({ delayMs, code, backoff }) {
  for (const t of ['queuedAck', 'requeue', 'endAck']) timers.clear(t);
  S.waitingEnd = null;
  S.retryAt = performance.now() + delayMs;
  S.retryBackoff = !!backoff;
  S.reconnectCode = code;
  if (S.resume) S.resume.sent = false;
  else if (shouldResume({ sessionId: S.sessionId })) beginResume(code);
  if (S.resume && S.resume.record.retries.length < 20) {
    S.resume.record.retries.push({ at: Date.now(), code, delayMs: Math.round(delayMs) });
  }
  if (S.resume) {
    setState('reconnecting', { hint: `Your call with ${S.peerName} goes on while we reconnect you to Tandem.` });
  } else {
    setState('reconnecting', { hint: code === 1012 ? 'Tandem is restarting a server; moving you to another one…' : '' });
  }
}

// ───────────────────────────── resume: a call that outlives its socket ─────────────────────────────
function beginResume(code) {
  const now = performance.now();
  const record = {
    sessionId: S.sessionId, code, droppedAt: Date.now(), openedAt: null, resumedAt: null, outcome: null, retries: [],
  };
  S.resumes.push(record);
  if (S.resumes.length > 20) S.resumes.shift();
  S.resume = { sessionId: S.sessionId, deadline: resumeDeadline(now, S.graceMs), sent: false, record };
  timers.set('resumeGiveUp', S.resume.deadline - now, giveUpResume);
  chat.addNotice('The connection to Tandem dropped. Reconnecting; your call goes on meanwhile.');
}

function sendResume() {
  const r = S.resume;
  if (!r || !S.sig) return;
  if (S.sig.send('resume', { sessionId: r.sessionId })) {
    r.sent = true;
    if (r.record.openedAt == null) r.record.openedAt = Date.now();
  }
}

/** `resumed`: the call goes on over the new socket. */
function onResumed(d) {
  const r = S.resume;
  if (!r || d.sessionId !== r.sessionId) {
    // The answer to a resume we gave up on: end that session now rather than leave the stranger waiting.
    if (typeof d.sessionId === 'string' && d.sessionId && d.sessionId !== S.sessionId && S.sig) {
      S.sig.send('end-call', { sessionId: d.sessionId });
    }
    return;
  }
  timers.clear('resumeGiveUp');
  timers.clear('resumeRetry');
  S.resume = null;
  r.record.resumedAt = Date.now();
  r.record.outcome = 'resumed';
  if (typeof d.peerId === 'string' && d.peerId) S.peerId = d.peerId;
  const name = d.peer && typeof d.peer.name === 'string' && d.peer.name.trim();
  if (name) { S.peerName = name; ui.setText('peer-name', name); }
  for (const [type, data] of S.outbox.splice(0)) S.sig.send(type, data);
  if (d.peerReconnecting === true) S.peerAwayUntil = performance.now() + S.graceMs;
  else S.peerAwayUntil = null;
  chat.addNotice('Reconnected to Tandem.');
  setState(resumedState(S.callPhase));
  if (d.peerReconnecting !== true) maybeRestartIce();
}

/** After signaling came back on either side: the caller restarts ICE if the media path went down meanwhile. */
function maybeRestartIce() {
  if (S.call && needsIceRestart(S.role, S.call.iceState)) {
    log('ICE went down while signaling was away: restarting it');
    S.call.restartIce();
  }
}

/** The call could not be resumed (`session-gone`, or no answer within the grace window): search again. */
function resumeFailed(outcome, notice) {
  const r = S.resume;
  if (!r) return;
  r.record.outcome = outcome;
  S.resume = null;
  endCurrentCall();
  chat.addNotice(notice);
  if (S.sig && S.sig.isOpen) {
    setState('searching');
    joinQueue();
  } else {
    setState('reconnecting', { hint: '' }); // the socket's open joins the queue
  }
}

function giveUpResume() {
  resumeFailed('gave-up', 'We could not reconnect in time, so this chat ended. Finding someone new…');
}

function onPeerReconnecting(d) {
  if (!S.sessionId || d.sessionId !== S.sessionId) return;
  S.graceMs = graceWindow(d.graceMs);
  S.peerAwayUntil = performance.now() + S.graceMs;
  chat.addNotice(`${S.peerName}'s connection dropped. Waiting for them to come back…`);
  renderBanners();
}

function onPeerResumed(d) {
  if (!S.sessionId || d.sessionId !== S.sessionId) return;
  const wasAway = S.peerAwayUntil != null;
  S.peerAwayUntil = null;
  if (wasAway) chat.addNotice(`${S.peerName} is back.`);
  renderBanners();
  maybeRestartIce();
}

/** The banners over the call (our reconnect with its countdown and Retry now; the stranger's grace countdown). */
function renderBanners() {
  const now = performance.now();
  const reconnecting = S.state === 'reconnecting';
  ui.show('reconnect-banner', reconnecting);
  if (reconnecting) {
    const b = reconnectBanner({
      resuming: !!S.resume, open: !!(S.sig && S.sig.isOpen), backoff: S.retryBackoff,
      retryInMs: S.retryAt == null ? null : S.retryAt - now, attemptMs: now - S.attemptAt, code: S.reconnectCode,
    });
    ui.setText('reconnect-text', b.text);
    ui.setText('reconnect-count', b.count);
    ui.show('retry-now', b.retry);
  }
  const away = S.peerAwayUntil != null && !!S.sessionId && !reconnecting;
  ui.show('peer-away', away);
  if (away) {
    const n = peerAwayNotice(S.peerName, S.peerAwayUntil - now);
    ui.setText('peer-away-text', n.text);
    ui.setText('peer-away-count', n.count);
  }
  if ((reconnecting || away) && !timers.has('tick')) timers.set('tick', CONFIG.bannerTickMs, renderBanners);
}

function retryNow() {
  if (S.sig && S.sig.retryNow()) renderBanners();
}

function onStopped({ reason, message }) {
  const texts = {
    replaced: ['Tandem was opened in another tab',
      'This tab stopped because you started Tandem somewhere else. Press Start again to use it here.'],
    policy: ['Disconnected by Tandem',
      message ? `Reason: ${message}` : 'The connection was closed because the rules were broken.'],
    normal: ['Disconnected', 'The server closed the connection. Press Start again to continue.'],
    auth: ['Could not sign in', message || 'Please try again later.'],
  };
  const [text, hint] = texts[reason] || texts.normal;
  stopWith(text, hint);
}

function stopWith(text, hint) {
  shutdown();
  setState('stopped', { text, hint });
}

function onFrame(type, d) {
  const handler = FRAME_HANDLERS[type];
  if (handler) handler(d);
  else log('ignored frame', type);
}

const FRAME_HANDLERS = {
  queued(d) {
    timers.clear('queuedAck');
    S.queuedMisses = 0;
    S.joinRetries = 0;
    if (statsText(d)) ui.setStats(statsText(d));
    if (S.sessionId || S.waitingEnd) return;
    // Waiting in the queue: whoever comes next makes us the caller (the one who waited longer offers),
    // so the offer is made now, with the ICE servers the match will bring, and goes out the moment `matched`
    // arrives. `{}` means matched at once.
    if (S.warm && Object.keys(d).length) {
      if (!S.warm.offering) giveIceServers(S.warm, iceServerList(d.iceServers, CONFIG.iceServers), log);
      const warm = S.warm;
      preOffer(warm).then((made) => { if (made && warm === S.warm) timeline.mark('offerMade'); });
    }
    if (S.state === 'searching') {
      const hint = ui.$('status-hint').textContent;
      if (hint === 'Connecting to Tandem…' || hint.startsWith('Tandem is busy')) ui.setHint('');
    } else if (S.state === 'peer-left' || S.state === 'reconnecting') {
      setState('searching');
    }
  },
  stats(d) { if (S.state === 'searching' && statsText(d)) ui.setStats(statsText(d)); },
  matched: onMatched,
  offer(d) { routeSession('offer', d); },
  answer(d) { routeSession('answer', d); },
  candidate(d) { routeSession('candidate', d); },
  message(d) { routeSession('message', d); },
  'peer-disconnected': onPeerDisconnected,
  'peer-reconnecting': onPeerReconnecting,
  'peer-resumed': onPeerResumed,
  resumed: onResumed,
  'call-ended'(d) {
    if (S.waitingEnd && d.sessionId === S.waitingEnd) {
      timers.clear('endAck');
      S.waitingEnd = null;
      joinQueue();
    }
  },
  reported(d) {
    timers.clear('reportAck');
    const current = d.sessionId && d.sessionId === S.sessionId;
    S.reportPending = null;
    ui.setReportResult(`Thanks, we received your report.${current ? ' You can press Next to leave this chat.' : ''}`);
    timers.set('reportClear', 20000, () => ui.setReportResult(''));
  },
  'token-refreshed'() { log('token refreshed on the socket'); },
  error: onServerError,
};

/** Sends join-queue when the socket is open and the camera decided; `quiet`: the caller shows the state itself. */
function joinQueue({ quiet = false } = {}) {
  timers.clear('requeue');
  if (!S.sig || !S.profile || S.sessionId || !S.mediaDecided) return; // goOnline/onOpen call again
  const data = S.profile.interests.length ? { interests: S.profile.interests } : {};
  if (!S.sig.send('join-queue', data)) return; // not open: the reconnect path joins on open
  timeline.mark('joined');
  if (!quiet && S.state !== 'peer-left' && S.state !== 'searching') setState('searching');
  timers.set('queuedAck', CONFIG.queuedAckTimeoutMs, () => {
    if (S.sessionId || !S.sig) return;
    S.queuedMisses += 1;
    log('no queued ack', S.queuedMisses);
    if (S.queuedMisses >= 3) { S.queuedMisses = 0; S.sig.reconnectNow(); } else joinQueue();
  });
}

/**
 * Frames that belong to a session. Only the current one's are used: the gateway keeps signaling
 * that overtakes a match and writes it right after `matched` (the one place early signaling is
 * buffered), so a frame for any other session is stale and dropped.
 */
function routeSession(type, d) {
  const sid = d.sessionId;
  if (typeof sid !== 'string' || !sid || sid !== S.sessionId) return;
  const call = S.call;
  switch (type) {
    case 'offer': timeline.mark('offerReceived'); if (call) call.handleOffer(d.offer); break;
    case 'answer': timeline.mark('answerReceived'); if (call) call.handleAnswer(d.answer); break;
    case 'candidate': if (call) call.addCandidate(d.candidate); break;
    case 'message': {
      const mine = !(S.peerId && d.from === S.peerId);
      if (mine) chat.delivered();
      chat.addMessage({
        text: d.message,
        sender: typeof d.sender === 'string' && d.sender ? d.sender : (mine ? S.profile.name : S.peerName),
        mine,
        ts: Number(d.ts),
      });
      break;
    }
    default: break;
  }
}

function onMatched(d) {
  if (typeof d.sessionId !== 'string' || !d.sessionId || d.sessionId === S.sessionId) return;
  if (!S.sig || S.state === 'landing' || S.state === 'stopped') return;
  if (S.sessionId) endCurrentCall();
  for (const t of ['queuedAck', 'requeue', 'endAck', 'searchHint']) timers.clear(t);
  S.waitingEnd = null;
  S.sessionId = d.sessionId;
  S.role = d.role === 'caller' ? 'caller' : 'callee';
  S.peerId = typeof d.peerId === 'string' ? d.peerId : null;
  S.peerName = (d.peer && typeof d.peer.name === 'string' && d.peer.name.trim()) || 'Stranger';
  S.remoteStream = null;
  S.refreshRetried = false;
  S.peerCameraOff = false;
  S.shared = sharedInterestText(d.commonInterests);
  S.callPhase = 'connecting';
  timeline.mark('matched');

  // The peer connection and the caller's offer first (that is what the stranger waits for), the screen after.
  const started = startCall(d);
  chat.clear(); // now: a chat line of this call may come before the screen is drawn
  chat.addNotice(`You're now chatting with ${S.peerName}. Say hi!`);
  if (S.shared) chat.addNotice(S.shared);
  timers.set('connect', CONFIG.connectTimeoutMs, () => failCall('timeout'));
  if (!started) { drawCallScreen(); failCall('setup'); return; }
  if (S.role === 'caller') { drawCallScreen(); return; }
  // The callee's next step is the caller's offer, due within milliseconds: the screen (tens of ms of DOM work
  // and layout on a busy phone) is drawn once the answer is out, or after calleeScreenDelayMs at the latest.
  const sid = S.sessionId;
  S.screenPending = sid;
  timers.set('callScreen', CONFIG.calleeScreenDelayMs, () => drawIfPending(sid));
}

function drawIfPending(sid) {
  if (S.screenPending === sid && S.sessionId === sid) drawCallScreen();
}

/** The call screen for the session just matched ("connecting"), unless another state came first. */
function drawCallScreen() {
  S.screenPending = null;
  timers.clear('callScreen');
  ui.setText('peer-name', S.peerName);
  if (!S.reportPending) ui.setReportResult('');
  setState('connecting');
}

/** The callee's answer is out: its call screen now (a task later, after the send). */
function drawPendingScreen() {
  const sid = S.screenPending;
  if (!sid) return;
  setTimeout(() => drawIfPending(sid), 0);
}

/** Creates the call for the session just matched (the caller's offer goes out at once). → false if it failed. */
function startCall(d) {
  const iceServers = iceServerList(d.iceServers, CONFIG.iceServers);
  let call;
  try {
    const warm = S.warm;
    S.warm = null;
    call = new Call({
      role: S.role,
      iceServers,
      localStream: S.localStream,
      warm,
      onSignal: (kind, payload) => {
        if (call !== S.call || !S.sig) return;
        const type = { offer: 'send-offer', answer: 'send-answer', candidate: 'send-candidate' }[kind];
        const data = { sessionId: S.sessionId, [kind]: payload };
        if (S.resume) {
          // our socket is being replaced: held until `resumed`
          if (S.outbox.length < CONFIG.outboxMax) S.outbox.push([type, data]);
          return;
        }
        if (S.sig.send(type, data) && kind !== 'candidate') timeline.mark(`${kind}Sent`);
        if (kind === 'answer') drawPendingScreen();
      },
      onRemoteStream: (stream) => {
        if (call !== S.call) return;
        S.remoteStream = stream;
        ui.setRemoteStream(stream, () => { if (call === S.call) timeline.mark('firstFrame'); });
        updatePlaceholder();
      },
      onEvent: (ev) => { if (call === S.call) onCallEvent(ev); },
      log,
    });
    S.call = call;
    call.setCameraOff(isCameraOff());
    call.start();
  } catch (err) {
    log('could not create the peer connection', err);
    S.call = null;
    return false;
  }
  return true;

}

function onCallEvent(ev) {
  log('call event', ev);
  switch (ev) {
    case 'connected':
      timeline.mark('iceConnected');
      timers.clear('connect');
      timers.clear('iceRetry');
      S.callPhase = 'connected';
      if (!S.resume) setState('connected');
      break;
    case 'unstable':
      if (S.state === 'connected') ui.setHint('Connection unstable…');
      break;
    case 'retrying':
      timers.clear('connect');
      S.callPhase = 'connecting';
      if (!S.resume) setState('connecting', { hint: 'The connection dropped; trying another way…' });
      timers.set('iceRetry', CONFIG.iceRetryTimeoutMs, () => failCall('retry timeout'));
      break;
    case 'failed':
      failCall('ice failed');
      break;
    case 'peer-camera-off':
    case 'peer-camera-on': {
      const off = ev === 'peer-camera-off';
      if (off === S.peerCameraOff) break;
      S.peerCameraOff = off;
      chat.addNotice(off ? `${S.peerName} turned the camera off.` : `${S.peerName} turned the camera on.`);
      updatePlaceholder();
      break;
    }
    default: break;
  }
}

function failCall(why) {
  log('call failed:', why);
  timers.clear('connect');
  timers.clear('iceRetry');
  if (!S.sessionId) return;
  S.callPhase = 'failed';
  if (!S.resume) setState('failed');
}

function onPeerDisconnected(d) {
  if (!S.sessionId || d.sessionId !== S.sessionId) return;
  endCurrentCall();
  chat.addNotice(peerGoneText(d.reason));
  setState('peer-left');
  timers.set('requeue', CONFIG.requeueAfterPeerLeftMs, joinQueue);
}

/** Close the current call locally (no frame sent). Chat stays readable until the next match. */
function endCurrentCall() {
  if (S.call) { S.call.close(); S.call = null; }
  if (S.sessionId) {
    S.lastSessionId = S.sessionId;
  }
  S.sessionId = null;
  S.role = null;
  S.peerId = null;
  S.peerName = '';
  S.remoteStream = null;
  timers.clear('connect');
  timers.clear('iceRetry');
  ui.setRemoteStream(null);
  ui.setText('peer-name', '');
  S.peerCameraOff = false;
  S.shared = '';
  if (S.resume && !S.resume.record.outcome) S.resume.record.outcome = 'ended';
  S.resume = null;
  S.callPhase = null;
  S.peerAwayUntil = null;
  S.outbox = [];
  timers.clear('resumeGiveUp');
  timers.clear('resumeRetry');
  if (S.sig && S.mediaDecided) prewarm();
  applyControls();
  renderBanners();
}

function onServerError(d) {
  const code = d.code;
  const ref = d.ref;
  log('server error', code, ref, d.message);
  if (ref === 'join-queue') {
    timers.clear('queuedAck');
    if (S.sessionId) return; // a join that crossed `matched`: harmless
    if (code === 'invalid-field' && S.profile && S.profile.interests.length) {
      chat.addSystem(`Your interests could not be used, so we are searching without them. (${code})`);
      S.profile.interests = [];
      timers.set('requeue', CONFIG.joinRetryMs, joinQueue);
      return;
    }
    if (code === 'in-session' || code === 'unavailable' || code === 'rate-limited' || code === 'internal') {
      S.joinRetries += 1;
      if (code !== 'in-session') ui.setHint('Tandem is busy; trying again…');
      timers.set('requeue', Math.min(30000, CONFIG.joinRetryMs * 2 ** Math.min(S.joinRetries, 5)), joinQueue);
      return;
    }
  }
  if (ref === 'resume' || (code === 'session-gone' && S.resume)) {
    if (!S.resume) return;
    if (code === 'unavailable' || code === 'internal' || code === 'rate-limited') {
      timers.set('resumeRetry', CONFIG.resumeRetryMs, sendResume); // still within the deadline (resumeGiveUp)
      return;
    }
    resumeFailed('session-gone', 'The chat ended while you were reconnecting. Finding someone new…');
    return;
  }
  if (ref === 'report') {
    timers.clear('reportAck');
    S.reportPending = null;
    ui.setReportResult(`Sorry, the report could not be sent. ${describeServerError(d)} Please try again.`, true);
    return;
  }
  if (ref === 'refresh-token') {
    // The socket refused the new token: get another one once; if that fails too the server closes
    // with 4001 and the reconnect path takes over.
    if (!S.refreshRetried) {
      S.refreshRetried = true;
      tokens.refresh().then((t) => { if (S.sig) S.sig.send('refresh-token', { accessToken: t }); })
        .catch((err) => log('token refresh failed', err));
    }
    return;
  }
  if (ref === 'end-call' && S.waitingEnd) {
    // The session was already over (the stranger left at the same moment): just search again.
    timers.clear('endAck');
    S.waitingEnd = null;
    joinQueue();
    return;
  }
  if (ref === 'send-message') {
    // refused (moderation, rate limit, ended chat): the text stays in the box, with the reason
    chat.refused(describeServerError(d));
    return;
  }
  if (code === 'not-in-session' && ['send-candidate', 'send-offer', 'send-answer', 'end-call'].includes(ref)) {
    return; // signaling that crossed the end of a call: expected, nothing lost
  }
  if (code === 'peer-away' && ['send-candidate', 'send-offer', 'send-answer'].includes(ref)) {
    return; // the stranger is reconnecting; the caller restarts ICE once they are back if it is needed
  }
  chat.addSystem(describeServerError(d));
}

// ───────────────────────────── buttons ─────────────────────────────
/** Esc once shows "Press Esc again for Next"; a second Esc within ESC_WINDOW_MS does Next. */
function onEscape(e) {
  if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return;
  if (!ui.$('report-panel').hidden || !ONLINE_STATES.includes(S.state)) return;
  const now = performance.now();
  if (escapeAction(S.escArmedAt, now) === 'next') {
    disarmEscape();
    next();
    return;
  }
  S.escArmedAt = now;
  ui.show('esc-hint', true);
  timers.set('escHint', ESC_WINDOW_MS, disarmEscape);
}

function disarmEscape() {
  S.escArmedAt = null;
  timers.clear('escHint');
  ui.show('esc-hint', false);
}

/** "12 online now" on the landing (GET /stats once per visit; nothing shown if it fails). */
function refreshLandingStats() {
  fetch('/stats', { cache: 'no-store', credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : null))
    .then((d) => {
      const text = d ? statsText({ online: d.online }) : '';
      ui.setStats(text && S.state === 'landing' ? `${text} now` : '', 'landing-stats');
    })
    .catch((err) => log('stats unavailable', err));
}

function next() {
  if (!S.sig || !['searching', 'connecting', 'connected', 'peer-left', 'failed'].includes(S.state)) return;
  const sid = S.sessionId;
  endCurrentCall();
  chat.clear();
  if (sid && S.sig.send('end-call', { sessionId: sid })) {
    S.waitingEnd = sid;
    setState('searching');
    timers.set('endAck', CONFIG.endCallAckTimeoutMs, () => {
      if (S.waitingEnd !== sid) return;
      S.waitingEnd = null;
      joinQueue();
    });
  } else {
    setState('searching');
    joinQueue();
  }
}

/** While resuming on an open socket, the resume goes first so that the server knows which call to end. */
function endCallFrame() {
  if (!S.sig || !S.sessionId) return;
  if (S.resume && !S.resume.sent) sendResume();
  S.sig.send('end-call', { sessionId: S.sessionId });
}

function stop() {
  if (S.sig) {
    endCallFrame();
    S.sig.send('leave-queue', {});
  }
  shutdown();
  chat.clear();
  setState('landing');
  ui.$('start').focus();
}

/** Tear everything down: call, socket, token timer, camera. */
function shutdown() {
  S.gen += 1;
  S.mediaAttempt += 1;
  timers.clearAll();
  endCurrentCall();
  if (S.sig) { S.sig.stop(1000, 'bye'); S.sig = null; }
  tokens.stop();
  releaseLocalMedia();
  Object.assign(S, { mediaError: null, starting: false, waitingEnd: null, lastSessionId: null, reportPending: null, queuedMisses: 0, joinRetries: 0 });
  ui.openReportPanel(false);
  ui.setReportResult('');
  ui.setText('stats', '');
  disarmEscape();
  ui.show('media-error', false);
  ui.show('media-hint', false);
  ui.setBusy('start', false);
}

function sendReport() {
  const sessionId = S.sessionId || S.lastSessionId;
  const reason = ui.$('report-reason').value;
  if (!sessionId) { ui.setReportResult('There is no chat to report yet.', true); return; }
  if (!REPORT_REASONS.includes(reason)) { ui.setReportResult('Please choose a reason.', true); return; }
  if (!S.sig || !S.sig.send('report', { sessionId, reason })) {
    ui.setReportResult('The report could not be sent because you are offline. Please try again in a moment.', true);
    return;
  }
  S.reportPending = sessionId;
  ui.openReportPanel(false);
  ui.$('report').focus();
  ui.setReportResult('Sending your report…');
  timers.clear('reportClear');
  timers.set('reportAck', CONFIG.reportAckTimeoutMs, () => {
    S.reportPending = null;
    ui.setReportResult('No answer from Tandem about your report. Please try again.', true);
  });
}

function sendChat(text) {
  if (!S.sessionId || !S.sig) return false;
  if (S.resume) {
    chat.addSystem('Reconnecting to Tandem: your message was not sent yet. It is still in the box.');
    return false;
  }
  if (!S.sig.send('send-message', { sessionId: S.sessionId, message: text })) {
    chat.addSystem('Not connected: your message was not sent. It is still in the box.');
    return false;
  }
  return true;
}

// ───────────────────────────── wiring ─────────────────────────────
function init() {
  chat = new Chat({
    log: ui.$('chat-log'),
    form: ui.$('chat-form'),
    input: ui.$('chat-input'),
    send: ui.$('chat-send'),
    count: ui.$('chat-count'),
    onSend: sendChat,
  });
  ui.wireUnmute();

  const startFromForm = () => start({ textOnly: ui.$('text-only-start').checked });
  ui.$('landing-form').addEventListener('submit', (e) => { e.preventDefault(); startFromForm(); });
  ui.$('landing-form').addEventListener('input', prefetchToken);
  ui.$('landing-form').addEventListener('input', () => preview.touch()); // the preview's idle limit restarts
  ui.$('preview-toggle').addEventListener('click', togglePreview);
  ui.$('text-only-start').addEventListener('change', () => {
    if (ui.$('text-only-start').checked) preview.hide();
    else autoPreview();
    drawPreview();
  });
  document.addEventListener('visibilitychange', onPreviewVisibility);
  ui.$('landing-retry').addEventListener('click', startFromForm);
  document.addEventListener('keydown', onEscape);
  ui.$('media-retry').addEventListener('click', () => { if (S.state === 'media') acquireMedia(S.gen); });
  ui.$('text-only').addEventListener('click', continueTextOnly);
  ui.$('media-hint-text-only').addEventListener('click', continueTextOnly);
  ui.$('mute-mic').addEventListener('click', () => toggleTrack('audio'));
  ui.$('mute-cam').addEventListener('click', () => toggleTrack('video'));
  ui.$('next').addEventListener('click', next);
  ui.$('stop').addEventListener('click', stop);
  ui.$('restart').addEventListener('click', () => { shutdown(); setState('landing'); ui.$('start').focus(); });
  ui.$('report').addEventListener('click', () => ui.openReportPanel(ui.$('report-panel').hidden));
  ui.$('report-cancel').addEventListener('click', () => { ui.openReportPanel(false); ui.$('report').focus(); });
  ui.$('report-send').addEventListener('click', sendReport);
  ui.$('retry-now').addEventListener('click', retryNow);
  ui.$('report-panel').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); ui.openReportPanel(false); ui.$('report').focus(); }
  });
  ui.$('age').addEventListener('input', () => {
    if (ui.$('landing-error').textContent === UNDERAGE_MESSAGE) ui.setLandingError('');
  });

  window.addEventListener('pagehide', () => {
    preview.hide();
    if (S.sig) {
      endCallFrame();
      S.sig.stop(1000, 'page closed');
      S.sig = null;
    }
  });
  window.addEventListener('pageshow', (e) => {
    if (!e.persisted) return;
    if (S.state !== 'landing') location.reload();
    else autoPreview(); // back from the back/forward cache: pagehide closed the preview
  });
  window.addEventListener('unhandledrejection', (e) => { log('unhandled rejection', e.reason); e.preventDefault(); });

  Object.defineProperty(window, 'tandem', {
    configurable: true,
    value: Object.freeze({
      get state() { return S.state; },
      get sessionId() { return S.sessionId; },
      get role() { return S.role; },
      get peerId() { return S.peerId; },
      get peerName() { return S.peerName; },
      get timeline() { return timeline.snapshot(); },
      get resuming() { return !!S.resume; },
      get resumes() { return S.resumes.map((r) => ({ ...r, retries: r.retries.map((t) => ({ ...t })) })); },
    }),
  });

  try { const saved = localStorage.getItem('tandem.name'); if (saved) ui.$('name').value = saved; } catch { /* */ }
  setState('landing');
  refreshLandingStats();
  prefetchToken();
  drawPreview();
  autoPreview();
  ui.$(ui.$('name').value ? 'age' : 'name').focus();
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}
