import { test, eq, ok, deepEq } from './harness.js';
import {
  closePolicy, reconnectDelay, backoffDelay, RESTART_JITTER_MS, URGENT_QUICK_TRIES, URGENT_MAX_BACKOFF_MS, signalingUrl,
} from '../js/signaling.js';

test('closePolicy: 1012 (gateway restarting) reconnects with jitter, same token', () => {
  const p = closePolicy(1012, true, 0);
  eq(p.action, 'reconnect');
  eq(p.delay, 'jitter');
  eq(p.fresh, false);
});

test('closePolicy: 1012 never stops and never backs off, however often it repeats', () => {
  for (let i = 0; i < 10; i += 1) {
    const p = closePolicy(1012, i % 2 === 0, i);
    eq(p.action, 'reconnect', `close #${i}`);
    eq(p.delay, 'jitter', `close #${i}`);
  }
});

test('reconnectDelay: 1012 waits 0..RESTART_JITTER_MS, not a backoff', () => {
  const p = closePolicy(1012, true, 0);
  eq(reconnectDelay(p, { attempt: 5, immediate: 9 }, () => 0), 0);
  eq(reconnectDelay(p, { attempt: 5, immediate: 9 }, () => 0.5), RESTART_JITTER_MS / 2);
  ok(reconnectDelay(p, { attempt: 5, immediate: 9 }, () => 0.999999) < RESTART_JITTER_MS, 'below the jitter bound');
  ok(RESTART_JITTER_MS <= 500, 'jitter stays small');
});

test('closePolicy: other codes keep their handling', () => {
  deepEq(closePolicy(1000, true, 0), { action: 'stop', reason: 'normal' });
  deepEq(closePolicy(1008, true, 0), { action: 'stop', reason: 'policy' });
  deepEq(closePolicy(4000, true, 0), { action: 'stop', reason: 'replaced' });
  const expired = closePolicy(4001, true, 0);
  eq(expired.action, 'reconnect');
  eq(expired.delay, 'now');
  eq(expired.fresh, true);
  const dropped = closePolicy(1006, true, 0);
  eq(dropped.delay, 'backoff');
  eq(dropped.fresh, false);
  eq(closePolicy(1009, true, 0).delay, 'backoff');
});

test('closePolicy: two handshakes refused in a row get a fresh token', () => {
  eq(closePolicy(1006, false, 1).fresh, false);
  eq(closePolicy(1006, false, 2).fresh, true);
  eq(closePolicy(1006, true, 2).fresh, false, 'a socket that opened was not refused');
});

test('reconnectDelay: "now" twice, then a backoff (no tight loop on repeated 4001)', () => {
  const p = closePolicy(4001, true, 0);
  eq(reconnectDelay(p, { attempt: 0, immediate: 0 }), 0);
  eq(reconnectDelay(p, { attempt: 0, immediate: 1 }), 0);
  ok(reconnectDelay(p, { attempt: 0, immediate: 2 }, () => 0.5) >= 500, 'third in a row backs off');
});

test('backoffDelay: doubles from 1 s, capped at 30 s, ±20% jitter', () => {
  eq(backoffDelay(0, () => 0.5), 1000);
  eq(backoffDelay(1, () => 0.5), 2000);
  eq(backoffDelay(3, () => 0.5), 8000);
  eq(backoffDelay(20, () => 0.5), 30000);
  eq(backoffDelay(20, () => 1), 30000, 'never above the cap');
  eq(backoffDelay(0, () => 0), 800);
  eq(backoffDelay(0, () => 1), 1200);
  eq(backoffDelay(-3, () => 0.5), 1000, 'negative attempts count as 0');
});

test('backoffDelay: while a call waits to be resumed it stops growing at 2 s', () => {
  eq(URGENT_MAX_BACKOFF_MS, 2000);
  eq(backoffDelay(0, () => 0.5, URGENT_MAX_BACKOFF_MS), 1000);
  eq(backoffDelay(1, () => 0.5, URGENT_MAX_BACKOFF_MS), 2000);
  eq(backoffDelay(6, () => 1, URGENT_MAX_BACKOFF_MS), 2000, 'never above the cap');
  eq(backoffDelay(6, () => 0, URGENT_MAX_BACKOFF_MS), 1600, 'still jittered below it');
});

test('signalingUrl: ws for http, wss for https, same host', () => {
  eq(signalingUrl({ protocol: 'http:', host: 'localhost:8080' }), 'ws://localhost:8080/signaling');
  eq(signalingUrl({ protocol: 'https:', host: 'tandem.example' }), 'wss://tandem.example/signaling');
});

