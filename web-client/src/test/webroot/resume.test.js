import { eq, ok, deepEq } from './harness.js';
import { appTest, goSearching, match } from './fakes.js';

/** In a connected call, the socket drops: the call goes on while a new socket is opened. */
async function dropInCall(t, { role = 'caller' } = {}) {
  await goSearching(t);
  match(t, { role });
  t.socket.drop({ delayMs: 3000, code: 1006, backoff: true });
}

appTest('resume: the call goes on; the banner counts down to the next attempt and says Retry now', async (t) => {
  await dropInCall(t);
  eq(t.s.state, 'reconnecting');
  ok(t.s.resume, 'resuming');
  ok(!t.call.closed, 'the peer connection is kept');
  eq(t.view.model.hint, 'Your call with Bob goes on while we reconnect you to Tandem.');
  const first = t.view.lastCall('renderReconnect')[0];
  ok(first.count.includes('3'), `counts from 3 s: ${first.count}`);
  ok(first.retry, 'Retry now offered');
  t.clock.advance(1000);
  ok(t.view.lastCall('renderReconnect')[0].count.includes('2'), 'the countdown ticks');
  t.app.resume.retryNow();
  eq(t.socket.retries, 1);
  eq(t.s.resumes.length, 1);
  eq(t.s.resumes[0].retries[0].delayMs, 3000);
});

appTest('resume: on the new socket resume goes first (no join-queue); resumed flushes held signaling', async (t) => {
  await dropInCall(t);
  t.call.signal('candidate', { candidate: 'held' });
  eq(t.s.outbox.length, 1, 'held while our socket is replaced');
  const before = t.socket.sent.length;
  t.socket.open();
  deepEq(t.socket.sent.slice(before), [['resume', { sessionId: 's1' }]]);
  t.socket.frame('resumed', { sessionId: 's1', peerId: 'p-bob', peer: { name: 'Bob' } });
  deepEq(t.socket.sent.slice(-1), [['send-candidate', { sessionId: 's1', candidate: { candidate: 'held' } }]]);
  eq(t.s.state, 'connected');
  eq(t.s.resume, null);
  eq(t.s.resumes[0].outcome, 'resumed');
  ok(t.chat.notices.includes('Reconnected to Tandem.'));
});

appTest('resume: the caller restarts ICE if the media path went down meanwhile (the callee does not)', async (t) => {
  await dropInCall(t);
  t.call.iceState = 'disconnected';
  t.socket.open();
  t.socket.frame('resumed', { sessionId: 's1' });
  deepEq(t.call.log.filter((l) => l === 'restartIce'), ['restartIce']);
  t.call.emit('retrying');
  eq(t.s.state, 'connecting');
});

appTest('resume: the callee leaves the ICE restart to the caller', async (t) => {
  await dropInCall(t, { role: 'callee' });
  t.call.iceState = 'disconnected';
  t.socket.open();
  t.socket.frame('resumed', { sessionId: 's1' });
  eq(t.call.log.filter((l) => l === 'restartIce').length, 0);
});

appTest('resume: session-gone ends the call and searches again', async (t) => {
  await dropInCall(t);
  t.socket.open();
  t.socket.frame('error', { code: 'session-gone', ref: 'resume' });
  eq(t.s.state, 'searching');
  ok(t.call.closed);
  deepEq(t.socket.types().slice(-1), ['join-queue']);
  eq(t.s.resumes[0].outcome, 'session-gone');
});

appTest('resume: a busy store is asked again; no answer within the grace window gives up', async (t) => {
  await dropInCall(t);
  t.socket.open();
  t.socket.frame('error', { code: 'unavailable', ref: 'resume' });
  t.clock.advance(1000);
  eq(t.socket.types().filter((x) => x === 'resume').length, 2, 'sent again after resumeRetryMs');
  t.clock.advance(30000);
  eq(t.s.resume, null);
  eq(t.s.resumes[0].outcome, 'gave-up');
  eq(t.s.state, 'searching');
  ok(t.chat.notices.some((n) => n.startsWith('We could not reconnect in time')));
});

appTest('resume: the answer to a resume given up on ends that session', async (t) => {
  await dropInCall(t);
  t.clock.advance(30000);
  t.socket.open();
  t.socket.frame('resumed', { sessionId: 's1' });
  deepEq(t.socket.last('end-call'), { sessionId: 's1' });
});

appTest('resume: the stranger\'s grace countdown; when they are back the caller restarts ICE if needed', async (t) => {
  await goSearching(t);
  match(t);
  t.socket.frame('peer-reconnecting', { sessionId: 's1', graceMs: 10000 });
  const n = t.view.lastCall('renderPeerAway')[0];
  ok(n && n.count.includes('10'), `counts down from 10 s: ${n && n.count}`);
  t.clock.advance(4000);
  ok(t.view.lastCall('renderPeerAway')[0].count.includes('6'));
  t.call.iceState = 'failed';
  t.socket.frame('peer-resumed', { sessionId: 's1' });
  deepEq(t.view.lastCall('renderPeerAway'), [null]);
  ok(t.chat.notices.includes('Bob is back.'));
  deepEq(t.call.log.filter((l) => l === 'restartIce'), ['restartIce']);
});

appTest('resume: Next while resuming on an open socket sends resume first, then end-call', async (t) => {
  await dropInCall(t);
  t.socket.isOpen = true; // open, but resume not yet sent
  t.app.connection.stop();
  deepEq(t.socket.types().slice(-3), ['resume', 'end-call', 'leave-queue']);
});
