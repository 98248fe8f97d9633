import { test, eq, ok } from './harness.js';
import { Preview, mediaAllowed } from '../js/preview.js';

/** A stand-in MediaStream: tracks with readyState and stop(). */
function fakeStream() {
  const tracks = ['audio', 'video'].map((kind) => ({ kind, readyState: 'live', stop() { this.readyState = 'ended'; } }));
  return { tracks, getTracks: () => tracks };
}

/** open() that answers when the test says so. */
function gate() {
  const g = { calls: 0 };
  g.open = () => { g.calls += 1; return new Promise((resolve, reject) => { g.resolve = resolve; g.reject = reject; }); };
  return g;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('mediaAllowed: true only when camera and microphone are both granted; never throws', async () => {
  const perms = (states) => ({ query: async ({ name }) => ({ state: states[name] }) });
  eq(await mediaAllowed(perms({ camera: 'granted', microphone: 'granted' })), true);
  eq(await mediaAllowed(perms({ camera: 'granted', microphone: 'prompt' })), false);
  eq(await mediaAllowed(perms({ camera: 'denied', microphone: 'granted' })), false);
  eq(await mediaAllowed({ query: async () => { throw new TypeError('camera is not a valid PermissionName'); } }), false);
  eq(await mediaAllowed(undefined), false, 'no Permissions API');
});

test('Preview.show: not allowed → off, the camera is not opened; allowed → on with the stream', async () => {
  const changes = [];
  const stream = fakeStream();
  let allowed = false;
  const p = new Preview({ open: async () => stream, allowed: async () => allowed, onChange: (pv) => changes.push(pv.state) });
  eq(await p.show(), null);
  eq(p.state, 'off');
  eq(changes.join(','), 'opening,off');
  allowed = true;
  eq(await p.show(), stream);
  eq(p.state, 'on');
  eq(p.stream, stream);
  p.hide();
  eq(p.state, 'off');
  ok(stream.tracks.every((t) => t.readyState === 'ended'), 'hide() stops the tracks');
});

test('Preview.show({ask}): opens without asking the Permissions API; a refusal is kept in error', async () => {
  const g = gate();
  const p = new Preview({ open: g.open, allowed: async () => { throw new Error('must not be asked'); } });
  const shown = p.show({ ask: true });
  await tick();
  eq(g.calls, 1);
  const err = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
  g.reject(err);
  eq(await shown, null);
  eq(p.state, 'off');
  eq(p.error, err);
});

test('Preview.take: hands the open stream to Start, which owns it (not stopped); the preview is off', async () => {
  const stream = fakeStream();
  const p = new Preview({ open: async () => stream, allowed: async () => true });
  await p.show();
  const taken = p.take();
  eq(await taken, stream);
  eq(p.state, 'off');
  eq(p.stream, null);
  p.hide();
  ok(stream.tracks.every((t) => t.readyState === 'live'), 'the handed stream keeps running');
  eq(p.take(), null, 'nothing more to take');
});

test('Preview.take while the camera is opening: Start gets that promise and its stream is not stopped', async () => {
  const g = gate();
  const p = new Preview({ open: g.open, allowed: async () => true });
  const shown = p.show();
  await tick();
  eq(p.state, 'opening');
  const taken = p.take();
  ok(taken, 'the pending open is handed over');
  const stream = fakeStream();
  g.resolve(stream);
  eq(await taken, stream);
  eq(await shown, null, 'the preview itself does not show it');
  eq(p.state, 'off');
  ok(stream.tracks.every((t) => t.readyState === 'live'));
});

test('Preview.hide while the camera is opening: the stream is stopped when it arrives', async () => {
  const g = gate();
  const p = new Preview({ open: g.open, allowed: async () => true });
  const shown = p.show();
  await tick();
  p.hide();
  eq(p.state, 'off');
  const stream = fakeStream();
  g.resolve(stream);
  eq(await shown, null);
  ok(stream.tracks.every((t) => t.readyState === 'ended'), 'the camera light goes off');
  eq(p.take(), null);
});

test('Preview.take of a stream whose tracks ended (camera unplugged): null, Start asks again', async () => {
  const stream = fakeStream();
  const p = new Preview({ open: async () => stream, allowed: async () => true });
  await p.show();
  stream.tracks.forEach((t) => t.stop());
  eq(p.take(), null);
  eq(p.state, 'off');
});

test('Preview idleMs: closed when nobody touches the page for that long; touch() restarts the wait', async () => {
  const pending = new Map();
  let next = 1;
  const timer = { set: (fn, ms) => { pending.set(next, { fn, ms }); return next++; }, clear: (id) => pending.delete(id) };
  const stream = fakeStream();
  const p = new Preview({ open: async () => stream, allowed: async () => true, idleMs: 300000, timer });
  await p.show();
  eq(pending.size, 1, 'armed when on');
  eq([...pending.values()][0].ms, 300000);
  const first = [...pending.keys()][0];
  p.touch();
  ok(!pending.has(first), 'touch() replaces the timer');
  eq(pending.size, 1);
  const [id, due] = [...pending][0];
  pending.delete(id); // it fires
  due.fn();
  eq(p.state, 'off', 'idle: closed');
  ok(stream.tracks.every((t) => t.readyState === 'ended'), 'the camera light goes off');
  p.touch();
  eq(pending.size, 0, 'touch() on a closed preview arms nothing');
  const again = fakeStream();
  const q = new Preview({ open: async () => again, allowed: async () => true, idleMs: 300000, timer });
  await q.show();
  q.take();
  eq(pending.size, 0, 'taken by Start: no idle limit any more');
});
