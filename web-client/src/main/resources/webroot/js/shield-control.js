// shield-control.js: the nudity shield (issue 22) wired to the call. It watches the streams through
// call-events.js: the stranger's video is blurred and checked by shield.js remoteShield (overlay buttons: Next,
// Report with reason `nudity`, Show anyway); our own self-view by selfShield (unsafe → our camera's track is
// disabled, the stranger sees "camera off", until Resume). No frame, score or verdict leaves the page.
import { remoteShield, selfShield, shieldEnabled, SHIELD_DEFAULTS } from './shield.js';

/** The self-view's first check waits this long after the call starts, so the stranger's first check goes first. */
const SELF_CHECK_DELAY_MS = 1000;

/**
 * app: the controllers (controllers.js). deps: classifier ({warm, classify(video)}, classifier.js),
 * storage (localStorage or a stand-in), remoteVideo / localVideo (elements), mountRemote(callbacks) and
 * mountSelf(callbacks) → {render} (shield-view.js), now() → ms, timers (the checks' setTimeout/clearTimeout; tests
 * pass their own).
 */
export function createShieldControl(app, {
  classifier, storage, remoteVideo, localVideo, mountRemote, mountSelf, now = () => performance.now(), timers,
}) {
  const s = app.store;
  const enabled = () => shieldEnabled(storage);
  /** Timings of the current and past calls, for the browser test: [{firstFrame, firstVerdict, checks: [ms], model: [ms]}]. */
  const calls = [];
  let current = null;
  let stream = null;
  let videoTrack = null;

  const timed = async (video) => {
    const record = current;
    const r = await classifier.classify(video);
    if (record && video === remoteVideo) {
      record.checks.push(Math.round(r.checkMs));
      record.model.push(Math.round(r.modelMs));
    }
    return r;
  };

  const remoteView = mountRemote({
    onNext: () => app.queue.next(),
    onReport: () => app.reports.sendReason('nudity'),
    onShowAnyway: () => remote.showAnyway(),
  });
  const remote = remoteShield({
    classify: timed, render: (v) => remoteView.render(v), enabled, options: SHIELD_DEFAULTS, timers,
    onVerdict: () => { if (current && current.firstVerdict === null) current.firstVerdict = now(); },
  });
  const selfView = mountSelf({ onResume: () => own.resume() });
  const own = selfShield({
    classify: timed, render: (v) => selfView.render(v), enabled, options: SHIELD_DEFAULTS, timers,
    pauseVideo: (paused) => app.media.setVideoEnabled(!paused),
  });

  function watchFirstFrame() {
    const record = current;
    const mark = () => { if (record.firstFrame === null) record.firstFrame = now(); };
    if (typeof remoteVideo.requestVideoFrameCallback === 'function') remoteVideo.requestVideoFrameCallback(mark);
    else remoteVideo.addEventListener('loadeddata', mark, { once: true });
  }

  /** The stranger's stream or one of its tracks changed: start, re-check, or stop checking. */
  function update() {
    const track = stream ? stream.getVideoTracks().find((t) => t.readyState === 'live') || null : null;
    if (track === videoTrack) return;
    const had = videoTrack;
    videoTrack = track;
    if (!track) { remote.stop(); return; }
    // a remote track starts muted and unmutes when media first flows: only an unmute after a mute (the stranger's
    // camera back on, new content after a pause) is a change worth checking at once
    let muted = false;
    track.addEventListener('mute', () => { muted = true; });
    track.addEventListener('unmute', () => {
      if (muted && track === videoTrack) { muted = false; remote.trackChanged(remoteVideo); }
    });
    if (had && remote.state() !== 'idle') { remote.trackChanged(remoteVideo); return; }
    current = { firstFrame: null, firstVerdict: null, checks: [], model: [] };
    calls.push(current);
    watchFirstFrame();
    remote.start(remoteVideo);
    app.timers.set('shieldSelf', SELF_CHECK_DELAY_MS, () => {
      if (s.localStream && s.localStream.getVideoTracks().length) own.start(localVideo);
    });
  }

  const observer = {
    onRemoteStream(st) {
      if (st !== stream) {
        stream = st;
        videoTrack = null;
        st.addEventListener('addtrack', () => { if (stream === st) update(); });
        st.addEventListener('removetrack', () => { if (stream === st) update(); });
      }
      update();
    },
    onCallEnded() {
      stream = null;
      videoTrack = null;
      current = null;
      app.timers.clear('shieldSelf');
      remote.stop();
      own.stop();
    },
    /** The stranger's camera is on again: what it shows now is checked at once, blurred until then. */
    onPeerCamera(on) { if (on && videoTrack) remote.trackChanged(remoteVideo); },
    onLocalStream(st) {
      if (!st) own.stop();
      else if (own.state() === 'watching') own.trackChanged(localVideo);
    },
  };
  app.callEvents.observe(observer);

  return {
    /** Loads the model ahead of the first call (the landing page is idle); nothing when the person turned it off. */
    warm() { if (enabled()) classifier.warm().catch((err) => app.log('shield model unavailable', err && err.message)); },
    /** For the browser tests (read-only copies). */
    snapshot: () => ({ enabled: enabled(), remote: remote.state(), self: own.state(), info: classifier.info(),
      calls: calls.map((c) => ({ ...c, checks: c.checks.slice(), model: c.model.slice() })) }),
  };
}
