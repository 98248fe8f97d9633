import { test, eq, deepEq } from './harness.js';
import { connectionState, evaluate, failure } from '../js/connection-health.js';

/** The parts of a Call that connection-health reads and drives. */
function fakeCall(role, { turn = false } = {}) {
  const call = {
    role, turn, pc: {}, closed: false, connected: false, retried: false, lastState: null, disconnectTimer: null,
    events: [], ran: [], offers: [], replaced: [],
    onEvent(e) { this.events.push(e); },
    log() {},
    run(what, fn) { this.ran.push(what); return fn(); },
    offer(options) { this.offers.push(options || null); return Promise.resolve(); },
    replacePc(relay) { this.replaced.push(relay); },
  };
  return call;
}

test('connection health: the state word from connectionState, or from ICE where the browser has none', () => {
  eq(connectionState({ connectionState: 'connected', iceConnectionState: 'connected' }), 'connected');
  eq(connectionState({ iceConnectionState: 'completed' }), 'connected');
  eq(connectionState({ iceConnectionState: 'checking' }), 'connecting');
  eq(connectionState({ connectionState: 'connecting', iceConnectionState: 'failed' }), 'failed', 'ICE failed wins');
});

test('connection health: connected is told once; a state of another connection is ignored', () => {
  const call = fakeCall('caller');
  call.pc.connectionState = 'connected';
  evaluate(call, call.pc);
  evaluate(call, call.pc);
  evaluate(call, { connectionState: 'failed' });
  deepEq(call.events, ['connected']);
  eq(call.connected, true);
});

test('connection health: the caller retries a failure once with an ICE restart, then gives up', async () => {
  const call = fakeCall('caller');
  call.pc.connectionState = 'failed';
  evaluate(call, call.pc);
  await Promise.resolve();
  deepEq(call.events, ['retrying']);
  deepEq(call.ran, ['ice restart']);
  deepEq(call.offers, [{ iceRestart: true }]);
  failure(call);
  deepEq(call.events, ['retrying', 'failed']);
});

test('connection health: with TURN on offer the caller retries on a new relay-only connection', async () => {
  const call = fakeCall('caller', { turn: true });
  failure(call);
  await Promise.resolve();
  deepEq(call.replaced, [true]);
  deepEq(call.offers, [null]);
});

test('connection health: the callee waits for the caller\'s new offer; disconnected is unstable first', () => {
  const call = fakeCall('callee');
  call.pc.connectionState = 'disconnected';
  evaluate(call, call.pc);
  deepEq(call.events, ['unstable']);
  clearTimeout(call.disconnectTimer);
  failure(call);
  deepEq(call.events, ['unstable', 'retrying']);
  deepEq(call.ran, [], 'the callee makes no offer');
});
