// signaling.js: the WebSocket to /signaling: token in the subprotocol list, JSON frames,
// reconnect with exponential backoff and the close-code policy from docs/protocol.md.
// A socket is closed with a close frame only when the person means to end (stop); a socket lost during a
// call is never closed by us, so the server keeps the call in its grace window until we resume it.

import {
  MAX_BACKOFF_MS, URGENT_MAX_BACKOFF_MS, URGENT_QUICK_TRIES, backoffDelay, closePolicy, reconnectDelay,
} from './reconnect-policy.js';

// The policy is re-exported: callers and tests name it from the socket's module.
export {
  RESTART_JITTER_MS, URGENT_MAX_BACKOFF_MS, URGENT_QUICK_TRIES, backoffDelay, closePolicy, reconnectDelay,
} from './reconnect-policy.js';

export const PROTOCOL = 'tandem.v1';
const CONNECT_TIMEOUT_MS = 10000; // a socket still CONNECTING after this is abandoned
const STABLE_AFTER_MS = 10000;    // an open socket that lived this long resets the backoff

/** ws(s)://host/signaling for the page's own origin. */
export function signalingUrl(loc = location) {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/signaling`;
}

/**
 * new Signaling({getToken, onOpen, onFrame, onReconnecting, onStopped, onAttempt, urgent})
 * - getToken({fresh}) → Promise<accessToken>; a rejection with `err.fatal` stops for good.
 * - onOpen({reconnect}) each time a socket opens.
 * - onFrame(type, data) for every server frame.
 * - onReconnecting({attempt, delayMs, code, backoff}) when the socket dropped and a retry is planned
 *   (`backoff`: the wait is a backoff after failures, not a quick reconnect).
 * - onAttempt() when a planned retry starts (the token, then the socket).
 * - onStopped({reason, code, message}): the server closed for good (normal, policy, replaced, auth).
 * - urgent() → true while a call waits on the socket (reconnect at once; see closePolicy).
 */
export class Signaling {
  constructor({
    url = signalingUrl(), getToken, onOpen, onFrame, onReconnecting, onStopped, onAttempt = () => {}, urgent = () => false,
    log = () => {},
  }) {
    Object.assign(this, { url, getToken, onOpen, onFrame, onReconnecting, onStopped, onAttempt, urgent, log });
    this.ws = null;
    this.stopped = false;
    this.attempt = 0;          // backoff exponent
    this.immediate = 0;        // consecutive "reconnect now" attempts (guards against a tight loop)
    this.quick = 0;            // consecutive jittered reconnects for a call (then it backs off)
    this.pendingFresh = false; // the planned retry refreshes the token first
    this.preOpenFailures = 0;  // consecutive attempts that never opened
    this.everOpened = false;
    this.retryTimer = null;
    this.stableTimer = null;
    this.onOnline = () => { if (this.retryTimer) this.reconnectSoon(0, this.pendingFresh); };
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  get isOpen() { return !!this.ws && this.ws.readyState === WebSocket.OPEN; }

  start() { this.connect(false); }

  /** Send one frame; false when the socket is not open (nothing is queued). */
  send(type, data = {}) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify({ type, data }));
      return true;
    } catch (err) {
      this.log('send failed', err);
      return false;
    }
  }

  /**
   * "Retry now": run the planned retry at once. A socket still CONNECTING is given up (closed: the server
   * never registered it); an open socket is kept. → true when a new attempt started.
   */
  retryNow() {
    if (this.stopped) return false;
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) return false;
    if (ws) {
      this.ws = null;
      this.detach(ws);
    } else if (!this.retryTimer) {
      return false; // a token request is under way
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect(this.pendingFresh);
    return true;
  }

  /** Drop the current socket (if any) and connect again now (outside a call only: it sends a 1000 close). */
  reconnectNow() {
    if (this.stopped) return;
    const ws = this.ws;
    this.ws = null;
    if (ws) this.detach(ws, 1000, 'reconnect');
    this.reconnectSoon(0, false);
  }

  /** Close for good; no reconnect. */
  stop(code = 1000, reason = 'bye') {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stableTimer);
    this.retryTimer = null;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    const ws = this.ws;
    this.ws = null;
    if (ws) this.detach(ws, code, reason);
  }

  detach(ws, code = 1000, reason = '') {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      if (ws.readyState === WebSocket.CONNECTING) ws.close();
      else if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
    } catch { /* already closing */ }
  }

  async connect(fresh) {
    this.retryTimer = null;
    if (this.stopped) return;
    this.onAttempt();
    let token;
    try {
      token = await this.getToken({ fresh });
    } catch (err) {
      if (this.stopped) return;
      if (err && err.fatal) {
        this.stop();
        this.onStopped({ reason: 'auth', code: 0, message: err.message || '' });
        return;
      }
      this.log('token unavailable, retrying', err);
      this.scheduleBackoff(0, fresh);
      return;
    }
    if (this.stopped) return;

    let ws;
    try {
      ws = new WebSocket(this.url, [PROTOCOL, `bearer.${token}`]);
    } catch (err) {
      this.log('WebSocket constructor failed', err);
      this.scheduleBackoff(0, true);
      return;
    }
    this.ws = ws;
    let opened = false;
    const connectTimer = setTimeout(() => {
      if (!opened && this.ws === ws) { this.log('socket open timed out'); try { ws.close(); } catch { /* */ } }
    }, CONNECT_TIMEOUT_MS);

    ws.onopen = () => {
      opened = true;
      clearTimeout(connectTimer);
      this.preOpenFailures = 0;
      clearTimeout(this.stableTimer);
      this.stableTimer = setTimeout(() => { this.attempt = 0; this.immediate = 0; this.quick = 0; }, STABLE_AFTER_MS);
      const reconnect = this.everOpened;
      this.everOpened = true;
      this.onOpen({ reconnect });
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame;
      try { frame = JSON.parse(ev.data); } catch { this.log('unparsable frame'); return; }
      if (!frame || typeof frame.type !== 'string') return;
      const data = frame.data && typeof frame.data === 'object' ? frame.data : {};
      try { this.onFrame(frame.type, data); } catch (err) { this.log(`handler for ${frame.type} failed`, err); }
    };
    ws.onerror = () => { /* a close event follows; handled there */ };
    ws.onclose = (ev) => {
      clearTimeout(connectTimer);
      clearTimeout(this.stableTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      this.handleClose(ev.code, ev.reason || '', opened);
    };
  }

  handleClose(code, reason, opened) {
    if (this.stopped) return;
    if (!opened) this.preOpenFailures += 1;
    const p = closePolicy(code, opened, this.preOpenFailures, !!this.urgent());
    this.log(`socket closed ${code} ${reason}`, p);
    if (p.action === 'stop') {
      this.stop();
      this.onStopped({ reason: p.reason, code, message: reason });
      return;
    }
    if (p.delay === 'jitter' && p.reason === 'dropped' && this.quick >= URGENT_QUICK_TRIES) {
      this.scheduleBackoff(code, p.fresh);
    } else if (p.delay === 'jitter') {
      if (p.reason === 'dropped') this.quick += 1;
      this.reconnectSoon(reconnectDelay(p), p.fresh, code);
    } else if (p.delay === 'now' && this.immediate < 2) {
      this.immediate += 1;
      this.reconnectSoon(0, p.fresh, code);
    } else {
      this.scheduleBackoff(code, p.fresh);
    }
  }

  scheduleBackoff(code, fresh) {
    const delay = backoffDelay(this.attempt, Math.random, this.urgent() ? URGENT_MAX_BACKOFF_MS : MAX_BACKOFF_MS);
    this.attempt += 1;
    this.reconnectSoon(delay, fresh, code, true);
  }

  reconnectSoon(delayMs, fresh, code = 0, backoff = false) {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.pendingFresh = !!fresh;
    this.onReconnecting({ attempt: this.attempt, delayMs, code, backoff });
    this.retryTimer = setTimeout(() => this.connect(fresh), delayMs);
  }
}
