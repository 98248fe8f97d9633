// store.js: the page's one store of state. `state` (state.js STATES) changes only through transition(), which
// checks state.js TRANSITIONS: an illegal move is reported to `onIllegal` (production logs it; the unit tests
// make it fatal). The other fields are the data the controllers share, each documented below; the store is
// sealed, so a misspelt field throws instead of making a new one.

import { canTransition } from './state.js';
import { RESUME_GRACE_MS } from './resume-rules.js';

/** What the unit tests' onIllegal throws. */
export class IllegalTransition extends Error {
  constructor(from, to) {
    super(`illegal state change ${from} → ${to}`);
    this.name = 'IllegalTransition';
  }
}

/** onIllegal for tests: an illegal transition fails the test. */
export function fatalOnIllegal(from, to) { throw new IllegalTransition(from, to); }

export function createStore({ onIllegal = (from, to) => console.debug('[tandem]', `unexpected state change ${from} → ${to}`) } = {}) {
  let state = 'landing';
  return Object.seal({
    get state() { return state; },
    /** The one way to change `state`; returns the previous one. Staying in a state is always legal. */
    transition(next) {
      const prev = state;
      state = next;
      if (!canTransition(prev, next)) onIllegal(prev, next);
      return prev;
    },
    gen: 0,               // bumped by every Start/Stop: stale async results are dropped
    mediaAttempt: 0,
    profile: null,        // {name, age, interests}
    localStream: null,
    remoteStream: null,
    sig: null,            // the Signaling socket (signaling.js) while online
    call: null,           // the Call (call.js) of the current session
    sessionId: null,
    role: null,
    peerId: null,
    peerName: '',
    lastSessionId: null,  // for reporting a just-ended chat
    waitingEnd: null,     // sessionId whose call-ended we wait for before re-joining
    joinRetries: 0,
    reportPending: null,
    refreshRetried: false,
    starting: false,      // a token request from the landing form is in flight
    mediaDecided: false,  // camera stream in hand or text only chosen: join-queue may go out
    mediaExpected: false, // the camera opens without a prompt (allowed before): join-queue may go out meanwhile
    mediaError: null,     // describeMediaError() of a failed camera request not yet shown
    warm: null,           // a prepared peer connection for the next match (call.js preparePeerConnection)
    previewUserOff: false, // the person turned the landing's camera preview off: it is not opened by itself again
    previewResume: false,  // the preview was closed because the page was hidden: reopened when it is visible again
    screenPending: null,  // the callee's session whose call screen waits for its answer (session.js)
    peerCameraOff: false, // the stranger said their camera is off
    shared: '',           // "You both like chess." from matched.commonInterests
    escArmedAt: null,     // when a first Esc asked "Press Esc again for Next"
    // A call that outlives its socket (docs/protocol.md, "Client behaviour on a dropped socket"):
    resume: null,         // {sessionId, deadline, sent, record} while our socket is replaced during a call
    callPhase: null,      // 'connecting' | 'connected' | 'failed': the call's own state, kept while resuming
    graceMs: RESUME_GRACE_MS, // the server's grace window (the last graceMs heard in peer-reconnecting)
    peerAwayUntil: null,  // clock.now() when the stranger's grace window ends (peer-reconnecting)
    retryAt: null,        // clock.now() of the next planned reconnect; null while an attempt runs
    retryBackoff: false,  // that reconnect comes after a backoff (a countdown is shown)
    attemptAt: 0,         // clock.now() when the current attempt started
    reconnectCode: 0,     // close code of the socket being replaced
    outbox: [],           // [type, data] signaling held while resuming, sent after `resumed`
    resumes: [],          // {droppedAt, openedAt, resumedAt, outcome, retries: [{at, code, delayMs}]} (epoch ms), for the tests
  });
}
