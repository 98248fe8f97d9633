// call.js: camera/microphone access and the RTCPeerConnection of one call.

const MEDIA_CONSTRAINTS = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 }, facingMode: 'user' },
};
const DISCONNECTED_GRACE_MS = 8000; // 'disconnected' this long counts as a failure

/** Camera + microphone; if one device is missing or busy, whatever works alone (mic only, camera only). */
export async function getLocalMedia(md = globalThis.navigator && navigator.mediaDevices) {
  if (!md || typeof md.getUserMedia !== 'function') {
    const err = new Error('getUserMedia is not available on this page');
    err.name = 'InsecureContextError';
    throw err;
  }
  try {
    return await md.getUserMedia(MEDIA_CONSTRAINTS);
  } catch (err) {
    const name = err && err.name;
    if (!['NotFoundError', 'OverconstrainedError', 'NotReadableError', 'AbortError'].includes(name)) throw err;
    for (const c of [{ audio: true, video: true }, { audio: true }, { video: true }]) {
      try { return await md.getUserMedia(c); } catch { /* try the next */ }
    }
    throw err;
  }
}

/** A person-friendly explanation of a getUserMedia failure: {title, text, help}. */
export function describeMediaError(err) {
  const name = (err && err.name) || 'Error';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return {
        title: 'Camera and microphone are blocked',
        text: 'Your browser did not let Tandem use your camera and microphone.',
        help: 'To allow them: click the camera or padlock icon at the left of the address bar, set Camera and '
          + 'Microphone to "Allow", then press Try again. On a phone, look in the browser\'s Settings → Site settings. '
          + 'Or continue with text only: you will still see and hear the stranger.',
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return {
        title: 'No camera or microphone found',
        text: 'We could not find a camera or microphone on this device.',
        help: 'Plug one in (or check it is switched on and not disabled), then press Try again. '
          + 'Or continue with text only: you will still see and hear the stranger.',
      };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        title: 'Your camera is busy',
        text: 'Your camera or microphone is being used by another app or tab.',
        help: 'Close other video-call apps or tabs, then press Try again. Or continue with text only.',
      };
    case 'InsecureContextError':
      return {
        title: 'Camera needs a secure page',
        text: 'Browsers only allow the camera on secure (https://) pages or on localhost.',
        help: 'Open Tandem over https://, or continue with text only.',
      };
    default:
      return {
        title: 'We can\'t use your camera',
        text: `Starting the camera failed (${name}).`,
        help: 'Press Try again, reload the page, or continue with text only.',
      };
  }
}

/** The DTLS fingerprint of an SDP: it changes when the other side recreated its peer connection. */
export function sdpFingerprint(sdp) {
  const m = /^a=fingerprint:(\S+ \S+)/m.exec(typeof sdp === 'string' ? sdp : '');
  return m ? m[1].toLowerCase() : null;
}

/**
 * A candidate's identity: foundation, component, transport, priority, address and port (the SDP's a=candidate
 * line and the trickled candidate string differ in their trailing extensions). null if it is not one.
 */
export function candidateKey(text) {
  const f = String(text || '').replace(/^a=/, '').replace(/^candidate:/, '').trim().split(/\s+/);
  return f.length >= 6 ? [f[0], f[1], f[2].toLowerCase(), f[3], f[4], f[5]].join(' ') : null;
}

/** The keys of the candidates written into an SDP (its a=candidate lines). */
export function sdpCandidateKeys(sdp) {
  const keys = new Set();
  for (const line of String(sdp || '').split(/\r?\n/)) {
    if (line.startsWith('a=candidate:')) keys.add(candidateKey(line));
  }
  return keys;
}

/** Whether an iceServers list offers a TURN server (turn: or turns: URL). */
export function offersTurn(iceServers) {
  return (Array.isArray(iceServers) ? iceServers : []).some((s) => {
    const urls = s ? [].concat(s.urls || s.url || []) : [];
    return urls.some((u) => /^turns?:/i.test(String(u)));
  });
}

/** How many ICE candidates a warmed-up connection gathers before it is used (RTCConfiguration). */
const ICE_POOL_SIZE = 1;
/** Every m-line on one transport from the start (RTCConfiguration.bundlePolicy); every current browser bundles. */
const BUNDLE_POLICY = 'max-bundle';
/** The in-band channel both sides open (negotiated, same id: no extra signaling) for call-state notes. */
const CONTROL_CHANNEL = { label: 'tandem-control', id: 0 };

