import { eq, ok, deepEq, includes } from './harness.js';
import { appTest, settle, fakeStream } from './fakes.js';
import { underageMessage, textOnlyNotice } from '../js/state.js';

appTest('landing: an incomplete form says why and focuses the field; nothing is asked of the server', async (t) => {
  t.view.model.form = { name: 'Ann', age: '', interests: '' };
  await t.app.landing.start();
  eq(t.view.model.landingError, 'Please enter your age.');
  deepEq(t.view.lastCall('focus'), ['age']);
  eq(t.tokens.issued.length, 0);
  eq(t.sockets.length, 0);
  eq(t.s.state, 'landing');
});

appTest('landing: Start text only: token, then the socket; searching says "Connecting" until the join is answered', async (t) => {
  await t.app.landing.start({ textOnly: true });
  deepEq(t.tokens.issued, [['Ann', 30]]);
  deepEq(t.events.slice(0, 2), ['token', 'socket'], 'no camera, no peer connection before the socket');
  eq(t.s.state, 'searching');
  eq(t.view.model.hint, 'Connecting to Tandem…');
  ok(t.chat.notices.includes(textOnlyNotice()));
  eq(t.socket.sent.length, 0, 'nothing sent before the socket is open');
  t.socket.open();
  deepEq(t.socket.types(), ['join-queue']);
  t.socket.frame('queued', { online: 3, waiting: 1 });
  eq(t.view.model.hint, '', 'the "Connecting" hint goes once queued');
  deepEq(t.view.lastCall('setStats'), ['3 online · 1 waiting']);
});

appTest('landing: Start with the camera: camera asked, token, socket; the peer connection a task later, then its tracks', async (t) => {
  await t.app.landing.start();
  deepEq(t.events.slice(0, 3), ['camera', 'token', 'socket'], 'the socket before the peer connection');
  eq(t.s.state, 'searching', 'the camera answered first: online at once');
  t.clock.advance(0);
  deepEq(t.events.filter((e) => !e.startsWith('screen')).slice(3), ['prepare (tracks later)', 'attach']);
  ok(t.s.warm && t.s.warm.attached && t.s.warm.stream === t.s.localStream, 'the prepared connection has our tracks');
  deepEq(t.view.lastCall('setLocalStream'), [t.s.localStream]);
});

appTest('landing: Start takes the preview\'s open camera instead of asking for it', async (t) => {
  const stream = fakeStream();
  t.preview.take = () => Promise.resolve(stream);
  await t.app.landing.start();
  await settle();
  eq(t.camera.calls, 0, 'the camera was not asked again');
  eq(t.s.localStream, stream);
});

appTest('landing: a failed token request shows its error with Retry, releases the camera and reopens the preview', async (t) => {
  const err = new Error('offline');
  err.name = 'ApiError';
  t.tokens.failWith = err;
  await t.app.landing.start();
  eq(t.s.state, 'landing');
  eq(t.sockets.length, 0);
  deepEq(t.view.lastCall('setBusy'), ['start', false]);
  ok(t.view.model.landingError.length > 0, 'an error is shown');
  eq(t.s.localStream, null, 'the camera is released');
  ok(t.preview.shown >= 1, 'the preview is offered again');
  t.view.model.form = { name: 'Ann', age: '30', interests: '' };
  t.tokens.failWith = null;
  await t.app.landing.start();
  eq(t.sockets.length, 1, 'Start works again');
});

appTest('landing: the token is prefetched once the form is left alone, not while it is incomplete', async (t) => {
  t.app.landing.prefetchToken();
  t.clock.advance(100);
  t.app.landing.prefetchToken(); // typing restarts the wait
  t.clock.advance(100);
  eq(t.tokens.prefetched.length, 0);
  t.clock.advance(50);
  deepEq(t.tokens.prefetched, [['Ann', 30]]);
  t.view.model.form = { name: '', age: '30', interests: '' };
  t.app.landing.prefetchToken();
  t.clock.advance(1000);
  eq(t.tokens.prefetched.length, 1);
});

appTest('landing: the proof of work is solved ahead once someone is filling in the form, not on an empty one', async (t) => {
  t.view.model.form = { name: '', age: '', interests: '' };
  t.app.landing.prefetchToken(); // the page opened with an empty form
  eq(t.tokens.presolved, 0);
  t.view.model.form = { name: 'A', age: '', interests: '' };
  t.app.landing.prefetchToken();
  eq(t.tokens.presolved, 1, 'at the first keystroke, before the form is complete');
});

appTest('landing: the online count; the under-age refusal goes when the age is edited', async (t) => {
  t.app.landing.refreshStats();
  await settle();
  deepEq(t.view.lastCall('setStats'), ['7 online now', 'landing-stats']);
  t.view.model.landingError = underageMessage();
  t.app.landing.onAgeInput(underageMessage());
  eq(t.view.model.landingError, '');
  includes(underageMessage(), '18');
});
