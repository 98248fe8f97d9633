// fakes.js: the page's controllers (js/controllers.js) with fakes for the socket, the peer connection, the
// camera, the clock and the DOM views, for the controller tests. An illegal state transition is fatal: the
// store throws (store.js fatalOnIllegal), a timer's callback that threw rethrows through the fake clock, and
// appTest fails a test that saw one anywhere.
import { test } from './harness.js';
import { createApp } from '../js/controllers.js';
import { createStore, IllegalTransition } from '../js/store.js';
import { CONFIG } from '../js/config.js';
import { iceServerList } from '../js/peer-connection.js';
import { describeServerError } from '../js/state.js';
import { cameraOff } from '../js/status-view.js';

/** Timers and time that move only when the test says so. */
export class FakeClock {
  constructor() { this.t = 1000; this.seq = 0; this.pending = new Map(); }
  setTimeout(fn, ms) { const id = ++this.seq; this.pending.set(id, { at: this.t + Math.max(0, ms || 0), fn, id }); return id; }
  clearTimeout(id) { this.pending.delete(id); }
  now() { return this.t; }
  epoch() { return 1_700_000_000_000 + this.t; }
  /** Runs every timer due within `ms`, in time order (timers set meanwhile included). */
  advance(ms = 0) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.pending.values()].filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.pending.delete(due.id);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

/** A socket (signaling.js Signaling) the test opens, drops and feeds frames. */
export class FakeSocket {
  constructor(options) { this.options = options; this.isOpen = false; this.sent = []; this.stopped = null; this.retries = 0; this.reconnects = 0; }
  start() { this.started = true; }
  send(type, data = {}) { if (!this.isOpen) return false; this.sent.push([type, data]); if (this.onSend) this.onSend(type); return true; }
  stop(code, reason) { this.isOpen = false; this.stopped = { code, reason }; }
  retryNow() { this.retries += 1; return true; }
  reconnectNow() { this.reconnects += 1; }
  open() { this.isOpen = true; this.options.onOpen(); }
  frame(type, d = {}) { this.options.onFrame(type, d); }
  drop({ delayMs = 1000, code = 1006, backoff = false } = {}) { this.isOpen = false; this.options.onReconnecting({ delayMs, code, backoff }); }
  types() { return this.sent.map(([type]) => type); }
  last(type) { const f = this.sent.filter(([t]) => t === type).pop(); return f && f[1]; }
}

/** A Call (call.js) the test drives: signals, events, a remote stream. */
export class FakeCall {
  constructor(options) { this.options = options; this.log = []; this.iceState = 'new'; this.cameraOff = null; }
  start() { this.log.push('start'); if (this.options.role === 'caller') this.signal('offer', { type: 'offer', sdp: 'o' }); }
  setCameraOff(off) { this.cameraOff = off; }
  setLocalStream(stream) { this.log.push(['localStream', stream]); }
  handleOffer(o) { this.log.push(['offer', o]); }
  handleAnswer(a) { this.log.push(['answer', a]); }
  addCandidate(c) { this.log.push(['candidate', c]); }
  restartIce() { this.log.push('restartIce'); }
  close() { this.closed = true; }
  signal(kind, payload) { this.options.onSignal(kind, payload); }
  emit(ev) { this.options.onEvent(ev); }
  remote(stream) { this.options.onRemoteStream(stream); }
}

/** A MediaStream stand-in with live tracks of the given kinds. */
export function fakeStream(kinds = ['audio', 'video']) {
  const tracks = kinds.map((kind) => ({
    kind, readyState: 'live', enabled: true, listeners: {},
    stop() { this.readyState = 'ended'; },
    addEventListener(type, fn) { this.listeners[type] = fn; },
  }));
  return {
    tracks, getTracks: () => tracks,
    getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
    getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
  };
}

/** The view: records every call; the few queries answer from `view.model`. */
function fakeView(events) {
  const calls = [];
  const model = { hint: '', reportOpen: false, reason: '', form: { name: 'Ann', age: '30', interests: '' }, textOnly: false, mediaError: false, landingError: '' };
  const queries = {
    model, calls,
    hint: () => model.hint,
    setHint: (h) => { calls.push(['setHint', h]); model.hint = h; },
    renderStatus: (next, prev, text, hint) => { calls.push(['renderStatus', next, text, hint]); events.push(`screen ${next}`); model.hint = hint; },
    reportPanelOpen: () => model.reportOpen,
    openReportPanel: (open) => { calls.push(['openReportPanel', open]); model.reportOpen = open; },
    reportReason: () => model.reason,
    readForm: () => model.form,
    textOnlyChecked: () => model.textOnly,
    mediaErrorShown: () => model.mediaError,
    showMediaError: (info) => { calls.push(['showMediaError', info]); model.mediaError = true; },
    landingError: () => model.landingError,
    setLandingError: (text) => { calls.push(['setLandingError', text]); model.landingError = text; },
    cameraOff,
    firstEmptyField: () => 'name',
    /** The arguments of the last call of `name`, or undefined. */
    lastCall: (name) => { const c = calls.filter(([n]) => n === name).pop(); return c && c.slice(1); },
  };
  return new Proxy(queries, { get: (t, k) => (k in t ? t[k] : (...args) => { calls.push([k, ...args]); }) });
}