/** A stand-in for the browser's WebSocket that the test opens and closes by hand. */
class FakeSocket {
  static made = [];
  constructor(url, protocols) {
    Object.assign(this, { url, protocols, readyState: 0, sent: [] });
    FakeSocket.made.push(this);
  }
  send(text) { this.sent.push(text); }
  close(...args) { (this.closeCalls ||= []).push(args); this.readyState = 3; }
  open() { this.readyState = 1; this.onopen(); }
  drop(code, reason = '') { this.readyState = 3; this.onclose({ code, reason }); }
}
FakeSocket.CONNECTING = 0;
FakeSocket.OPEN = 1;

async function withFakeSocket(fn) {
  const real = globalThis.WebSocket;
  FakeSocket.made = [];
  globalThis.WebSocket = FakeSocket;
  try { return await fn(); } finally { globalThis.WebSocket = real; }
}

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
async function until(cond, ms, what) {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(5);
  }
}

test('Signaling: a 1012 close reconnects to the same URL within the jitter, without stopping', async () => {
  const { Signaling } = await import('../js/signaling.js');
  await withFakeSocket(async () => {
    const events = { opened: [], stopped: [], reconnecting: [] };
    const sig = new Signaling({
      url: 'ws://lb.example/signaling',
      getToken: async () => 'tok',
      onOpen: (e) => events.opened.push(e),
      onFrame: () => {},
      onReconnecting: (e) => events.reconnecting.push(e),
      onStopped: (e) => events.stopped.push(e),
    });
    sig.start();
    await until(() => FakeSocket.made.length === 1, 500, 'first socket');
    FakeSocket.made[0].open();
    for (let round = 1; round <= 3; round += 1) {
      const closedAt = performance.now();
      FakeSocket.made[round - 1].drop(1012, 'restarting');
      await until(() => FakeSocket.made.length === round + 1, 1000, `socket after 1012 #${round}`);
      const waited = performance.now() - closedAt;
      ok(waited < 500 + 150, `reconnected ${Math.round(waited)} ms after 1012 #${round}`);
      eq(FakeSocket.made[round].url, 'ws://lb.example/signaling', 'same URL');
      FakeSocket.made[round].open();
    }
    eq(events.stopped.length, 0, 'never stopped');
    eq(events.opened.length, 4);
    deepEq(events.opened.slice(1).map((e) => e.reconnect), [true, true, true]);
    ok(events.reconnecting.every((e) => e.code === 1012 && e.delayMs < 500), 'each reconnect announced with its jitter');
    sig.stop();
  });
});

test('Signaling: a 4000 close stops for good and reports "replaced"', async () => {
  const { Signaling } = await import('../js/signaling.js');
  await withFakeSocket(async () => {
    const stopped = [];
    const sig = new Signaling({
      url: 'ws://lb.example/signaling', getToken: async () => 'tok', onOpen: () => {}, onFrame: () => {},
      onReconnecting: () => {}, onStopped: (e) => stopped.push(e),
    });
    sig.start();
    await until(() => FakeSocket.made.length === 1, 500, 'first socket');
    FakeSocket.made[0].open();
    FakeSocket.made[0].drop(4000, 'replaced');
    await sleep(50);
    eq(stopped.length, 1);
    eq(stopped[0].reason, 'replaced');
    eq(FakeSocket.made.length, 1, 'no new socket');
  });
});

test('closePolicy: in a call (urgent), a socket that was open and dropped is replaced at once, with jitter', () => {
  for (const code of [1006, 1001, 1009, 1011]) {
    const p = closePolicy(code, true, 0, true);
    eq(p.action, 'reconnect', `${code}`);
    eq(p.delay, 'jitter', `${code}`);
    eq(p.reason, 'dropped', `${code}`);
  }
  eq(closePolicy(1006, false, 1, true).delay, 'backoff', 'an attempt that never opened backs off');
  eq(closePolicy(1006, true, 0, false).delay, 'backoff', 'outside a call: backoff as before');
  eq(closePolicy(4001, true, 0, true).delay, 'now', 'expired token: refresh and reconnect now');
  eq(closePolicy(4001, true, 0, true).fresh, true);
  eq(closePolicy(1012, true, 0, true).delay, 'jitter');
  eq(closePolicy(4000, true, 0, true).action, 'stop', 'replaced by another tab stops even in a call');
  eq(closePolicy(1008, true, 0, true).action, 'stop');
});

test('reconnectDelay: a call\'s quick reconnects stay within the jitter, then back off', () => {
  const p = closePolicy(1006, true, 0, true);
  for (let quick = 0; quick < URGENT_QUICK_TRIES; quick += 1) {
    ok(reconnectDelay(p, { attempt: 3, quick }, () => 0.999) < RESTART_JITTER_MS, `quick try #${quick}`);
  }
  eq(reconnectDelay(p, { attempt: 2, quick: URGENT_QUICK_TRIES }, () => 0.5), 4000, 'then the usual backoff');
  const restart = closePolicy(1012, true, 0, true);
  ok(reconnectDelay(restart, { attempt: 9, quick: 99 }, () => 0.999) < RESTART_JITTER_MS, '1012 never backs off');
});

