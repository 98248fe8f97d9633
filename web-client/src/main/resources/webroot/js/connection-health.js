// connection-health.js: what a call does when its peer connection's state changes: 'connected',
// 'unstable' (disconnected: often a blip, given DISCONNECTED_GRACE_MS), 'failed' (one retry: the
// caller restarts ICE, or with TURN on offer recreates the connection relay-only; a second failure is final).

/** 'disconnected' this long counts as a failure (ms). */
export const DISCONNECTED_GRACE_MS = 8000;

/** The connection's state in one word: connectionState, or derived from iceConnectionState where missing. */
export function connectionState(pc) {
  const ice = pc.iceConnectionState;
  if (ice === 'failed') return 'failed';
  return pc.connectionState || ({ completed: 'connected', checking: 'connecting' }[ice] || ice);
}

/** Called on every state change of `pc`; `call` is the Call that owns it. */
export function evaluate(call, pc) {
  if (pc !== call.pc || call.closed) return;
  const state = connectionState(pc);
  if (state === call.lastState) return;
  call.lastState = state;
  call.log(`connection ${state} (ice ${pc.iceConnectionState})`);
  if (state === 'connected') {
    clearTimeout(call.disconnectTimer);
    if (!call.connected) { call.connected = true; call.onEvent('connected'); }
  } else if (state === 'disconnected') {
    // Often recovers by itself (a network blip); give it a few seconds before treating it as failed.
    call.connected = false;
    call.onEvent('unstable');
    clearTimeout(call.disconnectTimer);
    call.disconnectTimer = setTimeout(() => {
      if (pc === call.pc && !call.closed && !call.connected) failure(call);
    }, DISCONNECTED_GRACE_MS);
  } else if (state === 'failed') {
    call.connected = false;
    failure(call);
  }
}

/** The connection failed: one retry (see the top of this file), then 'failed'. */
export function failure(call) {
  clearTimeout(call.disconnectTimer);
  if (call.closed) return;
  if (call.retried) { call.onEvent('failed'); return; }
  call.retried = true;
  call.onEvent('retrying');
  if (call.role !== 'caller') return; // the callee waits for the caller's new offer
  call.run('ice restart', async () => {
    if (call.turn) {
      call.replacePc(true);          // force the TURN relay: a new connection
      await call.offer();
    } else {
      await call.offer({ iceRestart: true });
    }
  });
}
