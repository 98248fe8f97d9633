// messages.js: the chat's traffic (chat.js draws it): sending a line in the session, a line arriving (ours
// echoed back, or the stranger's), and a refused line (kept in the box, with the reason).
import { describeServerError } from './state.js';
import { t } from './i18n.js';

export function createMessages(app) {
  const s = app.store;

  /** chat.js onSend: → true if the line went out. */
  function send(text) {
    if (!s.sessionId || !s.sig) return false;
    if (s.resume) {
      app.chat.addSystem(t('chat.notSentReconnecting'));
      return false;
    }
    if (!s.sig.send('send-message', { sessionId: s.sessionId, message: text })) {
      app.chat.addSystem(t('chat.notSentOffline'));
      return false;
    }
    return true;
  }

  /** A `message` of the current session (session.js route). */
  function onMessage(d) {
    const mine = !(s.peerId && d.from === s.peerId);
    if (mine) app.chat.delivered();
    app.chat.addMessage({
      text: d.message,
      sender: typeof d.sender === 'string' && d.sender ? d.sender : (mine ? s.profile.name : s.peerName),
      mine,
      ts: Number(d.ts),
    });
  }

  /** send-message refused (moderation, rate limit, ended chat); → true if the error was this. */
  function onError(d) {
    if (d.ref !== 'send-message') return false;
    app.chat.refused(describeServerError(d));
    return true;
  }

  return { send, onMessage, onError };
}
