// chat.js: the text chat panel. Everything from the network is rendered with textContent.
import { t } from './i18n.js';

export const MAX_CHARS = 1000;
/** A line unconfirmed for this long no longer blocks the next one (its answer was lost with the socket). */
const PENDING_MAX_MS = 5000;

export class Chat {
  /** @param {{log: HTMLElement, form: HTMLFormElement, input: HTMLTextAreaElement, send: HTMLButtonElement,
   *           count: HTMLElement, onSend: (text: string) => boolean}} els */
  constructor({ log, form, input, send, count, onSend }) {
    Object.assign(this, { logEl: log, form, input, sendBtn: send, countEl: count, onSend });
    this.enabled = false;
    this.pending = null; // a sent line not yet confirmed by the server: it stays in the box until then
    input.maxLength = MAX_CHARS;
    form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    input.addEventListener('input', () => this.updateCount());
    input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter makes a new line; never interrupt an IME composition.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.submit();
      }
    });
    this.updateCount();
    this.setEnabled(false);
  }

  updateCount() {
    const n = this.input.value.length;
    this.countEl.textContent = t('chat.count', { n, max: MAX_CHARS });
    this.countEl.classList.toggle('near-limit', n >= MAX_CHARS * 0.9);
    this.sendBtn.disabled = !this.enabled; // an empty box just sends nothing
  }

  setEnabled(on) {
    this.enabled = !!on;
    this.input.disabled = !on;
    this.input.placeholder = on ? t('chat.placeholder') : t('chat.closed');
    this.updateCount();
  }

  submit() {
    if (!this.enabled) return;
    const text = this.input.value.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) { this.addSystem(t('chat.tooLong', { count: MAX_CHARS })); return; }
    if (this.pending !== null && Date.now() - this.pendingAt < PENDING_MAX_MS) return; // still on its way
    if (this.onSend(text)) { this.pending = text; this.pendingAt = Date.now(); }
    // The text stays in the box until the server delivers it (delivered) or says why not (refused),
    // so nothing is lost.
  }

  /** The server delivered our line: clear the box (unless the person already typed something else). */
  delivered() {
    const text = this.pending;
    this.pending = null;
    if (text !== null && this.input.value.trim() === text) {
      this.input.value = '';
      this.updateCount();
    }
  }

  /** The server refused our line: keep it in the box and say why. */
  refused(reason) {
    this.pending = null;
    this.addSystem(reason);
    if (this.enabled) this.input.focus();
  }

  clear({ draft = true } = {}) {
    this.logEl.replaceChildren();
    this.pending = null;
    if (draft) { this.input.value = ''; this.updateCount(); }
  }

  append(el) {
    const log = this.logEl;
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    log.appendChild(el);
    while (log.childElementCount > 500) log.firstElementChild.remove();
    if (nearBottom) log.scrollTop = log.scrollHeight;
  }

  /** A chat line: div.msg.mine|theirs > span.sender + span.text */
  addMessage({ text, sender, mine, ts }) {
    const div = document.createElement('div');
    div.className = `msg ${mine ? 'mine' : 'theirs'}`;
    const who = document.createElement('span');
    who.className = 'sender';
    who.textContent = String(sender || (mine ? t('chat.you') : t('common.stranger')));
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = String(text ?? '');
    body.dir = 'auto'; // a stranger may write right to left (or not) whatever the page's language
    div.append(who, body);
    if (Number.isFinite(ts)) {
      try { div.title = new Date(ts).toLocaleTimeString(); } catch { /* bad ts */ }
    }
    this.append(div);
  }

  /** A server error shown in the chat: div.msg.system */
  addSystem(text) {
    const div = document.createElement('div');
    div.className = 'msg system';
    div.setAttribute('role', 'alert');
    div.textContent = String(text);
    this.append(div);
  }

  /** A local note ("You're now chatting with …"); not a .msg, so it never counts as a message. */
  addNotice(text) {
    const div = document.createElement('div');
    div.className = 'notice';
    div.textContent = String(text);
    this.append(div);
  }
}
