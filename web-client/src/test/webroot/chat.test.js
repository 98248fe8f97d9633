import { test, eq, ok, includes } from './harness.js';
import { Chat } from '../js/chat.js';

function makeChat(onSend) {
  const form = document.createElement('form');
  const els = {
    log: document.createElement('div'), form, input: document.createElement('textarea'),
    send: document.createElement('button'), count: document.createElement('span'),
  };
  form.append(els.input, els.send);
  document.body.append(els.log, form);
  const chat = new Chat({ ...els, onSend });
  chat.setEnabled(true);
  return { chat, els };
}

test('Chat: a sent line stays in the box until delivered, then the box is cleared', () => {
  const sent = [];
  const { chat, els } = makeChat((t) => { sent.push(t); return true; });
  els.input.value = ' hello ';
  chat.submit();
  eq(sent.join('|'), 'hello');
  eq(els.input.value, ' hello ', 'kept while on its way');
  chat.submit();
  eq(sent.length, 1, 'not sent twice while the first is on its way');
  chat.delivered();
  eq(els.input.value, '');
  eq(els.count.textContent, '0/1000');
});

test('Chat: a refused line stays in the box with the reason shown', () => {
  const { chat, els } = makeChat(() => true);
  els.input.value = 'pls send nudes';
  chat.submit();
  chat.refused('Not sent: that message breaks the chat rules.');
  eq(els.input.value, 'pls send nudes');
  const sys = els.log.querySelector('.msg.system');
  ok(sys, 'a system line');
  includes(sys.textContent, 'chat rules');
  els.input.value = 'hello';
  let sent = 0;
  chat.onSend = () => { sent += 1; return true; };
  chat.submit();
  eq(sent, 1, 'the next line can be sent');
});

test('Chat: text typed after sending is not cleared by the delivery', () => {
  const { chat, els } = makeChat(() => true);
  els.input.value = 'first';
  chat.submit();
  els.input.value = 'second draft';
  chat.delivered();
  eq(els.input.value, 'second draft');
});

test('Chat: a failed send keeps the text; network text is rendered as text, never HTML', () => {
  const { chat, els } = makeChat(() => false);
  els.input.value = 'offline line';
  chat.submit();
  eq(els.input.value, 'offline line');
  chat.addMessage({ text: '<img src=x onerror=alert(1)>', sender: '<b>Eve</b>', mine: false });
  eq(els.log.querySelector('img'), null);
  eq(els.log.querySelector('.text').textContent, '<img src=x onerror=alert(1)>');
});
