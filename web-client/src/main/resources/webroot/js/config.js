// config.js: the web client's timings and defaults, one named value each (app.js re-exports CONFIG).

/**
 * iceServers: used when `matched.iceServers` is empty. Empty by default: on localhost or one LAN,
 * host candidates are enough. A deployment can list STUN/TURN here, e.g.
 *   [{ urls: 'stun:stun.example.org:3478' },
 *    { urls: 'turn:turn.example.org:3478', username: 'u', credential: 'p' }]
 * (the server normally sends its own in `matched.iceServers`, which win).
 */
export const CONFIG = Object.freeze({
  iceServers: [],
  connectTimeoutMs: 20000,       // matched → connected, else "Connection failed"
  iceRetryTimeoutMs: 15000,      // one ICE restart / relay retry gets this long
  searchingHintMs: 60000,        // then a reassuring "still looking" hint
  queuedAckTimeoutMs: 30000,     // join-queue unanswered this long → the socket is presumed lost: a new one (it joins on open)
  endCallAckTimeoutMs: 1500,     // after Next, wait this long for call-ended before re-joining anyway
  requeueAfterPeerLeftMs: 1200,  // let "Stranger left" be read before searching again
  reportAckTimeoutMs: 10000,
  mediaPromptHintMs: 8000,       // camera prompt unanswered → explain where it is
  joinRetryMs: 1000,             // join-queue refused as busy (unavailable/rate-limited/internal) → retry with a backoff
  resumeRetryMs: 1000,           // resume answered `unavailable` (busy store) → send it again
  bannerTickMs: 250,             // the reconnect countdown and the stranger's grace countdown refresh this often
  outboxMax: 200,                // signaling frames held while our socket is replaced during a call
  tokenPrefetchDelayMs: 150,     // a complete landing form unedited this long → its token is fetched ahead of Start
  calleeScreenDelayMs: 150,      // matched as callee: the call screen waits for our answer to go out, at most this long
  previewIdleMs: 300000,         // the landing's camera preview is turned off after this long without input there
});