/**
 * A peer connection made ready before a match: certificate generated, local tracks attached, control
 * channel created and ICE candidates pre-gathered (iceCandidatePoolSize). Role-neutral: tracks go in
 * with addTrack, which both the caller's offer and the callee's answer reuse.
 * `tracksLater`: made at Start, while the camera is still being opened; attachLocal() adds the tracks
 * (or none, for text only) once the camera question is settled, before it is used.
 * → {pc, channel, stream, attached, iceServers}
 */
export function preparePeerConnection({ iceServers = [], relay = false, localStream = null, tracksLater = false } = {}) {
  const pc = new RTCPeerConnection({
    iceServers, iceTransportPolicy: relay ? 'relay' : 'all', iceCandidatePoolSize: ICE_POOL_SIZE,
    // One ICE transport and one DTLS handshake for audio, video and the control channel from the first
    // offer on (the default 'balanced' gathers and checks a transport per media kind until the answer).
    bundlePolicy: BUNDLE_POLICY,
  });
  const channel = pc.createDataChannel(CONTROL_CHANNEL.label, { negotiated: true, id: CONTROL_CHANNEL.id });
  const ready = { pc, channel, stream: null, attached: false, iceServers };
  if (!tracksLater) attachLocal(ready, localStream);
  return ready;
}

/**
 * Adds the local stream's audio and video tracks (none when null: text only) to a prepared connection
 * made with `tracksLater`. → false when it has tracks already (of this or another stream).
 */
export function attachLocal(ready, localStream) {
  if (ready.attached) return ready.stream === localStream;
  const tracks = localStream ? localStream.getTracks() : [];
  for (const kind of ['audio', 'video']) {
    const track = tracks.find((t) => t.kind === kind);
    if (track) ready.pc.addTrack(track, localStream);
  }
  ready.stream = localStream;
  ready.attached = true;
  return true;
}

/** Adds a receive-only m-line for each kind we do not send, so the stranger's media plays anyway (caller shape). */
function addMissingKinds(pc) {
  const have = new Set(pc.getTransceivers().map((t) => t.receiver.track && t.receiver.track.kind).filter(Boolean));
  for (const kind of ['audio', 'video']) {
    if (!have.has(kind)) pc.addTransceiver(kind, { direction: 'recvonly' });
  }
}

/**
 * Makes a prepared connection the caller's ahead of time: the offer is created and applied and its ICE
 * candidates are kept, so `matched` with role caller sends the offer at once. Used while we wait in the
 * queue (the one who waited longer is the caller). A callee never uses such a connection.
 */
export function preOffer(ready) {
  if (ready.offering) return ready.offering;
  const { pc } = ready;
  ready.candidates = [];
  pc.onicecandidate = (e) => { if (e.candidate && e.candidate.candidate) ready.candidates.push(e.candidate.toJSON()); };
  addMissingKinds(pc);
  ready.offering = pc.createOffer()
    .then((offer) => pc.setLocalDescription(offer))
    .then(() => { ready.offered = true; return true; }, () => false);
  return ready.offering;
}

/** The server's RTCIceServer list (entries with urls), or `fallback` when it sent none. */
export function iceServerList(list, fallback = []) {
  const given = Array.isArray(list) ? list.filter((s) => s && typeof s === 'object' && (s.urls || s.url)) : [];
  return given.length ? given : fallback;
}

/** Whether two iceServers lists name the same servers (their TURN credentials may differ). */
export function sameIceUrls(a, b) {
  const urls = (list) => JSON.stringify((list || []).map((s) => [].concat(s.urls || s.url || [])));
  return urls(a) === urls(b);
}

/** Whether two iceServers lists are the same (so a warmed-up connection can be used as it is). */
export function sameIceServers(a, b) {
  return JSON.stringify(a || []) === JSON.stringify(b || []);
}

/** Gives a prepared connection these ICE servers (setConfiguration). → false when the browser refused them. */
export function giveIceServers(ready, iceServers, log = () => {}) {
  if (sameIceServers(ready.iceServers, iceServers)) return true;
  try {
    ready.pc.setConfiguration({ ...ready.pc.getConfiguration(), iceServers });
    ready.iceServers = iceServers;
    return true;
  } catch (err) {
    log('the prepared connection could not take the ICE servers', err);
    return false;
  }
}