function signalingWith(events, extra = {}) {
  return import('../js/signaling.js').then(({ Signaling }) => new Signaling({
    url: 'ws://lb.example/signaling',
    getToken: async ({ fresh }) => { events.tokens.push(fresh); return 'tok'; },
    onOpen: (e) => events.opened.push(e),
    onFrame: () => {},
    onReconnecting: (e) => events.reconnecting.push({ ...e, at: performance.now() }),
    onStopped: (e) => events.stopped.push(e),
    onAttempt: () => events.attempts.push(performance.now()),
    ...extra,
  }));
}
const newEvents = () => ({ opened: [], stopped: [], reconnecting: [], attempts: [], tokens: [] });

test('Signaling: in a call, an abrupt close reconnects within the jitter and never closes the lost socket', async () => {
  await withFakeSocket(async () => {
    const events = newEvents();
    let inCall = false;
    const sig = await signalingWith(events, { urgent: () => inCall });
    sig.start();
    await until(() => FakeSocket.made.length === 1, 500, 'first socket');
    FakeSocket.made[0].open();
    inCall = true;
    const droppedAt = performance.now();
    FakeSocket.made[0].drop(1006);
    await until(() => FakeSocket.made.length === 2, 1000, 'second socket');
    const waited = performance.now() - droppedAt;
    ok(waited < RESTART_JITTER_MS + 150, `reconnected after ${Math.round(waited)} ms`);
    ok(events.reconnecting[0].delayMs < RESTART_JITTER_MS, 'the jitter is announced');
    eq(events.reconnecting[0].backoff, false, 'as a quick try (no countdown)');
    eq(FakeSocket.made[0].closeCalls, undefined, 'the dropped socket was never closed by the client');
    FakeSocket.made[1].open();
    deepEq(events.opened.map((e) => e.reconnect), [false, true]);
    eq(events.stopped.length, 0);
    sig.stop();
    deepEq(FakeSocket.made[1].closeCalls, [[1000, 'bye']], 'stop() is the one place a close frame is sent');
  });
});

test('Signaling: attempts that never open back off with a countdown, and "Retry now" tries at once', async () => {
  await withFakeSocket(async () => {
    const events = newEvents();
    const sig = await signalingWith(events, { urgent: () => true });
    sig.start();
    await until(() => FakeSocket.made.length === 1, 500, 'first socket');
    FakeSocket.made[0].drop(1006); // refused before open
    await until(() => events.reconnecting.length === 1, 500, 'a retry planned');
    ok(events.reconnecting[0].delayMs >= 800, `backoff announced: ${events.reconnecting[0].delayMs} ms`);
    eq(events.reconnecting[0].backoff, true, 'as a backoff (countdown and Retry now)');
    eq(FakeSocket.made.length, 1, 'no socket before the backoff ends');
    for (let i = 0; i < 4; i += 1) sig.scheduleBackoff(1006, false); // many failures in a row
    ok(events.reconnecting.slice(1).every((e) => e.backoff && e.delayMs <= URGENT_MAX_BACKOFF_MS),
      `a call's backoff stays within ${URGENT_MAX_BACKOFF_MS} ms: ${events.reconnecting.map((e) => e.delayMs)}`);
    ok(sig.retryNow(), 'Retry now starts an attempt');
    await until(() => FakeSocket.made.length === 2, 300, 'socket after Retry now');
    // a stuck CONNECTING socket is given up (it was never registered) for a new one
    ok(sig.retryNow(), 'Retry now while connecting');
    await until(() => FakeSocket.made.length === 3, 300, 'socket after the second Retry now');
    deepEq(FakeSocket.made[1].closeCalls, [[]], 'the CONNECTING socket is closed without a close code');
    FakeSocket.made[2].open();
    eq(sig.retryNow(), false, 'an open socket is kept');
    eq(FakeSocket.made.length, 3);
    eq(FakeSocket.made[2].closeCalls, undefined);
    sig.stop();
  });
});

test('Signaling: a call\'s quick reconnects stop after URGENT_QUICK_TRIES drops in a row', async () => {
  await withFakeSocket(async () => {
    const events = newEvents();
    const sig = await signalingWith(events, { urgent: () => true });
    sig.start();
    for (let i = 0; i <= URGENT_QUICK_TRIES; i += 1) {
      await until(() => FakeSocket.made.length === i + 1, 1000, `socket ${i}`);
      FakeSocket.made[i].open();
      FakeSocket.made[i].drop(1006);
      await until(() => events.reconnecting.length === i + 1, 500, `retry ${i}`);
    }
    const delays = events.reconnecting.map((e) => e.delayMs);
    ok(delays.slice(0, URGENT_QUICK_TRIES).every((d) => d < RESTART_JITTER_MS), `quick first: ${delays}`);
    ok(delays[URGENT_QUICK_TRIES] >= 800, `then a backoff: ${delays}`);
    sig.stop();
  });
});
