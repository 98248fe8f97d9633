// call-events.js: observers of the call's media, for features that watch what is shown (e.g. a nudity shield):
//   onLocalStream(stream|null)  the self-view's stream changed (camera opened, text only, released)
//   onRemoteStream(stream)      a track of the stranger's arrived: called once per track, so usually twice with the
//                               same stream (audio, video); later changes show as the stream's addtrack/removetrack
//   onCallConnected(call)       the call's peer connection connected (again after an ICE restart: same call)
//   onPeerCamera(on)            the stranger turned the camera off (false) or on again (true)
//   onCallEnded()               the current call closed (its remote stream is gone)
// An observer implements any of them; one that throws is logged and the others still run.

export function createCallEvents(log = () => {}) {
  const observers = [];
  return {
    /** Adds an observer; returns a function that removes it. */
    observe(observer) {
      observers.push(observer);
      return () => { const i = observers.indexOf(observer); if (i >= 0) observers.splice(i, 1); };
    },
    emit(name, ...args) {
      for (const o of observers.slice()) {
        if (typeof o[name] !== 'function') continue;
        try { o[name](...args); } catch (err) { log(`call observer ${name} failed`, err); }
      }
    },
  };
}
