import { eq, ok, deepEq } from './harness.js';
import { appTest, settle, fakeStream, goSearching, match } from './fakes.js';

appTest('media: a refused camera is explained once the token is there; text only goes on', async (t) => {
  t.camera.result = () => Promise.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
  await t.app.landing.start();
  await settle();
  eq(t.s.state, 'media');
  eq(t.view.lastCall('renderStatus')[1], 'Camera and microphone unavailable');
  deepEq(t.view.lastCall('focus'), ['media-retry']);
  t.socket.open();
  eq(t.socket.sent.length, 0, 'no join-queue before the camera question is settled');
  t.app.media.continueTextOnly();
  eq(t.s.state, 'searching');
  deepEq(t.socket.types(), ['join-queue']);
});

appTest('media: an unanswered camera prompt is explained after mediaPromptHintMs', async (t) => {
  t.camera.result = () => new Promise(() => {});
  await t.app.landing.start();
  eq(t.s.state, 'media');
  t.clock.advance(7999);
  ok(!t.view.calls.some(([n, v]) => n === 'showMediaHint' && v), 'not yet');
  t.clock.advance(1);
  ok(t.view.calls.some(([n, v]) => n === 'showMediaHint' && v));
});

appTest('media: a camera answer after Stop is dropped and its tracks stopped', async (t) => {
  let answer;
  t.camera.result = () => new Promise((r) => { answer = r; });
  await t.app.landing.start();
  t.app.connection.stop();
  eq(t.s.state, 'landing');
  const late = fakeStream();
  answer(late);
  await settle();
  eq(t.s.localStream, null);
  ok(late.tracks.every((tr) => tr.readyState === 'ended'));
});

appTest('media: camera off tells the call; the self-view stream goes to call-events observers', async (t) => {
  const seen = [];
  t.app.callEvents.observe({ onLocalStream: (st) => seen.push(st) });
  await goSearching(t, { textOnly: false });
  ok(seen.length === 1 && seen[0] === t.s.localStream, 'onLocalStream with the camera');
  match(t);
  t.app.media.toggleTrack('video');
  eq(t.call.cameraOff, true);
  ok(!t.s.localStream.getVideoTracks()[0].enabled);
  t.app.media.toggleTrack('audio');
  ok(!t.s.localStream.getAudioTracks()[0].enabled);
  t.app.connection.stop();
  eq(seen[seen.length - 1], null, 'released on Stop');
});

/**
 * Start with a camera the browser allows without asking, its answer held: → {answer(stream), fail(err)}; the
 * socket is open (join-queue went out while the camera opens).
 */
async function startAllowedCamera(t) {
  const camera = {};
  t.camera.allowed = true;
  t.camera.result = () => new Promise((resolve, reject) => Object.assign(camera, { answer: resolve, fail: reject }));
  await t.app.landing.start();
  await settle();
  t.clock.advance(0);
  t.socket.open();
  return camera;
}

appTest('media: a camera allowed before: join-queue goes out when the socket opens, before the camera answers; its tracks go into the call matched meanwhile', async (t) => {
  const { answer } = await startAllowedCamera(t);
  eq(t.s.state, 'searching', 'online while the camera opens');
  deepEq(t.socket.types(), ['join-queue'], 'joined before the camera answered');
  t.socket.frame('queued', { online: 2, waiting: 1 });
  ok(t.events.includes('preOffer'), 'the waiting caller\'s offer is made (sending m-lines kept for our tracks)');
  match(t, { role: 'callee', connect: false });
  eq(t.call.options.mediaPending, true, 'the call knows our tracks come later');
  eq(t.call.options.localStream, null);
  const stream = fakeStream();
  answer(stream);
  await settle();
  deepEq(t.call.log.filter((e) => e[0] === 'localStream'), [['localStream', stream]], 'the tracks went into the call');
  eq(t.s.localStream, stream);
  eq(t.s.mediaDecided, true);
  eq(t.socket.types().filter((x) => x === 'join-queue').length, 1, 'no second join-queue');
  eq(t.s.warm, null, 'no connection prepared for the next match during this one');
  t.socket.frame('peer-disconnected', { sessionId: 's1', reason: 'left' });
  ok(t.s.warm && t.s.warm.stream === stream, 'prepared with our tracks once the call ended');
});

appTest('media: a camera not allowed yet (a prompt): no join-queue until it answers', async (t) => {
  let answer;
  t.camera.allowed = false;
  t.camera.result = () => new Promise((r) => { answer = r; });
  await t.app.landing.start();
  await settle();
  eq(t.s.state, 'media');
  t.socket.open();
  eq(t.socket.sent.length, 0, 'nobody looking at a prompt is queued');
  answer(fakeStream());
  await settle();
  deepEq(t.socket.types(), ['join-queue']);
  eq(t.s.state, 'searching');
});

appTest('media: the camera fails after the early join: leave-queue, and the camera step explains it', async (t) => {
  const { fail } = await startAllowedCamera(t);
  t.socket.frame('queued', { online: 2, waiting: 1 });
  fail(Object.assign(new Error('busy'), { name: 'NotReadableError' }));
  await settle();
  deepEq(t.socket.types(), ['join-queue', 'leave-queue']);
  eq(t.s.state, 'media');
  eq(t.view.lastCall('renderStatus')[1], 'Camera and microphone unavailable');
  t.socket.frame('matched', { sessionId: 's9', role: 'caller', peerId: 'p-x', peer: { name: 'X' } });
  deepEq(t.socket.last('end-call'), { sessionId: 's9' }, 'a match that crossed the leave-queue is ended at once');
  eq(t.s.sessionId, null);
  eq(t.calls.length, 0, 'no call without our camera');
  t.app.media.continueTextOnly();
  eq(t.s.state, 'searching');
  deepEq(t.socket.types().slice(-1), ['join-queue'], 'text only joins again');
});

appTest('media: the camera fails during a call matched while it opened: the call ends for both, the error is shown', async (t) => {
  const { fail } = await startAllowedCamera(t);
  match(t, { role: 'caller', connect: false });
  const call = t.call;
  fail(Object.assign(new Error('gone'), { name: 'NotFoundError' }));
  await settle();
  deepEq(t.socket.last('end-call'), { sessionId: 's1' });
  ok(call.closed, 'our side of the call is closed');
  eq(t.s.sessionId, null);
  eq(t.s.state, 'media');
  ok(t.view.calls.some(([n]) => n === 'showMediaError'));
});
