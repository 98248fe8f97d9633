import { test, eq, ok, deepEq } from './harness.js';
import {
  remoteShield, selfShield, isUnsafe, explicitScore, shieldEnabled, setShieldEnabled, SHIELD_DEFAULTS, SHIELD_PREF_KEY,
} from '../js/shield.js';

const CLEAR = { Drawing: 0.3, Hentai: 0.02, Neutral: 0.65, Porn: 0.02, Sexy: 0.01 };
const UNSAFE = { Drawing: 0.01, Hentai: 0.05, Neutral: 0.04, Porn: 0.85, Sexy: 0.05 };
const SEXY = { Drawing: 0.01, Hentai: 0.02, Neutral: 0.1, Porn: 0.1, Sexy: 0.77 };

/** A classifier the test answers by hand: each classify() waits until answer()/failNext() is called. */
function fakeClassifier() {
  const c = { calls: [], waiting: [] };
  c.classify = (source) => { c.calls.push(source); return new Promise((resolve, reject) => c.waiting.push({ resolve, reject })); };
  c.answer = async (scores) => { c.waiting.shift().resolve({ scores, ms: 5 }); await flush(); };
  c.fail = async (msg = 'model failed') => { c.waiting.shift().reject(new Error(msg)); await flush(); };
  return c;
}

/** Timers the test fires by hand. */
function fakeTimers() {
  const t = { next: 1, pending: new Map() };
  t.setTimeout = (f, ms) => { const id = t.next++; t.pending.set(id, { f, ms }); return id; };
  t.clearTimeout = (id) => t.pending.delete(id);
  t.fire = async () => { const all = [...t.pending.values()]; t.pending.clear(); all.forEach(x => x.f()); await flush(); };
  return t;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function remote(extra = {}) {
  const c = fakeClassifier();
  const timers = fakeTimers();
  const views = [];
  const s = remoteShield({ classify: c.classify, timers, render: (v) => views.push(v), ...extra });
  const last = () => views[views.length - 1];
  return { c, timers, s, views, last };
}

test('shield verdict: Porn + Hentai against the threshold; Sexy only with the option', () => {
  eq(isUnsafe(CLEAR), false);
  eq(isUnsafe(UNSAFE), true);
  eq(isUnsafe({ Hentai: 0.25, Porn: 0.2 }), true, 'the two explicit classes add up');
  eq(isUnsafe(SEXY), false, 'Sexy alone is not nudity by default');
  eq(isUnsafe(SEXY, { ...SHIELD_DEFAULTS, includeSexy: true }), true);
  ok(Math.abs(explicitScore(UNSAFE) - 0.9) < 1e-9);
});

test('shield: the stranger\'s video is blurred until the first verdict, then clear unblurs it', async () => {
  const { c, s, last } = remote();
  s.start('video');
  deepEq(last(), { state: 'checking', blurred: true, overlay: null }, 'blurred before any verdict');
  eq(c.calls.length, 1, 'checked at once');
  await c.answer(CLEAR);
  deepEq(last(), { state: 'clear', blurred: false, overlay: null });
});

test('shield: checked again every ~2 s for the whole call; an unsafe verdict blurs it with the overlay', async () => {
  const { c, timers, s, last } = remote();
  s.start('video');
  await c.answer(CLEAR);
  eq([...timers.pending.values()][0].ms, SHIELD_DEFAULTS.intervalMs, 'the next check is scheduled');
  await timers.fire();
  eq(c.calls.length, 2);
  await c.answer(CLEAR);
  await timers.fire();
  await c.answer(UNSAFE);
  deepEq(last(), { state: 'unsafe', blurred: true, overlay: 'unsafe' });
  await timers.fire();
  await c.answer(CLEAR);
  eq(last().state, 'clear', 'a later clear verdict shows it again');
});

test('shield: Show anyway shows the video for this call only', async () => {
  const { c, timers, s, last } = remote();
  s.start('video');
  await c.answer(UNSAFE);
  s.showAnyway();
  deepEq(last(), { state: 'shown', blurred: false, overlay: null });
  eq(timers.pending.size, 0, 'no more checks in this call');
  s.trackChanged('video');
  eq(last().state, 'shown', 'a track change does not undo Show anyway');
  s.stop();
  eq(last().state, 'idle');
  s.start('video');
  deepEq(last(), { state: 'checking', blurred: true, overlay: null }, 'the next call is blurred again');
  await c.answer(UNSAFE);
  eq(last().overlay, 'unsafe');
});

test('shield: a video track change is checked again at once, blurred until that verdict', async () => {
  const { c, timers, s, last } = remote();
  s.start('video');
  await c.answer(CLEAR);
  s.trackChanged('video');
  eq(last().state, 'checking');
  eq(last().blurred, true);
  eq(c.calls.length, 2, 'checked at once, not at the next tick');
  eq(timers.pending.size, 0, 'the old schedule is replaced');
  await c.answer(UNSAFE);
  eq(last().state, 'unsafe');
});

test('shield: the model failing stays blurred with "unavailable", never silently unblurred', async () => {
  const { c, timers, s, last } = remote();
  s.start('video');
  await c.fail('WebAssembly unavailable');
  deepEq(last(), { state: 'unavailable', blurred: true, overlay: 'unavailable' });
  await timers.fire();
  await c.fail();
  eq(last().state, 'unavailable');
  // a failure after a clear verdict blurs it again too
  const r = remote();
  r.s.start('video');
  await r.c.answer(CLEAR);
  await r.timers.fire();
  await r.c.fail();
  eq(r.last().blurred, true);
  eq(r.last().overlay, 'unavailable');
});

test('shield: a verdict that arrives after the call ended is dropped', async () => {
  const { c, s, last, timers } = remote();
  s.start('video');
  s.stop();
  await c.answer(UNSAFE);
  eq(last().state, 'idle');
  eq(timers.pending.size, 0, 'nothing scheduled after the call');
});

test('shield: turned off by the person → never blurred, never checked; the setting is stored locally', async () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
  eq(shieldEnabled(storage), true, 'on by default');
  setShieldEnabled(storage, false);
  eq(store.get(SHIELD_PREF_KEY), 'off');
  const { c, s, last } = remote({ enabled: () => shieldEnabled(storage) });
  s.start('video');
  deepEq(last(), { state: 'off', blurred: false, overlay: null });
  eq(c.calls.length, 0);
  setShieldEnabled(storage, true);
  eq(shieldEnabled(storage), true);
  eq(shieldEnabled({ getItem: () => { throw new Error('denied'); } }), true, 'unreadable storage: on');
});

test('self shield: unsafe pauses sending video until Resume, which sends for the rest of the call; nothing else', async () => {
  const c = fakeClassifier();
  const timers = fakeTimers();
  const paused = [];
  const states = [];
  const s = selfShield({ classify: c.classify, timers, render: (v) => states.push(v.state), pauseVideo: (p) => paused.push(p) });
  s.start('self');
  await c.answer(CLEAR);
  await timers.fire();
  await c.answer(UNSAFE);
  eq(s.state(), 'paused');
  deepEq(paused, [true], 'video sending stopped');
  eq(timers.pending.size, 0, 'not checked while paused');
  s.resume();
  deepEq(paused, [true, false]);
  eq(s.state(), 'allowed');
  s.stop();
  s.start('self');
  eq(s.state(), 'watching', 'checked again in the next call');
  await c.fail();
  eq(s.state(), 'watching', 'a failing model never pauses the camera');
  await timers.fire();
  await c.answer(UNSAFE);
  s.stop();
  deepEq(paused, [true, false, true, false], 'a call that ends while paused gives the camera back');
});
