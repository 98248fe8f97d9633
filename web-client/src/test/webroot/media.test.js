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
