import { eq, ok, deepEq, includes } from './harness.js';
import { appTest, goSearching, match } from './fakes.js';

const joins = (t) => t.socket.types().filter((x) => x === 'join-queue').length;

appTest('queue: an unanswered join-queue is not sent again: after queuedAckTimeoutMs the socket is replaced', async (t) => {
  await t.app.landing.start({ textOnly: true });
  t.socket.open();
  eq(joins(t), 1);
  t.clock.advance(29999);
  eq(joins(t), 1, 'no second join-queue on the same socket');
  eq(t.socket.reconnects, 0);
  t.clock.advance(1);
  eq(t.socket.reconnects, 1, 'a lost socket is the client\'s to retry: a new one, which joins on open');
  eq(joins(t), 1);
});

appTest('queue: in-session is the server\'s race to retry: no join-queue is sent again, matched follows', async (t) => {
  await t.app.landing.start({ textOnly: true });
  t.socket.open();
  t.socket.frame('error', { code: 'in-session', ref: 'join-queue' });
  t.clock.advance(5000);
  eq(joins(t), 1, 'the client does not retry a pairing race');
  eq(t.view.model.hint === 'Tandem is busy; trying again…', false, 'nor calls it busy');
  match(t);
  t.clock.advance(30000);
  eq(t.socket.reconnects, 0, 'the match arrived: the ack timeout does nothing');
  eq(joins(t), 1);
});

appTest('queue: a busy store is retried with a backoff; unusable interests are dropped', async (t) => {
  t.view.model.form = { name: 'Ann', age: '30', interests: 'chess' };
  await t.app.landing.start({ textOnly: true });
  t.socket.open();
  deepEq(t.socket.last('join-queue'), { interests: ['chess'] });
  t.socket.frame('error', { code: 'invalid-field', ref: 'join-queue' });
  t.clock.advance(1000);
  deepEq(t.socket.last('join-queue'), {}, 'searching without the interests');
  t.socket.frame('error', { code: 'unavailable', ref: 'join-queue' });
  eq(t.view.model.hint, 'Tandem is busy; trying again…');
  t.clock.advance(1999);
  eq(joins(t), 2);
  t.clock.advance(1);
  eq(joins(t), 3, 'after 2 s (1 s × 2^1)');
  t.socket.frame('queued', {});
  eq(t.view.model.hint, '');
});

appTest('queue: Next ends the call and joins once call-ended arrives (or after endCallAckTimeoutMs)', async (t) => {
  await goSearching(t);
  match(t);
  t.app.queue.next();
  deepEq(t.socket.last('end-call'), { sessionId: 's1' });
  eq(t.s.state, 'searching');
  eq(joins(t), 1, 'not yet');
  t.socket.frame('call-ended', { sessionId: 's1' });
  eq(joins(t), 2);
  match(t, { sessionId: 's2' });
  t.app.queue.next();
  t.clock.advance(1500);
  eq(joins(t), 3, 'no call-ended: joined anyway');
  eq(t.s.lastSessionId, 's2', 'the ended chat can still be reported');
});

appTest('queue: the still-looking hint after searchingHintMs; queued with a prepared connection makes the offer', async (t) => {
  await goSearching(t, { textOnly: false });
  ok(t.s.warm.offering, 'preOffer with queued\'s ICE servers');
  t.clock.advance(60000);
  ok(t.view.model.hint.startsWith('Still looking'));
});

appTest('queue: the languages a person speaks go with the token request and every join-queue; dropped with the interests if refused', async (t) => {
  t.view.model.form = { name: 'Ann', age: '30', interests: 'chess', languages: ['es', 'en'] };
  await t.app.landing.start({ textOnly: true });
  deepEq(t.tokens.issued, [['Ann', 30, ['es', 'en']]], 'POST /auth/token carries languages');
  t.socket.open();
  deepEq(t.socket.last('join-queue'), { interests: ['chess'], languages: ['es', 'en'] });
  t.socket.frame('error', { code: 'invalid-field', ref: 'join-queue' });
  t.clock.advance(1000);
  deepEq(t.socket.last('join-queue'), {}, 'searching without interests and languages');
});

appTest('session: matched.commonLanguage is named in the page\'s language, before the shared interests', async (t) => {
  await goSearching(t);
  match(t, { commonLanguage: 'es', commonInterests: ['chess'] });
  ok(t.chat.notices.includes('You both speak Spanish. You both like chess.'), JSON.stringify(t.chat.notices));
  includes(t.view.model.hint, 'You both speak Spanish.');
});
