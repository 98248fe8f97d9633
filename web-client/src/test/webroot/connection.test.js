import { eq, ok, deepEq } from './harness.js';
import { appTest, goSearching, match } from './fakes.js';

appTest('connection: a socket dropped while searching reconnects and searches again on open', async (t) => {
  await goSearching(t);
  t.socket.drop({ delayMs: 2000, code: 1006, backoff: true });
  eq(t.s.state, 'reconnecting');
  ok(t.view.lastCall('renderReconnect')[0], 'the banner is shown');
  t.socket.open();
  eq(t.socket.types().filter((x) => x === 'join-queue').length, 2);
  t.socket.frame('queued', {});
  eq(t.s.state, 'searching');
  deepEq(t.view.lastCall('renderReconnect'), [null]);
});

appTest('connection: a restarting server (1012) says so', async (t) => {
  await goSearching(t);
  t.socket.drop({ code: 1012 });
  eq(t.view.model.hint, 'Tandem is restarting a server; moving you to another one…');
});

appTest('connection: a final close stops with its reason; Start again from the landing page', async (t) => {
  await goSearching(t);
  match(t);
  t.socket.options.onStopped({ reason: 'replaced' });
  eq(t.s.state, 'stopped');
  eq(t.view.lastCall('renderStatus')[1], 'Tandem was opened in another tab');
  ok(t.call.closed);
  deepEq(t.socket.stopped, { code: 1000, reason: 'bye' });
  t.app.connection.restart();
  eq(t.s.state, 'landing');
  await t.app.landing.start({ textOnly: true });
  eq(t.sockets.length, 2);
});

appTest('connection: Stop ends the call and leaves the queue, back to the landing page', async (t) => {
  await goSearching(t);
  match(t);
  t.app.connection.stop();
  deepEq(t.socket.types().slice(-2), ['end-call', 'leave-queue']);
  eq(t.s.state, 'landing');
  eq(t.s.sig, null);
  eq(t.s.sessionId, null);
});

appTest('connection: an error frame no controller takes is shown in the chat; crossed signaling is not', async (t) => {
  await goSearching(t);
  match(t);
  t.socket.frame('error', { code: 'not-in-session', ref: 'send-candidate' });
  t.socket.frame('error', { code: 'peer-away', ref: 'send-offer' });
  eq(t.chat.system.length, 0);
  t.socket.frame('error', { code: 'bad-frame', ref: 'whatever', message: 'nope' });
  eq(t.chat.system.length, 1);
});

appTest('connection: a refused token refresh asks for one more token, once', async (t) => {
  await goSearching(t);
  t.socket.frame('error', { code: 'unauthorized', ref: 'refresh-token' });
  t.socket.frame('error', { code: 'unauthorized', ref: 'refresh-token' });
  await new Promise((r) => setTimeout(r, 0));
  deepEq(t.socket.sent.filter(([x]) => x === 'refresh-token'), [['refresh-token', { accessToken: 'tok2' }]]);
  t.app.connection.onTokenRefreshed('tok3');
  eq(t.s.refreshRetried, false);
  t.app.connection.onTokenFatal(new Error('gone'));
  eq(t.s.state, 'stopped');
});

appTest('connection: the page going away ends the call for the stranger and closes the socket', async (t) => {
  await goSearching(t);
  match(t);
  const socket = t.socket;
  t.app.connection.onPageHide();
  deepEq(socket.types().slice(-1), ['end-call']);
  deepEq(socket.stopped, { code: 1000, reason: 'page closed' });
  eq(t.preview.hidden >= 1, true);
});
