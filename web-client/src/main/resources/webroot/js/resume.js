// resume.js: a call that outlives its socket (docs/protocol.md, "Client behaviour on a dropped socket"). When
// the socket drops during a call, the peer connection and its media go on; the new socket's first frame is
// `resume`; `resumed` carries on (held signaling is sent, ICE restarted if the media path went down meanwhile),
// `session-gone` or the end of the grace window search again. Also the stranger's side of it
// (peer-reconnecting / peer-resumed) and the banners with their countdowns and Retry now.
import {
  graceWindow, resumeDeadline, shouldResume, resumedState, needsIceRestart, reconnectBanner, peerAwayNotice,
} from './resume-rules.js';
import { t } from './i18n.js';

const RECORDS_MAX = 20;

export function createResume(app) {
  const s = app.store;

  /** The socket dropped (connection.js onReconnecting): a call in progress starts resuming. */
  function onSocketDropped(code, delayMs) {
    if (s.resume) s.resume.sent = false;
    else if (shouldResume({ sessionId: s.sessionId })) begin(code);
    if (s.resume && s.resume.record.retries.length < RECORDS_MAX) {
      s.resume.record.retries.push({ at: app.clock.epoch(), code, delayMs: Math.round(delayMs) });
    }
  }

  function begin(code) {
    const now = app.clock.now();
    const record = {
      sessionId: s.sessionId, code, droppedAt: app.clock.epoch(), openedAt: null, resumedAt: null, outcome: null, retries: [],
    };
    s.resumes.push(record);
    if (s.resumes.length > RECORDS_MAX) s.resumes.shift();
    s.resume = { sessionId: s.sessionId, deadline: resumeDeadline(now, s.graceMs), sent: false, record };
    app.timers.set('resumeGiveUp', s.resume.deadline - now, giveUp);
    app.chat.addNotice(t('resume.dropped'));
  }

  function send() {
    const r = s.resume;
    if (!r || !s.sig) return;
    if (s.sig.send('resume', { sessionId: r.sessionId })) {
      r.sent = true;
      if (r.record.openedAt == null) r.record.openedAt = app.clock.epoch();
    }
  }

  /** `resumed`: the call goes on over the new socket. */
  function onResumed(d) {
    const r = s.resume;
    if (!r || d.sessionId !== r.sessionId) {
      // The answer to a resume we gave up on: end that session now rather than leave the stranger waiting.
      if (typeof d.sessionId === 'string' && d.sessionId && d.sessionId !== s.sessionId && s.sig) {
        s.sig.send('end-call', { sessionId: d.sessionId });
      }
      return;
    }
    app.timers.clear('resumeGiveUp');
    app.timers.clear('resumeRetry');
    s.resume = null;
    r.record.resumedAt = app.clock.epoch();
    r.record.outcome = 'resumed';
    if (typeof d.peerId === 'string' && d.peerId) s.peerId = d.peerId;
    const name = d.peer && typeof d.peer.name === 'string' && d.peer.name.trim();
    if (name) { s.peerName = name; app.view.setPeerName(name); }
    for (const [type, data] of s.outbox.splice(0)) s.sig.send(type, data);
    s.peerAwayUntil = d.peerReconnecting === true ? app.clock.now() + s.graceMs : null;
    app.chat.addNotice(t('resume.reconnected'));
    app.screen.go(resumedState(s.callPhase));
    if (d.peerReconnecting !== true) maybeRestartIce();
  }

  /** After signaling came back on either side: the caller restarts ICE if the media path went down meanwhile. */
  function maybeRestartIce() {
    if (s.call && needsIceRestart(s.role, s.call.iceState)) {
      app.log('ICE went down while signaling was away: restarting it');
      s.call.restartIce();
    }
  }

  /** The call could not be resumed (`session-gone`, or no answer within the grace window): search again. */
  function failed(outcome, notice) {
    const r = s.resume;
    if (!r) return;
    r.record.outcome = outcome;
    s.resume = null;
    app.session.endCurrent();
    app.chat.addNotice(notice);
    if (s.sig && s.sig.isOpen) {
      app.screen.go('searching');
      app.queue.join();
    } else {
      app.screen.go('reconnecting', { hint: '' }); // the socket's open joins the queue
    }
  }

  function giveUp() {
    failed('gave-up', t('resume.gaveUp'));
  }

  /** An error answering `resume` (or session-gone while resuming): a busy store is asked again; → true if handled. */
  function onError(d) {
    if (d.ref !== 'resume' && !(d.code === 'session-gone' && s.resume)) return false;
    if (!s.resume) return true;
    if (['unavailable', 'internal', 'rate-limited'].includes(d.code)) {
      app.timers.set('resumeRetry', app.config.resumeRetryMs, send); // still within the deadline (resumeGiveUp)
      return true;
    }
    failed('session-gone', t('resume.sessionGone'));
    return true;
  }

  /** The call ended (session.js endCurrent): nothing of it is resumed any more. */
  function forget() {
    if (s.resume && !s.resume.record.outcome) s.resume.record.outcome = 'ended';
    Object.assign(s, { resume: null, callPhase: null, peerAwayUntil: null, outbox: [] });
    app.timers.clear('resumeGiveUp');
    app.timers.clear('resumeRetry');
  }

  function onPeerReconnecting(d) {
    if (!s.sessionId || d.sessionId !== s.sessionId) return;
    s.graceMs = graceWindow(d.graceMs);
    s.peerAwayUntil = app.clock.now() + s.graceMs;
    app.chat.addNotice(t('resume.peerDropped', { name: s.peerName }));
    renderBanners();
  }

  function onPeerResumed(d) {
    if (!s.sessionId || d.sessionId !== s.sessionId) return;
    const wasAway = s.peerAwayUntil != null;
    s.peerAwayUntil = null;
    if (wasAway) app.chat.addNotice(t('resume.peerBack', { name: s.peerName }));
    renderBanners();
    maybeRestartIce();
  }

  /** The banners over the call (our reconnect with its countdown and Retry now; the stranger's grace countdown). */
  function renderBanners() {
    const now = app.clock.now();
    const reconnecting = s.state === 'reconnecting';
    app.view.renderReconnect(reconnecting ? reconnectBanner({
      resuming: !!s.resume, open: !!(s.sig && s.sig.isOpen), backoff: s.retryBackoff,
      retryInMs: s.retryAt == null ? null : s.retryAt - now, attemptMs: now - s.attemptAt, code: s.reconnectCode,
    }) : null);
    const away = s.peerAwayUntil != null && !!s.sessionId && !reconnecting;
    app.view.renderPeerAway(away ? peerAwayNotice(s.peerName, s.peerAwayUntil - now) : null);
    if ((reconnecting || away) && !app.timers.has('tick')) app.timers.set('tick', app.config.bannerTickMs, renderBanners);
  }

  function retryNow() {
    if (s.sig && s.sig.retryNow()) renderBanners();
  }

  return { onSocketDropped, send, onResumed, onError, forget, onPeerReconnecting, onPeerResumed, renderBanners, retryNow };
}
