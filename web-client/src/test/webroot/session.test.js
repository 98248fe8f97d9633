import { eq, ok, deepEq } from './harness.js';
import { appTest, goSearching, match, fakeStream } from './fakes.js';

appTest('session: the waiting caller\'s offer goes out inside the matched handler, with the prepared connection', async (t) => {
  await goSearching(t, { textOnly: false });
  const warm = t.s.warm;
  ok(warm, 'a prepared connection is waiting');
  ok(t.events.includes('preOffer'), 'queued made the offer ahead of the match');
  t.socket.frame('matched', { sessionId: 's1', role: 'caller', peerId: 'p-bob', peer: { name: 'Bob' }, commonInterests: ['chess'] });
  const order = t.events.slice(t.events.indexOf('sent join-queue'));
  deepEq(order.filter((e) => e.startsWith('screen') || e === 'call' || e === 'sent send-offer').slice(-3),
    ['call', 'sent send-offer', 'screen connecting'], 'the call and its offer before the screen');
  eq(order.filter((e) => e === 'screen connecting').length, 1);
  eq(t.call.options.warm, warm, 'the call uses the prepared connection');
  eq(t.s.warm, null);
  deepEq(t.socket.types().slice(-1), ['send-offer'], 'the offer went out before the handler returned');
  eq(t.s.state, 'connecting', 'the caller\'s screen is drawn at once');
  deepEq(t.view.lastCall('setPeerName'), ['Bob']);
  ok(t.chat.notices.includes("You're now chatting with Bob. Say hi!"));
  ok(t.chat.notices.includes('You both like chess.'));
  t.call.emit('connected');
  eq(t.s.state, 'connected');
  ok(t.marks.includes('iceConnected'));
});

appTest('session: the callee draws its screen a task after its answer is out', async (t) => {
  await goSearching(t);
  t.socket.frame('matched', { sessionId: 's1', role: 'callee', peerId: 'p-bob', peer: { name: 'Bob' } });
  eq(t.s.state, 'searching', 'no screen yet: the caller\'s offer is due');
  t.socket.frame('offer', { sessionId: 's1', offer: { type: 'offer', sdp: 'o' } });
  deepEq(t.call.log[1], ['offer', { type: 'offer', sdp: 'o' }]);
  t.call.signal('answer', { type: 'answer', sdp: 'a' });
  deepEq(t.socket.last('send-answer'), { sessionId: 's1', answer: { type: 'answer', sdp: 'a' } });
  eq(t.s.state, 'searching', 'the answer is sent first');
  t.clock.advance(0);
  eq(t.s.state, 'connecting');
  const order = t.events.slice(t.events.indexOf('sent join-queue') + 1)
    .filter((e) => e.startsWith('screen') || e === 'call' || e.startsWith('sent send-'));
  deepEq(order, ['call', 'sent send-answer', 'screen connecting'], 'the call, its answer, then the screen');
});

appTest('session: the callee\'s screen comes after calleeScreenDelayMs at the latest', async (t) => {
  await goSearching(t);
  t.socket.frame('matched', { sessionId: 's1', role: 'callee', peerId: 'p-bob', peer: { name: 'Bob' } });
  t.clock.advance(149);
  eq(t.s.state, 'searching');
  t.clock.advance(1);
  eq(t.s.state, 'connecting');
});

appTest('session: no connection within connectTimeoutMs fails the call; an ICE retry gets iceRetryTimeoutMs', async (t) => {
  await goSearching(t);
  match(t, { connect: false });
  t.clock.advance(20000);
  eq(t.s.state, 'failed');
  t.call.emit('retrying');
  eq(t.s.state, 'connecting');
  t.call.emit('connected');
  eq(t.s.state, 'connected');
  t.call.emit('retrying');
  t.clock.advance(15000);
  eq(t.s.state, 'failed');
});

appTest('session: frames of another session are dropped; chat lines are routed to the chat', async (t) => {
  await goSearching(t);
  match(t);
  t.socket.frame('candidate', { sessionId: 'old', candidate: { candidate: 'x' } });
  t.socket.frame('candidate', { sessionId: 's1', candidate: { candidate: 'y' } });
  deepEq(t.call.log.filter((l) => l[0] === 'candidate'), [['candidate', { candidate: 'y' }]]);
  t.socket.frame('message', { sessionId: 's1', from: 'p-bob', message: 'hi', ts: 5 });
  deepEq(t.chat.messages, [{ text: 'hi', sender: 'Bob', mine: false, ts: 5 }]);
});

appTest('session: call-events observers hear of the stranger\'s stream and of the call\'s end', async (t) => {
  const seen = [];
  t.app.callEvents.observe({ onRemoteStream: (st) => seen.push(['remote', st]), onCallEnded: () => seen.push(['ended']) });
  await goSearching(t);
  match(t);
  const remote = fakeStream();
  t.call.remote(remote);
  deepEq(t.view.lastCall('setRemoteStream').slice(0, 1), [remote]);
  eq(seen[0][1], remote);
  eq(t.s.remoteStream, remote);
  t.socket.frame('peer-disconnected', { sessionId: 's1', reason: 'left' });
  eq(t.s.state, 'peer-left');
  deepEq(seen.map((e) => e[0]), ['remote', 'ended']);
  ok(t.call.closed);
  deepEq(t.view.lastCall('setRemoteStream'), [null]);
  t.clock.advance(1199);
  eq(t.socket.types().filter((x) => x === 'join-queue').length, 1);
  t.clock.advance(1);
  eq(t.socket.types().filter((x) => x === 'join-queue').length, 2, 'searching again after requeueAfterPeerLeftMs');
  t.socket.frame('queued', {});
  eq(t.s.state, 'searching');
});

appTest('session: a peer connection that cannot be made fails the call at once', async (t) => {
  t.app.pc.makeCall = () => { throw new Error('no RTCPeerConnection'); };
  await goSearching(t);
  t.socket.frame('matched', { sessionId: 's1', role: 'caller', peerId: 'p-bob', peer: { name: 'Bob' } });
  eq(t.s.state, 'failed');
  eq(t.s.call, null);
});
