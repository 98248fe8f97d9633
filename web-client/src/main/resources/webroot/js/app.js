// app.js: the web client's wiring. It builds the real dependencies (token, socket, peer connection, camera,
// DOM views) and hands them to the controllers (controllers.js), then binds the page's events (bindings.js).
//
// Module map (docs/architecture.md, "The web client"):
//   store.js        the one store: `state` changes only by transition() (state.js TRANSITIONS), plus shared data
//   screen.js       a transition and what it redraws        timers.js   named timers over an injectable clock
//   landing.js      Start, token prefetch, online count     preview-control.js  the landing's camera preview
//   i18n.js         the page's language: catalogs (i18n/*.json), t(), Intl   language-picker.js + languages.js: the
//                   landing's language switch and the languages a person speaks (sent as `languages`)
//   media.js        camera/mic, text only, mute toggles     warm.js     the next match's prepared peer connection
//   connection.js   the socket's lifecycle, frames, Stop    queue.js    join-queue, queued, Next
//   session.js      the call controller (matched → end)     resume.js   a call that outlives its socket
//   reports.js      reporting      messages.js  chat traffic      keys.js  Esc Esc → Next
//   shield-page.js  the nudity shield (shield.js policy, shield-control.js wiring, shield-view.js, classifier.js
//                   + shield-worker.js running the vendored nsfwjs model)
//   call-events.js  observers of our and the stranger's streams and of the call's end (onLocalStream,
//                   onRemoteStream, onCallEnded), for features such as a nudity shield
//   views (DOM only): status-view.js, call-view.js (with overlaySlot()), landing-view.js, report-view.js, ui.js
//   pure logic: state.js, resume-rules.js; libraries: api.js, signaling.js, call.js (+ local-media.js, peer-connection.js,
//   control-channel.js, connection-health.js), preview.js, chat.js, timeline.js

import { TokenManager } from './api.js';
import { Signaling } from './signaling.js';
import { Call } from './call.js';
import { getLocalMedia, describeMediaError } from './local-media.js';
import { preparePeerConnection, attachLocal, preOffer, iceServerList, giveIceServers } from './peer-connection.js';
import * as timeline from './timeline.js';
import { Preview, mediaAllowed } from './preview.js';
import { Chat } from './chat.js';
import { $ } from './ui.js';
import { describeServerError } from './state.js';
import { CONFIG } from './config.js';
import { createStore } from './store.js';
import { realClock } from './timers.js';
import { createApp } from './controllers.js';
import { bindPage, exposeForTests } from './bindings.js';
import * as statusView from './status-view.js';
import * as callView from './call-view.js';
import * as landingView from './landing-view.js';
import * as reportView from './report-view.js';
import { mountShield } from './shield-page.js';
import { setLocale, applyDocument, initialLocale, STORAGE_KEY } from './i18n.js';
import { mountLanguagePicker } from './language-picker.js';

export { CONFIG } from './config.js';
// The page's pure logic (states, texts, validation, helpers) lives in state.js; re-exported for callers.
export {
  REPORT_REASONS, underageMessage, validateProfile, describeApiError, describeServerError,
} from './state.js';

const log = (...args) => console.debug('[tandem]', ...args);

/** localStorage, where the browser allows it. */
const storage = {
  get: (key) => { try { return localStorage.getItem(key); } catch { return null; } },
  set: (key, value) => { try { localStorage.setItem(key, value); } catch { /* storage blocked */ } },
};

/** The page's controllers with the browser's real socket, peer connection, camera, clock and DOM. */
function createPageApp() {
  let app = null;
  const tokens = new TokenManager({
    onRefreshed: (accessToken) => app.connection.onTokenRefreshed(accessToken),
    onFatal: (err) => app.connection.onTokenFatal(err),
  });
  const preview = new Preview({
    open: () => getLocalMedia(), onChange: () => app.previewControl.draw(), idleMs: CONFIG.previewIdleMs,
  });
  const chat = new Chat({
    log: $('chat-log'), form: $('chat-form'), input: $('chat-input'), send: $('chat-send'), count: $('chat-count'),
    onSend: (text) => app.messages.send(text),
  });
  app = createApp({
    store: createStore(),
    clock: realClock,
    config: CONFIG,
    log,
    view: { ...statusView, ...callView, ...landingView, ...reportView },
    chat,
    tokens,
    preview,
    timeline,
    openSocket: (options) => new Signaling(options),
    pc: {
      prepare: preparePeerConnection, attachLocal, preOffer, giveIceServers, iceServerList,
      makeCall: (options) => new Call(options),
    },
    getLocalMedia,
    mediaAllowed,
    describeMediaError,
    describeServerError,
    fetchStats: () => fetch('/stats', { cache: 'no-store', credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null)),
    storage,
    env: {
      canOpenCamera: () => !!globalThis.navigator && !!navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function',
      hidden: () => document.visibilityState === 'hidden',
    },
  });
  return app;
}

async function init() {
  // The page's language first (its catalog and English, fetched at once): every text below comes from them.
  await setLocale(initialLocale(storage.get(STORAGE_KEY), navigator.languages)).catch((err) => log('catalog unavailable', err));
  applyDocument();
  performance.mark('tandem-i18n-ready'); // the page's texts are in (the browser tests print when)
  const app = createPageApp();
  mountLanguagePicker({
    storage, onLocaleChanged: () => app.landing.onLocaleChanged(), onLanguagesChanged: () => app.landing.prefetchToken(),
  });
  app.view.wireUnmute();
  bindPage(app);
  exposeForTests(app.store, timeline);
  mountShield(app); // the nudity shield: blurs and checks the stranger's video, loads its model while the page is idle

  const saved = storage.get('tandem.name');
  if (saved) app.view.setName(saved);
  app.screen.go('landing');
  app.landing.refreshStats();
  app.landing.prefetchToken();
  app.previewControl.draw();
  app.previewControl.auto();
  app.view.focus(app.view.firstEmptyField());
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}
