import { test, eq, deepEq } from './harness.js';
import { ControlChannel } from '../js/control-channel.js';

/** A data channel stand-in: records what is sent; `readyState` as the test sets it. */
function fakeChannel(readyState = 'connecting') {
  return { readyState, sent: [], send(text) { this.sent.push(JSON.parse(text)); }, onopen: null, onmessage: null };
}

test('control channel: camera off before the channel opens is told when it opens', () => {
  const events = [];
  const cc = new ControlChannel((e) => events.push(e));
  const ch = fakeChannel();
  cc.wire(ch, () => true);
  cc.setCameraOff(true);
  deepEq(ch.sent, [], 'nothing sent on a channel not yet open');
  ch.readyState = 'open';
  ch.onopen();
  deepEq(ch.sent, [{ camera: 'off' }]);
  cc.setCameraOff(false);
  deepEq(ch.sent, [{ camera: 'off' }, { camera: 'on' }]);
});

test('control channel: the peer\'s notes become events; junk, long notes and a replaced connection are ignored', () => {
  const events = [];
  let current = true;
  const cc = new ControlChannel((e) => events.push(e));
  const ch = fakeChannel('open');
  cc.wire(ch, () => current);
  ch.onmessage({ data: '{"camera":"off"}' });
  ch.onmessage({ data: '{"camera":"on"}' });
  ch.onmessage({ data: 'not json' });
  ch.onmessage({ data: JSON.stringify({ camera: 'off', pad: 'x'.repeat(300) }) });
  ch.onmessage({ data: { camera: 'off' } });
  current = false;
  ch.onmessage({ data: '{"camera":"off"}' });
  deepEq(events, ['peer-camera-off', 'peer-camera-on']);
});

test('control channel: drop() detaches the handlers and stops sending', () => {
  const cc = new ControlChannel(() => {});
  const ch = fakeChannel('open');
  cc.wire(ch, () => true);
  cc.drop();
  eq(ch.onopen, null);
  eq(ch.onmessage, null);
  eq(cc.send({ camera: 'off' }), false);
  deepEq(ch.sent, []);
});
