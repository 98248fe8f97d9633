// session.js: the call controller: a session from `matched` to its end. It makes the Call (call.js: the peer
// connection and its media), sends its signaling (held while resume.js replaces our socket), follows the
// call's events, and tells call-events.js observers when the stranger's stream arrives and the call ends.
// Order on `matched`: the peer connection and the caller's offer first (that is what the stranger waits for),
// the chat notices, then the screen; the callee draws its screen once its answer is out.
import { sharedText, peerGoneText } from './state.js';
import { t } from './i18n.js';

const SIGNAL_TYPES = { offer: 'send-offer', answer: 'send-answer', candidate: 'send-candidate' };

export function createSession(app) {
  const s = app.store;

  function onMatched(d) {
    if (typeof d.sessionId !== 'string' || !d.sessionId || d.sessionId === s.sessionId) return;
    if (!s.sig || s.state === 'landing' || s.state === 'stopped') return;
    if (!s.mediaDecided && !s.mediaExpected) {
      // crossed our leave-queue (the camera failed while we waited for it): the stranger is freed at once
      s.sig.send('end-call', { sessionId: d.sessionId });
      return;
    }
    if (s.sessionId) endCurrent();
    for (const t of ['queuedAck', 'requeue', 'endAck', 'searchHint']) app.timers.clear(t);
    s.waitingEnd = null;
    s.sessionId = d.sessionId;
    s.role = d.role === 'caller' ? 'caller' : 'callee';
    s.peerId = typeof d.peerId === 'string' ? d.peerId : null;
    s.peerName = (d.peer && typeof d.peer.name === 'string' && d.peer.name.trim()) || t('common.stranger');
    s.remoteStream = null;
    s.refreshRetried = false;
    s.peerCameraOff = false;
    s.shared = sharedText(d.commonInterests, d.commonLanguage);
    s.callPhase = 'connecting';
    app.timeline.mark('matched');

    const started = startCall(d);
    app.chat.clear(); // now: a chat line of this call may come before the screen is drawn
    app.chat.addNotice(t('call.nowChatting', { name: s.peerName }));
    if (s.shared) app.chat.addNotice(s.shared);
    app.timers.set('connect', app.config.connectTimeoutMs, () => failCall('timeout'));
    if (!started) { drawCallScreen(); failCall('setup'); return; }
    if (s.role === 'caller') { drawCallScreen(); return; }
    // The callee's next step is the caller's offer, due within milliseconds: the screen (tens of ms of DOM work
    // and layout on a busy phone) is drawn once the answer is out, or after calleeScreenDelayMs at the latest.
    const sid = s.sessionId;
    s.screenPending = sid;
    app.timers.set('callScreen', app.config.calleeScreenDelayMs, () => drawIfPending(sid));
  }

  function drawIfPending(sid) {
    if (s.screenPending === sid && s.sessionId === sid) drawCallScreen();
  }

  /** The call screen for the session just matched ("connecting"), unless another state came first. */
  function drawCallScreen() {
    cancelPendingScreen();
    app.view.setPeerName(s.peerName);
    if (!s.reportPending) app.view.setReportResult('');
    app.screen.go('connecting');
  }

  /** Another state is drawn: the callee's waiting call screen is not drawn any more. */
  function cancelPendingScreen() {
    if (!s.screenPending) return;
    s.screenPending = null;
    app.timers.clear('callScreen');
  }

  /** Creates the call for the session just matched (the caller's offer goes out at once). → false if it failed. */
  function startCall(d) {
    let call;
    try {
      call = app.pc.makeCall({
        role: s.role,
        iceServers: app.pc.iceServerList(d.iceServers, app.config.iceServers),
        localStream: s.localStream,
        mediaPending: !s.mediaDecided, // joined while our camera opens (media.js expectCamera)
        warm: app.warm.take(),
        onSignal: (kind, payload) => { if (call === s.call && s.sig) sendSignal(kind, payload); },
        onRemoteStream: (stream) => { if (call === s.call) onRemoteStream(stream, call); },
        onEvent: (ev) => { if (call === s.call) onCallEvent(ev); },
        log: app.log,
      });
      s.call = call;
      call.setCameraOff(app.view.cameraOff(s.localStream));
      call.start();
    } catch (err) {
      app.log('could not create the peer connection', err);
      s.call = null;
      return false;
    }
    return true;
  }

  function sendSignal(kind, payload) {
    const type = SIGNAL_TYPES[kind];
    const data = { sessionId: s.sessionId, [kind]: payload };
    if (s.resume) {
      // our socket is being replaced: held until `resumed`
      if (s.outbox.length < app.config.outboxMax) s.outbox.push([type, data]);
      return;
    }
    if (s.sig.send(type, data) && kind !== 'candidate') app.timeline.mark(`${kind}Sent`);
    if (kind === 'answer' && s.screenPending) {
      const sid = s.screenPending; // the callee's answer is out: its call screen a task later, after the send
      app.timers.later(() => drawIfPending(sid));
    }
  }

  function onRemoteStream(stream, call) {
    s.remoteStream = stream;
    app.view.setRemoteStream(stream, () => { if (call === s.call) app.timeline.mark('firstFrame'); });
    app.callEvents.emit('onRemoteStream', stream);
    app.screen.updatePlaceholder();
  }

  function onCallEvent(ev) {
    app.log('call event', ev);
    const { timers } = app;
    switch (ev) {
      case 'connected':
        app.timeline.mark('iceConnected');
        timers.clear('connect');
        timers.clear('iceRetry');
        s.callPhase = 'connected';
        if (!s.resume) app.screen.go('connected');
        app.callEvents.emit('onCallConnected', s.call);
        break;
      case 'unstable':
        if (s.state === 'connected') app.view.setHint(t('call.unstable'));
        break;
      case 'retrying':
        timers.clear('connect');
        s.callPhase = 'connecting';
        if (!s.resume) app.screen.go('connecting', { hint: t('call.tryingAnotherWay') });
        timers.set('iceRetry', app.config.iceRetryTimeoutMs, () => failCall('retry timeout'));
        break;
      case 'failed':
        failCall('ice failed');
        break;
      case 'peer-camera-off':
      case 'peer-camera-on': {
        const off = ev === 'peer-camera-off';
        if (off === s.peerCameraOff) break;
        s.peerCameraOff = off;
        app.chat.addNotice(t(off ? 'call.peerCameraOff' : 'call.peerCameraOn', { name: s.peerName }));
        app.screen.updatePlaceholder();
        app.callEvents.emit('onPeerCamera', !off);
        break;
      }
      default: break;
    }
  }

  function failCall(why) {
    app.log('call failed:', why);
    app.timers.clear('connect');
    app.timers.clear('iceRetry');
    if (!s.sessionId) return;
    s.callPhase = 'failed';
    if (!s.resume) app.screen.go('failed');
  }

  function onPeerDisconnected(d) {
    if (!s.sessionId || d.sessionId !== s.sessionId) return;
    endCurrent();
    app.chat.addNotice(peerGoneText(d.reason));
    app.screen.go('peer-left');
    app.timers.set('requeue', app.config.requeueAfterPeerLeftMs, app.queue.join);
  }

  /**
   * Frames that belong to a session. Only the current one's are used: the gateway keeps signaling that
   * overtakes a match and writes it right after `matched` (the one place early signaling is buffered), so a
   * frame for any other session is stale and dropped.
   */
  function route(type, d) {
    const sid = d.sessionId;
    if (typeof sid !== 'string' || !sid || sid !== s.sessionId) return;
    const call = s.call;
    if (type === 'offer') { app.timeline.mark('offerReceived'); if (call) call.handleOffer(d.offer); }
    else if (type === 'answer') { app.timeline.mark('answerReceived'); if (call) call.handleAnswer(d.answer); }
    else if (type === 'candidate') { if (call) call.addCandidate(d.candidate); }
    else if (type === 'message') app.messages.onMessage(d);
  }

  /** Signaling that crossed the end of a call, or sent while the stranger reconnects: expected; → true. */
  function onSignalingError(d) {
    const signaling = ['send-candidate', 'send-offer', 'send-answer'];
    if (d.code === 'not-in-session' && [...signaling, 'end-call'].includes(d.ref)) return true;
    return d.code === 'peer-away' && signaling.includes(d.ref); // the caller restarts ICE once they are back
  }

  /** Close the current call locally (no frame sent). Chat stays readable until the next match. */
  function endCurrent() {
    const hadCall = !!s.call;
    if (s.call) { s.call.close(); s.call = null; }
    if (s.sessionId) s.lastSessionId = s.sessionId;
    Object.assign(s, { sessionId: null, role: null, peerId: null, peerName: '', remoteStream: null });
    app.timers.clear('connect');
    app.timers.clear('iceRetry');
    app.view.setRemoteStream(null);
    app.view.setPeerName('');
    s.peerCameraOff = false;
    s.shared = '';
    app.resume.forget();
    if (hadCall) app.callEvents.emit('onCallEnded');
    if (s.sig && s.mediaDecided) app.warm.prewarm();
    app.screen.applyControls();
    app.resume.renderBanners();
  }

  return { onMatched, cancelPendingScreen, route, onPeerDisconnected, onSignalingError, endCurrent, failCall, onCallEvent };
}