/**
 * One call's peer connection.
 *   new Call({role, iceServers, localStream, warm, onSignal, onRemoteStream, onEvent, log})
 *   warm: an unused preparePeerConnection() result for the same local stream (optional; saves time)
 *   onSignal(kind, payload): kind 'offer' | 'answer' | 'candidate', to send to the peer
 *   onEvent(name): 'connected' | 'unstable' | 'retrying' | 'failed' | 'peer-camera-off' | 'peer-camera-on'
 * The caller offers, the callee answers. On ICE failure, one retry: the caller restarts ICE, or with a TURN
 * server on offer recreates the connection with iceTransportPolicy 'relay'; the callee notices a recreated
 * peer by the changed DTLS fingerprint of the new offer and recreates its own. A second failure is final.
 * Camera on/off travels on the negotiated data channel as {"camera": "off" | "on"}.
 */
export class Call {
  constructor({ role, iceServers = [], localStream = null, warm = null, onSignal, onRemoteStream, onEvent, log = () => {} }) {
    this.role = role === 'caller' ? 'caller' : 'callee';
    this.iceServers = Array.isArray(iceServers) ? iceServers : [];
    this.turn = offersTurn(this.iceServers);
    this.localStream = localStream;
    Object.assign(this, { onSignal, onRemoteStream, onEvent, log });
    this.pc = null;
    this.pending = [];       // remote candidates that arrived before the remote description
    this.remoteFp = null;
    this.retried = false;
    this.closed = false;
    this.connected = false;
    this.lastState = null;
    this.disconnectTimer = null;
    this.chain = Promise.resolve(); // signaling operations run one at a time, in order
    this.warm = warm;
    this.channel = null;
    this.cameraOff = false;  // our camera state, told to the peer
  }

  /**
   * Run fn after every earlier signaling operation. Failures are logged, never thrown at the caller;
   * a failed offer/answer (not a rejected candidate) ends the attempt with onEvent('failed').
   */
  run(what, fn, fatal = true) {
    const p = this.chain.then(() => (this.closed ? undefined : fn()));
    this.chain = p.catch((err) => {
      if (this.closed) return;
      this.log(`${what} failed`, err);
      if (fatal) this.onEvent('failed');
    });
    return this.chain;
  }

  start() {
    const ready = this.createPc(false);
    if (this.role !== 'caller') return Promise.resolve();
    if (ready.offered && this.pc.signalingState === 'have-local-offer') {
      // Made and applied while we waited: out now, before the rest of `matched`'s work (the call screen)
      this.log('sending the offer made while waiting');
      this.releaseOffer(ready, this.pc);
      return this.chain;
    }
    if (ready.offering) {
      this.log('sending the offer being made while waiting, once it is ready');
      return this.run('offer', () => this.sendPreparedOffer(ready));
    }
    this.log('making the offer now');
    return this.run('offer', () => this.offer());
  }

  /** Sends the offer made while waiting (preOffer), then the candidates it gathered meanwhile. */
  async sendPreparedOffer(ready) {
    const pc = this.pc;
    const ok = await ready.offering;
    if (pc !== this.pc || this.closed) return;
    if (!ok || pc.signalingState !== 'have-local-offer') {
      this.held = null;
      await this.offer(); // rare: the early offer failed; make one now
      return;
    }
    this.releaseOffer(ready, pc);
  }

  /** Sends the offer made while waiting, then the candidates it gathered that the offer does not carry. */
  releaseOffer(ready, pc) {
    this.sendDescription('offer', pc);
    const held = [...ready.candidates, ...(this.held || [])];
    this.held = null;
    for (const c of held) this.sendCandidate(c);
  }

  /**
   * Sends our offer or answer (the applied one, or `sdp` not yet applied): the candidates gathered so far are
   * in it (a=candidate lines), so they are not sent again one by one (sendCandidate); the peer adds them with
   * the description.
   */
  sendDescription(kind, pc, sdp = pc.localDescription.sdp) {
    this.inSdp = sdpCandidateKeys(sdp);
    this.onSignal(kind, { type: kind, sdp });
  }

  /** Trickles a candidate the description we sent did not carry. */
  sendCandidate(c) {
    if (this.inSdp && this.inSdp.has(candidateKey(c.candidate))) return;
    this.onSignal('candidate', c);
  }

