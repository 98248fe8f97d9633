import { eq, ok, deepEq } from './harness.js';
import { appTest, goSearching, match } from './fakes.js';

appTest('messages: a line goes out in the session; ours comes back as delivered; a refusal keeps it', async (t) => {
  await goSearching(t);
  eq(t.app.messages.send('hi'), false, 'no session yet');
  match(t);
  ok(t.app.messages.send('hi'));
  deepEq(t.socket.last('send-message'), { sessionId: 's1', message: 'hi' });
  t.socket.frame('message', { sessionId: 's1', from: 'me', message: 'hi', ts: 1 });
  eq(t.chat.deliveredCount, 1);
  deepEq(t.chat.messages[0], { text: 'hi', sender: 'Ann', mine: true, ts: 1 });
  t.socket.frame('error', { code: 'moderated', ref: 'send-message', message: 'no' });
  ok(t.chat.refusedWith);
});

appTest('messages: not sent while reconnecting or offline, with the reason', async (t) => {
  await goSearching(t);
  match(t);
  t.socket.drop();
  eq(t.app.messages.send('hi'), false);
  ok(t.chat.system[0].startsWith('Reconnecting to Tandem'));
});
