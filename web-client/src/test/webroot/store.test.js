import { test, eq, ok, throws } from './harness.js';
import { createStore, fatalOnIllegal, IllegalTransition } from '../js/store.js';
import { createTimers } from '../js/timers.js';
import { FakeClock } from './fakes.js';

test('store: legal transitions change the state; staying is legal; the previous state is returned', () => {
  const s = createStore({ onIllegal: fatalOnIllegal });
  eq(s.state, 'landing');
  eq(s.transition('media'), 'landing');
  eq(s.transition('searching'), 'media');
  s.transition('searching');
  eq(s.state, 'searching');
});

test('store: an illegal transition throws with fatalOnIllegal (the tests) and is only reported by default', () => {
  const s = createStore({ onIllegal: fatalOnIllegal });
  let thrown = null;
  try { s.transition('connected'); } catch (err) { thrown = err; }
  ok(thrown instanceof IllegalTransition, 'landing → connected throws');
  eq(thrown.message, 'illegal state change landing → connected');
  const seen = [];
  const prod = createStore({ onIllegal: (from, to) => seen.push(`${from}→${to}`) });
  prod.transition('connected');
  eq(prod.state, 'connected', 'production goes on');
  eq(seen.join(), 'landing→connected');
});

test('store: state is read-only and the store is sealed', () => {
  const s = createStore({ onIllegal: fatalOnIllegal });
  throws(() => { s.state = 'connected'; }, 'state is set only by transition()');
  throws(() => { s.sesionId = 'x'; }, 'a misspelt field throws');
  s.sessionId = 'x';
  eq(s.sessionId, 'x');
});

test('timers: a name set again replaces its timer; clearAll clears; a failing callback is logged', () => {
  const clock = new FakeClock();
  const logged = [];
  const timers = createTimers(clock, (...a) => logged.push(a[0]));
  const fired = [];
  timers.set('a', 100, () => fired.push('a1'));
  timers.set('a', 200, () => fired.push('a2'));
  timers.set('b', 50, () => { throw new Error('boom'); });
  ok(timers.has('a'));
  clock.advance(150);
  eq(fired.join(), '', 'the first a was replaced');
  eq(logged.join(), 'timer b failed');
  clock.advance(100);
  eq(fired.join(), 'a2');
  ok(!timers.has('a'));
  timers.set('c', 10, () => fired.push('c'));
  timers.clearAll();
  clock.advance(100);
  eq(fired.join(), 'a2');
});
