// media.js: our camera and microphone: asking for them at Start (or taking the preview's stream), the camera
// step's error and hint, text only, the mute toggles, and deciding that join-queue may go out.
import { textOnlyNotice } from './state.js';
import { t } from './i18n.js';

export function createMedia(app) {
  const s = app.store;

  /** Ask for the camera and microphone; the answer is applied whenever it comes (before or after the token). */
  function acquire(gen) {
    const { view, timers } = app;
    const attempt = ++s.mediaAttempt;
    s.mediaError = null;
    view.hideMediaMessages();
    if (!s.starting) app.screen.go('media');
    timers.set('mediaHint', app.config.mediaPromptHintMs, () => {
      if (s.state === 'media' && attempt === s.mediaAttempt && !view.mediaErrorShown()) view.showMediaHint(true);
    });
    const previewed = app.preview.take(); // the landing's preview: the camera is open already
    const open = app.getLocalMedia;
    const media = previewed ? previewed.then((st) => st || open(), () => open()) : open();
    if (!previewed && s.starting) expectCamera(gen, attempt);
    media.then((stream) => {
      if (gen !== s.gen || attempt !== s.mediaAttempt) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      timers.clear('mediaHint');
      app.timeline.mark('camera');
      s.localStream = stream; // join-queue goes out before the self-view is set up (tens of ms on a busy device)
      decide();
      useLocalStream(stream);
      if (!stream.getVideoTracks().length) app.chat.addNotice(t('media.noCamera'));
      else if (!stream.getAudioTracks().length) app.chat.addNotice(t('media.noMic'));
    }, (err) => {
      if (gen !== s.gen || attempt !== s.mediaAttempt) return;
      timers.clear('mediaHint');
      app.log('getUserMedia failed', err && err.name, err && err.message);
      if (s.mediaExpected) goOffline();
      s.mediaError = app.describeMediaError(err);
      if (!s.starting) showFailure(); // else shown once the token is there
    });
  }

  /**
   * Start asked for the camera and the browser lets this page use it without asking (allowed before: nobody is
   * looking at a prompt): we go online while it opens, so the queue and the match overlap it; the offer or
   * answer then says we send, and our tracks go in when it answers (decide, call.js setLocalStream).
   */
  function expectCamera(gen, attempt) {
    app.mediaAllowed().then((allowed) => {
      if (!allowed || gen !== s.gen || attempt !== s.mediaAttempt || s.mediaDecided || s.mediaError) return;
      s.mediaExpected = true;
      if (!s.starting && s.state === 'media') app.queue.goOnline(); // the token came first (else Start goes online)
    }, (err) => app.log('camera permission unknown', err));
  }

  /** The camera failed after we went online for it: out of the queue, or out of the call (the stranger is told). */
  function goOffline() {
    s.mediaExpected = false;
    if (!s.sig) return;
    const sid = s.sessionId;
    app.timers.clear('queuedAck');
    if (sid) {
      app.session.endCurrent();
      s.sig.send('end-call', { sessionId: sid });
    } else {
      s.sig.send('leave-queue', {});
    }
  }

  function showFailure() {
    app.view.showMediaError(s.mediaError);
    app.screen.go('media', { text: t('media.unavailable'), hint: t('media.seeBelow') });
    app.view.focus('media-retry');
  }

  /**
   * The camera question is settled (a stream, or text only): go online, then warm up a peer connection.
   * join-queue goes out first: the match round trip is the longer wait, and the warm-up (a new
   * RTCPeerConnection with its tracks, tens of ms on a busy phone) is done long before `queued` or
   * `matched` can arrive (they are handled after this synchronous block).
   */
  function decide() {
    const online = s.mediaExpected; // joined while the camera opened: only our tracks were missing
    s.mediaDecided = true;
    s.mediaExpected = false;
    s.mediaError = null;
    if (online && s.call) s.call.setLocalStream(s.localStream); // matched meanwhile: into its call
    if (!s.starting) {
      if (!online) app.queue.goOnline();
      if (!s.sessionId) app.warm.prewarm(); // in a call: the next one is prepared when it ends (session.js)
      return;
    }
    // Start is still taking its token (the camera answered first, e.g. from the preview): the socket goes first
    const gen = s.gen;
    app.timers.later(() => { if (gen === s.gen && s.mediaDecided) app.warm.prewarm(); });
  }

  function useLocalStream(stream) {
    s.localStream = stream;
    app.view.setLocalStream(stream);
    app.callEvents.emit('onLocalStream', stream);
    if (stream) {
      for (const track of stream.getTracks()) {
        track.addEventListener('ended', () => {
          if (s.localStream !== stream) return;
          app.screen.updateToggles();
          app.chat.addNotice(track.kind === 'video' ? t('media.cameraStopped') : t('media.micStopped'));
        });
      }
    }
    app.screen.updateToggles();
  }

  function release() {
    app.warm.drop();
    if (s.localStream) s.localStream.getTracks().forEach((t) => t.stop());
    useLocalStream(null);
    s.mediaDecided = false;
    s.mediaExpected = false;
  }

  /** The camera step's Retry. */
  function retry() { if (s.state === 'media') acquire(s.gen); }

  function continueTextOnly() {
    if (s.state !== 'media') return;
    s.mediaAttempt += 1; // a camera prompt still pending is ignored from now on
    app.timers.clear('mediaHint');
    useLocalStream(null);
    decide();
    app.chat.addNotice(textOnlyNotice());
  }

  /** Mute / camera off: the live track of that kind is turned off or on (the stranger is told of the camera). */
  function toggleTrack(kind) {
    const stream = s.localStream;
    const track = stream && stream.getTracks().find((t) => t.kind === kind && t.readyState === 'live');
    if (!track) return;
    track.enabled = !track.enabled;
    if (kind === 'video' && s.call) s.call.setCameraOff(!track.enabled);
    app.screen.updateToggles();
  }

  /** Our camera sent or not (the nudity shield's pause and Resume); the stranger sees "camera off". */
  function setVideoEnabled(on) {
    const stream = s.localStream;
    const track = stream && stream.getVideoTracks().find((t) => t.readyState === 'live');
    if (!track || track.enabled === on) return;
    track.enabled = on;
    if (s.call) s.call.setCameraOff(!on);
    app.screen.updateToggles();
  }

  return { acquire, showFailure, decide, useLocalStream, release, retry, continueTextOnly, toggleTrack, setVideoEnabled };
}