  createPc(relay) {
    let ready = this.takeWarm(relay);
    if (!ready) ready = preparePeerConnection({ iceServers: this.iceServers, relay, localStream: this.localStream });
    const { pc, channel } = ready;
    this.pc = pc;
    this.pending = [];
    this.inSdp = null;
    this.remoteFp = null;
    this.lastState = null;
    this.connected = false;
    // Candidates of an offer made while waiting are held until that offer is sent (sendPreparedOffer).
    this.held = ready.offering ? [] : null;
    // Caller: always one audio and one video m-line, so the stranger's media plays even when we send nothing.
    // Callee: its addTrack senders are reused by the offer's m-lines; kinds it lacks become recvonly.
    if (this.role === 'caller' && !ready.offering) addMissingKinds(pc);
    this.wireChannel(pc, channel);
    pc.onicecandidate = (e) => {
      if (pc !== this.pc || this.closed) return;
      if (!e.candidate || !e.candidate.candidate) return;
      if (this.held) this.held.push(e.candidate.toJSON());
      else this.sendCandidate(e.candidate.toJSON());
    };
    pc.ontrack = (e) => {
      if (pc !== this.pc || this.closed) return;
      let remote = e.streams && e.streams[0];
      if (!remote) {
        if (!this.remoteStream) this.remoteStream = new MediaStream();
        this.remoteStream.addTrack(e.track);
        remote = this.remoteStream;
      }
      this.onRemoteStream(remote);
    };
    pc.onconnectionstatechange = () => this.evaluate(pc);
    pc.oniceconnectionstatechange = () => this.evaluate(pc);
    return ready;
  }

  /** The warmed-up connection, if it fits this call; otherwise it is closed and null returned. */
  takeWarm(relay) {
    const warm = this.warm;
    this.warm = null;
    if (!warm) return null;
    const usable = !relay && warm.attached && warm.stream === this.localStream && warm.pc.connectionState !== 'closed';
    if (usable && warm.offering) {
      // Made for a caller, with the servers `queued` named (their candidates are in the offer already): usable
      // when `matched` names the same servers; its fresher TURN credentials serve later gathering (ICE restart),
      // and if the browser refuses them the offer is still used with its earlier ones.
      if (this.role === 'caller' && sameIceUrls(warm.iceServers, this.iceServers)) {
        giveIceServers(warm, this.iceServers, this.log);
        return warm;
      }
    } else if (usable && warm.pc.signalingState === 'stable' && !warm.pc.localDescription) {
      if (giveIceServers(warm, this.iceServers, this.log)) return warm;
    }
    try { warm.pc.close(); } catch { /* closed already */ }
    return null;
  }

