import { eq, ok, deepEq } from './harness.js';
import { appTest, settle, fakeStream, goSearching, match } from './fakes.js';
import { createShieldControl } from '../js/shield-control.js';
import { SHIELD_PREF_KEY } from '../js/shield.js';

const CLEAR = { Drawing: 0.3, Hentai: 0.02, Neutral: 0.65, Porn: 0.02, Sexy: 0.01 };
const UNSAFE = { Drawing: 0.01, Hentai: 0.05, Neutral: 0.04, Porn: 0.85, Sexy: 0.05 };

/** A stream stand-in that also takes stream listeners (addtrack / removetrack). */
function remoteStream(kinds = ['audio', 'video']) {
  const st = fakeStream(kinds);
  st.listeners = {};
  st.addEventListener = (type, fn) => { st.listeners[type] = fn; };
  return st;
}

/** The shield's control on a test app, with a classifier the test answers and views that record. */
function mountShield(t, stored = {}) {
  const f = { renders: [], selfRenders: [], pending: [], stored: new Map(Object.entries(stored)) };
  f.classifier = {
    warm: () => Promise.resolve(), info: () => null,
    classify: (video) => new Promise((resolve, reject) => f.pending.push({ video, resolve, reject })),
  };
  f.answer = async (scores) => { f.pending.shift().resolve({ scores, checkMs: 5, modelMs: 4 }); await settle(); };
  f.remoteVideo = { addEventListener() {} };
  f.localVideo = {};
  f.control = createShieldControl(t.app, {
    classifier: f.classifier,
    storage: { getItem: (k) => f.stored.get(k) ?? null, setItem: (k, v) => f.stored.set(k, v), removeItem: (k) => f.stored.delete(k) },
    remoteVideo: f.remoteVideo,
    localVideo: f.localVideo,
    mountRemote: (callbacks) => { f.remote = callbacks; return { render: (v) => f.renders.push(v) }; },
    mountSelf: (callbacks) => { f.self = callbacks; return { render: (v) => f.selfRenders.push(v) }; },
    timers: { setTimeout: () => 0, clearTimeout() {} }, // the 2 s re-checks are shield.test.js's; here checks come from events
    now: () => t.clock.now(),
  });
  f.last = () => f.renders[f.renders.length - 1];
  return f;
}

appTest('shield control: the stranger\'s video is blurred from its first track to the verdict; checked once per stream, not per track', async (t) => {
  const f = mountShield(t);
  await goSearching(t);
  match(t);
  const stream = remoteStream();
  t.call.remote(stream);
  t.call.remote(stream); // once per track (audio, video)
  deepEq(f.last(), { state: 'checking', blurred: true, overlay: null });
  eq(f.pending.length, 1, 'one check');
  eq(f.pending[0].video, f.remoteVideo, 'the stranger\'s video element is checked');
  await f.answer(CLEAR);
  eq(f.last().state, 'clear');
  eq(f.control.snapshot().calls.length, 1);
});

appTest('shield control: the stranger\'s camera on again → blurred and checked at once; unsafe → Report sends `nudity`, Next moves on', async (t) => {
  const f = mountShield(t);
  await goSearching(t);
  match(t);
  t.call.remote(remoteStream());
  await f.answer(CLEAR);
  t.call.emit('peer-camera-off');
  eq(f.last().state, 'clear', 'camera off: nothing to check');
  t.call.emit('peer-camera-on');
  eq(f.last().state, 'checking');
  eq(f.pending.length, 1);
  await f.answer(UNSAFE);
  deepEq(f.last(), { state: 'unsafe', blurred: true, overlay: 'unsafe' });
  f.remote.onReport();
  deepEq(t.socket.last('report'), { sessionId: 's1', reason: 'nudity' });
  f.remote.onNext();
  eq(f.last().state, 'idle', 'the call ended: nothing shown, nothing checked');
  eq(t.s.state, 'searching');
});

appTest('shield control: a stranger without video is not blurred; a video track added later is', async (t) => {
  const f = mountShield(t);
  await goSearching(t);
  match(t);
  const stream = remoteStream(['audio']);
  t.call.remote(stream);
  eq(f.renders.length, 0, 'nothing to blur');
  stream.tracks.push({ kind: 'video', readyState: 'live', addEventListener() {} });
  stream.listeners.addtrack();
  eq(f.last().state, 'checking');
});

appTest('shield control: turned off by the person → the stranger\'s video is never blurred or checked', async (t) => {
  const f = mountShield(t, { [SHIELD_PREF_KEY]: 'off' });
  await goSearching(t);
  match(t);
  t.call.remote(remoteStream());
  deepEq(f.last(), { state: 'off', blurred: false, overlay: null });
  eq(f.pending.length, 0);
});

appTest('shield control: our own camera unsafe → video paused (the stranger told "camera off") until Resume', async (t) => {
  const f = mountShield(t);
  await goSearching(t, { textOnly: false });
  match(t);
  t.call.remote(remoteStream());
  await f.answer(CLEAR);
  eq(f.pending.length, 0, 'the self-view waits for the stranger\'s first check');
  t.clock.advance(1000);
  eq(f.pending.length, 1);
  eq(f.pending[0].video, f.localVideo);
  await f.answer(UNSAFE);
  const video = t.s.localStream.getVideoTracks()[0];
  eq(video.enabled, false, 'not sent');
  eq(t.call.cameraOff, true, 'the stranger sees camera off');
  eq(f.selfRenders[f.selfRenders.length - 1].state, 'paused');
  ok(!t.socket.types().includes('report'), 'nothing reported');
  f.self.onResume();
  eq(video.enabled, true);
  eq(t.call.cameraOff, false);
});