function fakeChat() {
  const c = { notices: [], system: [], messages: [], enabled: null, cleared: 0, deliveredCount: 0, refusedWith: null };
  return Object.assign(c, {
    addNotice: (t) => c.notices.push(t), addSystem: (t) => c.system.push(t), addMessage: (m) => c.messages.push(m),
    setEnabled: (on) => { c.enabled = on; }, clear: () => { c.cleared += 1; }, delivered: () => { c.deliveredCount += 1; },
    refused: (why) => { c.refusedWith = why; },
  });
}

/**
 * A test app: t.app (the controllers), t.clock, t.view, t.chat, t.sockets / t.socket (the latest), t.calls /
 * t.call, t.events (the order of socket, peer-connection and camera steps), t.illegal (transitions seen).
 */
export function makeTestApp(overrides = {}) {
  const t = { sockets: [], calls: [], events: [], illegal: [], marks: [], logs: [], prepared: [] };
  t.clock = new FakeClock();
  t.view = fakeView(t.events);
  t.chat = fakeChat();
  t.camera = { result: () => Promise.resolve(fakeStream()), calls: 0 };
  t.tokens = {
    issued: [], prefetched: [], failWith: null,
    issue(name, age, languages = []) {
      t.events.push('token');
      this.issued.push(languages.length ? [name, age, languages] : [name, age]);
      return this.failWith ? Promise.reject(this.failWith) : Promise.resolve('tok');
    },
    prefetch(name, age, languages = []) { this.prefetched.push(languages.length ? [name, age, languages] : [name, age]); },
    presolved: 0,
    presolve() { this.presolved += 1; },
    get: () => Promise.resolve('tok'), refresh: () => Promise.resolve('tok2'), stop() {},
  };
  t.preview = { state: 'off', stream: null, taken: 0, hidden: 0, shown: 0, take() { this.taken += 1; return null; }, hide() { this.hidden += 1; this.state = 'off'; }, show() { this.shown += 1; return Promise.resolve(null); }, touch() {} };
  t.app = createApp({
    store: createStore({ onIllegal: (from, to) => { t.illegal.push(`${from} → ${to}`); throw new IllegalTransition(from, to); } }),
    clock: t.clock,
    config: CONFIG,
    log: (...args) => {
      t.logs.push(args);
      const err = args.find((a) => a instanceof IllegalTransition);
      if (err) throw err; // a timer's callback made an illegal transition: the test fails
    },
    view: t.view,
    chat: t.chat,
    tokens: t.tokens,
    preview: t.preview,
    timeline: { reset() {}, mark: (m) => t.marks.push(m), snapshot: () => ({}) },
    openSocket: (options) => { t.events.push('socket'); t.socket = new FakeSocket(options); t.socket.onSend = (type) => t.events.push(`sent ${type}`); t.sockets.push(t.socket); return t.socket; },
    pc: {
      prepare: (o) => { t.events.push(o.tracksLater ? 'prepare (tracks later)' : 'prepare'); const w = { pc: { close() { w.closed = true; } }, attached: !o.tracksLater, stream: o.localStream || null, options: o }; t.prepared.push(w); return w; },
      attachLocal: (w, stream) => { t.events.push('attach'); w.attached = true; w.stream = stream; return true; },
      preOffer: (w) => { t.events.push('preOffer'); w.offering = true; return Promise.resolve(true); },
      giveIceServers: (w, list) => { w.iceServers = list; },
      iceServerList,
      makeCall: (o) => { t.events.push('call'); t.call = new FakeCall(o); t.calls.push(t.call); return t.call; },
    },
    getLocalMedia: () => { t.events.push('camera'); t.camera.calls += 1; return t.camera.result(); },
    mediaAllowed: () => Promise.resolve(t.camera.allowed === true), // t.camera.allowed: opens without a prompt
    describeMediaError: (err) => ({ title: 'Camera blocked', text: String(err && err.name), help: '' }),
    describeServerError,
    fetchStats: () => Promise.resolve({ online: 7 }),
    storage: { set() {} },
    env: { canOpenCamera: () => true, hidden: () => false },
    ...overrides,
  });
  t.s = t.app.store;
  return t;
}

/** Lets promise callbacks run (the fake clock does not hold them). */
export const settle = () => new Promise((r) => setTimeout(r, 0));

/** A test with a fresh test app; it fails if any illegal transition was seen, even one swallowed on the way. */
export function appTest(name, fn, overrides) {
  test(name, async () => {
    const t = makeTestApp(overrides);
    await fn(t);
    if (t.illegal.length) throw new IllegalTransition(...t.illegal[0].split(' → '));
  });
}

/** Start text only (or with the camera), open the socket and take `queued`: the page is searching. */
export async function goSearching(t, { textOnly = true } = {}) {
  await t.app.landing.start({ textOnly });
  await settle();
  t.clock.advance(0);
  t.socket.open();
  t.socket.frame('queued', { online: 3, waiting: 1 });
}

/** From searching, `matched` in `role` with session s1 and Bob (plus `data`, e.g. commonLanguage); the caller's call connects unless told not to. */
export function match(t, { role = 'caller', sessionId = 's1', connect = true, ...data } = {}) {
  t.socket.frame('matched', { sessionId, role, peerId: 'p-bob', peer: { name: 'Bob' }, ...data });
  if (role === 'callee') { t.call.signal('answer', { type: 'answer', sdp: 'a' }); t.clock.advance(0); }
  if (connect) t.call.emit('connected');
}