  wireChannel(pc, channel) {
    this.channel = channel;
    channel.onopen = () => { if (pc === this.pc && this.cameraOff) this.sendControl({ camera: 'off' }); };
    channel.onmessage = (e) => {
      if (pc !== this.pc || this.closed || typeof e.data !== 'string' || e.data.length > 200) return;
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg && msg.camera === 'off') this.onEvent('peer-camera-off');
      else if (msg && msg.camera === 'on') this.onEvent('peer-camera-on');
    };
  }

  sendControl(msg) {
    const ch = this.channel;
    if (!ch || ch.readyState !== 'open') return false;
    try { ch.send(JSON.stringify(msg)); return true; } catch { return false; }
  }

  /** Tell the stranger our camera is off (or on again); sent now if the channel is open, else when it opens. */
  setCameraOff(off) {
    this.cameraOff = !!off;
    this.sendControl({ camera: off ? 'off' : 'on' });
  }

  async offer(options) {
    const pc = this.pc;
    const offer = await pc.createOffer(options);
    if (pc !== this.pc || this.closed) return;
    await pc.setLocalDescription(offer);
    if (pc !== this.pc || this.closed) return;
    this.sendDescription('offer', pc);
  }

  handleOffer(offer) {
    return this.run('answer', async () => {
      if (this.role !== 'callee' || !offer || typeof offer.sdp !== 'string') return;
      const fp = sdpFingerprint(offer.sdp);
      if (this.pc.remoteDescription && fp && this.remoteFp && fp !== this.remoteFp) {
        // The caller recreated its connection (relay retry): do the same.
        this.log('peer recreated its connection; recreating ours');
        this.retried = true;
        this.replacePc(this.turn);
      }
      const pc = this.pc;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      this.remoteFp = fp;
      const answer = await pc.createAnswer();
      if (pc !== this.pc || this.closed) return;
      // Sent before it is applied: the caller applies it while we do (its ICE credentials and DTLS fingerprint
      // are final once created); our candidates, gathered as it is applied, follow by trickle.
      const applied = pc.setLocalDescription(answer);
      this.sendDescription('answer', pc, answer.sdp);
      await applied;
      if (pc !== this.pc || this.closed) return;
      await this.flush(pc); // trickled candidates that came early: after the answer, which the caller waits for
    });
  }

  handleAnswer(answer) {
    return this.run('apply answer', async () => {
      const pc = this.pc;
      if (this.role !== 'caller' || !answer || typeof answer.sdp !== 'string') return;
      if (pc.signalingState !== 'have-local-offer') return; // late or duplicate
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      this.remoteFp = sdpFingerprint(answer.sdp);
      await this.flush(pc);
    });
  }

  addCandidate(candidate) {
    return this.run('add candidate', async () => {
      if (!candidate || typeof candidate !== 'object' || !candidate.candidate) return;
      const pc = this.pc;
      if (!pc.remoteDescription) {
        if (this.pending.length < 200) this.pending.push(candidate);
        return;
      }
      await pc.addIceCandidate(candidate).catch((err) => this.log('candidate rejected', err));
    }, false);
  }

  async flush(pc) {
    const list = this.pending;
    this.pending = [];
    for (const c of list) {
      if (pc !== this.pc || this.closed) return;
      await pc.addIceCandidate(c).catch((err) => this.log('buffered candidate rejected', err));
    }
  }

  evaluate(pc) {
    if (pc !== this.pc || this.closed) return;
    const ice = pc.iceConnectionState;
    let state = pc.connectionState || ({ completed: 'connected', checking: 'connecting' }[ice] || ice);
    if (ice === 'failed') state = 'failed';
    if (state === this.lastState) return;
    this.lastState = state;
    this.log(`connection ${state} (ice ${ice})`);
    if (state === 'connected') {
      clearTimeout(this.disconnectTimer);
      if (!this.connected) { this.connected = true; this.onEvent('connected'); }
    } else if (state === 'disconnected') {
      // Often recovers by itself (a network blip); give it a few seconds before treating it as failed.
      this.connected = false;
      this.onEvent('unstable');
      clearTimeout(this.disconnectTimer);
      this.disconnectTimer = setTimeout(() => {
        if (pc === this.pc && !this.closed && !this.connected) this.failure();
      }, DISCONNECTED_GRACE_MS);
    } else if (state === 'failed') {
      this.connected = false;
      this.failure();
    }
  }

  failure() {
    clearTimeout(this.disconnectTimer);
    if (this.closed) return;
    if (this.retried) { this.onEvent('failed'); return; }
    this.retried = true;
    this.onEvent('retrying');
    if (this.role !== 'caller') return; // the callee waits for the caller's new offer
    this.run('ice restart', async () => {
      if (this.turn) {
        this.replacePc(true);          // force the TURN relay: a new connection
        await this.offer();
      } else {
        await this.offer({ iceRestart: true });
      }
    });
  }

  /** The peer connection's iceConnectionState ('closed' once hung up). */
  get iceState() { return this.pc && !this.closed ? this.pc.iceConnectionState : 'closed'; }

  /**
   * The caller restarts ICE on purpose (after its signaling came back, see needsIceRestart in state.js):
   * a new offer with iceRestart, unless an offer is already out (signalingState not stable). The callee
   * answers it as any offer. → false when there is nothing to do (callee, closed).
   */
  restartIce() {
    if (this.role !== 'caller' || this.closed || !this.pc) return false;
    const pc = this.pc;
    this.run('ice restart', async () => {
      if (pc !== this.pc || pc.signalingState !== 'stable') return;
      await this.offer({ iceRestart: true });
    });
    return true;
  }

  replacePc(relay) {
    const old = this.pc;
    this.detach(old);
    this.createPc(relay);
  }

  detach(pc) {
    if (!pc) return;
    if (pc === this.pc && this.channel) { this.channel.onopen = this.channel.onmessage = null; this.channel = null; }
    pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = pc.oniceconnectionstatechange = null;
    try {
      for (const r of pc.getReceivers()) if (r.track) r.track.stop();
    } catch { /* closed already */ }
    try { pc.close(); } catch { /* closed already */ }
  }

  /** Hang up: stop remote tracks, drop handlers, close. Local tracks stay (the camera is reused). */
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.warm) { try { this.warm.pc.close(); } catch { /* */ } this.warm = null; }
    clearTimeout(this.disconnectTimer);
    this.detach(this.pc);
    this.pc = null;
    this.pending = [];
    this.remoteStream = null;
  }
}
