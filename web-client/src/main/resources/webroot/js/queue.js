// queue.js: the matchmaking queue: join-queue (once the socket is open and the camera decided) with its
// acknowledgement, `queued` (where the waiting caller's offer is made ahead of the match), Next, and the
// join's refusals. One owner per failure (docs/architecture.md, "One join retry"): a pairing race is the
// server's to retry (it never reaches us as a refusal to act on), a busy service is retried here with a
// backoff, and a join-queue left unanswered means a lost socket: a new one, which joins on open.
import { statsText } from './state.js';
import { t } from './i18n.js';


export function createQueue(app) {
  const s = app.store;

  /** Sends join-queue when the socket is open and the camera decided; `quiet`: the caller shows the state itself. */
  function join({ quiet = false } = {}) {
    const { timers } = app;
    timers.clear('requeue');
    if (!s.sig || !s.profile || s.sessionId || !(s.mediaDecided || s.mediaExpected)) return; // goOnline/onOpen call again
    const data = {
      ...(s.profile.interests.length ? { interests: s.profile.interests } : {}),
      ...(s.profile.languages && s.profile.languages.length ? { languages: s.profile.languages } : {}),
    };
    if (!s.sig.send('join-queue', data)) return; // not open: the reconnect path joins on open
    app.timeline.mark('joined');
    if (!quiet && s.state !== 'peer-left' && s.state !== 'searching') app.screen.go('searching');
    timers.set('queuedAck', app.config.queuedAckTimeoutMs, () => {
      if (s.sessionId || !s.sig) return;
      app.log('no queued ack: replacing the socket');
      s.sig.reconnectNow();
    });
  }

  /** The camera is decided and Start has its token: join first (the match round trip is the longer wait), then draw. */
  function goOnline() {
    join({ quiet: true });
    app.view.hideMediaMessages();
    app.screen.go('searching', { hint: s.sig && s.sig.isOpen ? '' : t('queue.connecting') });
  }

  function onQueued(d) {
    app.timers.clear('queuedAck');
    s.joinRetries = 0;
    if (statsText(d)) app.view.setStats(statsText(d));
    if (s.sessionId || s.waitingEnd) return;
    // Waiting in the queue: whoever comes next makes us the caller (the one who waited longer offers),
    // so the offer is made now, with the ICE servers the match will bring, and goes out the moment `matched`
    // arrives. `{}` means matched at once.
    if (s.warm && Object.keys(d).length) {
      const { pc } = app;
      if (!s.warm.offering) pc.giveIceServers(s.warm, pc.iceServerList(d.iceServers, app.config.iceServers), app.log);
      const warm = s.warm;
      pc.preOffer(warm).then((made) => { if (made && warm === s.warm) app.timeline.mark('offerMade'); });
    }
    if (s.state === 'searching') {
      const hint = app.view.hint();
      if (hint === t('queue.connecting') || hint === t('queue.busy')) app.view.setHint('');
    } else if (s.state === 'peer-left' || s.state === 'reconnecting') {
      app.screen.go('searching');
    }
  }

  function onStats(d) { if (s.state === 'searching' && statsText(d)) app.view.setStats(statsText(d)); }

  /** `call-ended` of the session Next left: search again now. */
  function onCallEnded(d) {
    if (s.waitingEnd && d.sessionId === s.waitingEnd) joinAfterEnd();
  }

  function joinAfterEnd() {
    app.timers.clear('endAck');
    s.waitingEnd = null;
    join();
  }

  function next() {
    if (!s.sig || !['searching', 'connecting', 'connected', 'peer-left', 'failed'].includes(s.state)) return;
    const sid = s.sessionId;
    app.session.endCurrent();
    app.chat.clear();
    if (sid && s.sig.send('end-call', { sessionId: sid })) {
      s.waitingEnd = sid;
      app.screen.go('searching');
      app.timers.set('endAck', app.config.endCallAckTimeoutMs, () => {
        if (s.waitingEnd !== sid) return;
        s.waitingEnd = null;
        join();
      });
    } else {
      app.screen.go('searching');
      join();
    }
  }

  /** join-queue refused: without the interests and languages, or again after a backoff; → true if handled. */
  function onJoinError(d) {
    if (d.ref !== 'join-queue') return false;
    const { timers, config } = app;
    // in-session: a join that crossed `matched` (harmless), or a race the server retries itself; a `matched`
    // is on its way, and if nothing comes the ack timeout replaces the socket
    if (s.sessionId || d.code === 'in-session') return true;
    timers.clear('queuedAck');
    if (d.code === 'invalid-field' && s.profile && (s.profile.interests.length || (s.profile.languages || []).length)) {
      app.chat.addSystem(`${t('queue.interestsDropped')} (${d.code})`);
      s.profile.interests = [];
      s.profile.languages = [];
      timers.set('requeue', config.joinRetryMs, join);
      return true;
    }
    if (['unavailable', 'rate-limited', 'internal'].includes(d.code)) {
      s.joinRetries += 1;
      app.view.setHint(t('queue.busy'));
      timers.set('requeue', Math.min(30000, config.joinRetryMs * 2 ** Math.min(s.joinRetries, 5)), join);
      return true;
    }
    return false;
  }

  /** end-call refused after Next: the session was already over (the stranger left at the same moment). */
  function onEndCallError(d) {
    if (d.ref !== 'end-call' || !s.waitingEnd) return false;
    joinAfterEnd();
    return true;
  }

  return { join, goOnline, onQueued, onStats, onCallEnded, next, onJoinError, onEndCallError };
}
