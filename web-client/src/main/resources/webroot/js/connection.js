// connection.js: the socket's lifecycle: opening it once Start has a token, what happens on open, on an
// unplanned drop (search again, or resume the call: resume.js) and on a final close, Stop and the page
// closing; every frame from the server is handed to the controller that owns it.
import { ApiError } from './api.js';
import { describeApiError } from './state.js';
import { shouldResume } from './resume-rules.js';
import { t, serverDetail } from './i18n.js';

/** What a final close says, by reason: [status, hint] message keys. */
const STOP_TEXTS = {
  replaced: ['stop.replaced', 'stop.replacedHint'],
  normal: ['stop.normal', 'stop.normalHint'],
};

export function createConnection(app) {
  const s = app.store;

  function open() {
    if (s.sig) return;
    s.sig = app.openSocket({
      getToken: ({ fresh }) => app.tokens.get({ force: fresh }).catch((err) => {
        if (err instanceof ApiError && !err.transient) err.fatal = true;
        throw err;
      }),
      onOpen,
      onFrame,
      onReconnecting,
      onStopped,
      onAttempt: () => { s.retryAt = null; s.attemptAt = app.clock.now(); app.resume.renderBanners(); },
      urgent: () => shouldResume({ sessionId: s.sessionId }),
      log: app.log,
    });
    s.sig.start();
  }

  function onOpen() {
    app.timeline.mark('socketOpen');
    s.joinRetries = 0;
    s.retryAt = null;
    if (s.resume) {
      // The first frame on the new socket: no join-queue before the answer (resumed or session-gone).
      app.resume.send();
      app.resume.renderBanners();
      return;
    }
    if (s.sessionId) app.session.endCurrent();
    app.queue.join();
    app.resume.renderBanners();
  }

  /**
   * The socket dropped without our meaning to and a new one is planned in `delayMs`. Outside a call: search
   * again once it is back. In a call: keep the peer connection and its media, and resume the call on the new
   * socket (the server keeps it for its grace window).
   */
  function onReconnecting({ delayMs, code, backoff }) {
    for (const t of ['queuedAck', 'requeue', 'endAck']) app.timers.clear(t);
    s.waitingEnd = null;
    s.retryAt = app.clock.now() + delayMs;
    s.retryBackoff = !!backoff;
    s.reconnectCode = code;
    app.resume.onSocketDropped(code, delayMs);
    if (s.resume) {
      app.screen.go('reconnecting', { hint: t('reconnect.callGoesOn', { name: s.peerName }) });
    } else {
      app.screen.go('reconnecting', { hint: code === 1012 ? t('reconnect.restarting') : '' });
    }
  }

  function onStopped({ reason, message }) {
    if (reason === 'policy') {
      stopWith(t('stop.policy'), serverDetail(message) ? t('stop.policyReason', { reason: message }) : t('stop.policyHint'));
    } else if (reason === 'auth') {
      stopWith(t('stop.auth'), serverDetail(message) || t('stop.authHint'));
    } else {
      const [text, hint] = STOP_TEXTS[reason] || STOP_TEXTS.normal;
      stopWith(t(text), t(hint));
    }
  }

  function stopWith(text, hint) {
    shutdown();
    app.screen.go('stopped', { text, hint });
  }

  /** The token could not be renewed: stop, unless nothing is running. */
  function onTokenFatal(err) {
    if (s.state === 'landing' || s.state === 'stopped') return;
    stopWith(t('stop.signedOut'), describeApiError(err).message);
  }

  function onTokenRefreshed(accessToken) {
    s.refreshRetried = false;
    if (s.sig) s.sig.send('refresh-token', { accessToken });
  }

  function onFrame(type, d) {
    const handler = app.frameHandlers[type];
    if (handler) handler(d);
    else app.log('ignored frame', type);
  }

  /** An `error` frame: each controller is asked in turn; what none of them takes is shown in the chat. */
  function onServerError(d) {
    app.log('server error', d.code, d.ref, d.message);
    for (const handle of app.errorHandlers) if (handle(d)) return;
    app.chat.addSystem(app.describeServerError(d));
  }

  /** The socket refused the new token: get another one once; if that fails too the server closes with 4001. */
  function onRefreshError(d) {
    if (d.ref !== 'refresh-token') return false;
    if (!s.refreshRetried) {
      s.refreshRetried = true;
      app.tokens.refresh().then((t) => { if (s.sig) s.sig.send('refresh-token', { accessToken: t }); })
        .catch((err) => app.log('token refresh failed', err));
    }
    return true;
  }

  /** While resuming on an open socket, the resume goes first so that the server knows which call to end. */
  function endCallFrame() {
    if (!s.sig || !s.sessionId) return;
    if (s.resume && !s.resume.sent) app.resume.send();
    s.sig.send('end-call', { sessionId: s.sessionId });
  }

  function stop() {
    if (s.sig) {
      endCallFrame();
      s.sig.send('leave-queue', {});
    }
    shutdown();
    app.chat.clear();
    app.screen.go('landing');
    app.view.focus('start');
  }

  /** After a final close: back to the landing page. */
  function restart() {
    shutdown();
    app.screen.go('landing');
    app.view.focus('start');
  }

  /** Tear everything down: call, socket, token timer, camera. */
  function shutdown() {
    const { view } = app;
    s.gen += 1;
    s.mediaAttempt += 1;
    app.timers.clearAll();
    app.session.endCurrent();
    if (s.sig) { s.sig.stop(1000, 'bye'); s.sig = null; }
    app.tokens.stop();
    app.media.release();
    Object.assign(s, { mediaError: null, starting: false, waitingEnd: null, lastSessionId: null, reportPending: null, joinRetries: 0 });
    view.openReportPanel(false);
    view.setReportResult('');
    view.setStats('');
    app.keys.disarm();
    view.hideMediaMessages();
    view.setBusy('start', false);
  }

  /** The page is going away: the preview and the socket close (the call ends for the stranger at once). */
  function onPageHide() {
    app.preview.hide();
    if (s.sig) {
      endCallFrame();
      s.sig.stop(1000, 'page closed');
      s.sig = null;
    }
  }

  return {
    open, onServerError, onRefreshError, onTokenFatal, onTokenRefreshed, stop, restart, onPageHide,
    // for the tests (the socket calls them)
    onOpen, onReconnecting, onStopped, onFrame,
  };
}
