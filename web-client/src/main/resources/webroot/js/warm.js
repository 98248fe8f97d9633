// warm.js: the peer connection prepared for the next match (call.js preparePeerConnection), so that `matched`
// finds it ready: made on the landing page with the preview's tracks, at Start without tracks while the camera
// opens (prewarm adds them), and again after each call.

export function createWarm(app) {
  const s = app.store;

  /** At Start, while the camera is being opened: the connection without its tracks (prewarm adds them). */
  function prepareAtStart() {
    if (!s.warm) make({ tracksLater: true });
  }

  /** The camera question is settled: the prepared connection gets our tracks, or a new one is made with them. */
  function prewarm() {
    if (s.warm && !s.warm.attached) {
      app.pc.attachLocal(s.warm, s.localStream); // made at Start: only the tracks were missing
      return;
    }
    if (s.warm && s.warm.stream === s.localStream) return;
    make({ localStream: s.localStream });
  }

  /** A new prepared peer connection (call.js preparePeerConnection options), replacing any other. */
  function make(options) {
    drop();
    try {
      s.warm = app.pc.prepare({ iceServers: app.config.iceServers, ...options });
    } catch (err) {
      app.log('could not prepare a peer connection', err);
      s.warm = null;
    }
  }

  function drop() {
    if (s.warm) { try { s.warm.pc.close(); } catch { /* closed already */ } }
    s.warm = null;
  }

  /** The prepared connection, handed to the call that uses it (null if none). */
  function take() {
    const warm = s.warm;
    s.warm = null;
    return warm;
  }

  return { prepareAtStart, prewarm, make, drop, take };
}
