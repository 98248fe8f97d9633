// peer-connection.js: making an RTCPeerConnection ready before a match (tracks, control channel, pooled
// candidates, an offer made while waiting), choosing its ICE servers, and reading SDP.

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
 * (or none, for text only) once the camera question is settled, before it is used, or after it when the match
 * came first (sending m-lines without tracks until then: addSendSlots, openSendSlots).
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
 * A kind whose sending m-line was negotiated before the camera answered (addSendSlots, openSendSlots) gets its
 * track with replaceTrack, which needs no new offer; any other kind with addTrack.
 */
export function attachLocal(ready, localStream, log = () => {}) {
  if (ready.attached) return ready.stream === localStream;
  const tracks = localStream ? localStream.getTracks() : [];
  for (const kind of ['audio', 'video']) {
    const track = tracks.find((t) => t.kind === kind);
    const slot = sendSlot(ready.pc, kind);
    if (slot && track) slot.sender.replaceTrack(track).catch((err) => log(`our ${kind} could not be sent`, err));
    else if (track) ready.pc.addTrack(track, localStream);
  }
  ready.stream = localStream;
  ready.attached = true;
  return true;
}

/** The transceiver of this kind that is to send but has no track yet (addSendSlots, openSendSlots), or null. */
function sendSlot(pc, kind) {
  return pc.getTransceivers().find((t) => t.receiver.track && t.receiver.track.kind === kind && !t.sender.track
    && (t.direction === 'sendrecv' || t.direction === 'sendonly')) || null;
}

/**
 * Our camera is still opening when an offer is made (we joined the queue while it opened, media.js): one
 * sending audio and one sending video m-line without tracks, in one stream, so the offer says we send and
 * attachLocal() puts the tracks in later (replaceTrack: no new offer). Kinds with an m-line already are kept.
 */
export function addSendSlots(pc) {
  const have = new Set(pc.getTransceivers().map((t) => t.receiver.track && t.receiver.track.kind).filter(Boolean));
  const streams = [new MediaStream()];
  for (const kind of ['audio', 'video']) {
    if (!have.has(kind)) pc.addTransceiver(kind, { direction: 'sendrecv', streams });
  }
}

/**
 * The callee's side of addSendSlots: after the stranger's offer is applied and before our answer, its m-lines
 * that have no track of ours are made sending (in one stream), so the answer says we send; attachLocal() fills them.
 */
export function openSendSlots(pc) {
  const stream = new MediaStream();
  for (const t of pc.getTransceivers()) {
    if (!t.receiver.track || t.sender.track || t.direction !== 'recvonly') continue;
    t.direction = 'sendrecv';
    if (typeof t.sender.setStreams === 'function') t.sender.setStreams(stream);
  }
}

/** Adds a receive-only m-line for each kind we do not send, so the stranger's media plays anyway (caller shape). */
export function addMissingKinds(pc) {
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
  if (!ready.attached) addSendSlots(pc); // joined while the camera opens: its tracks come with attachLocal()
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
 * The connection warmed up for the next match, if it fits this call (not a relay retry, same local stream
 * (or none yet while our camera opens), still open; a caller's offer made with the same servers, or an
 * untouched connection that takes the call's servers); otherwise it is closed and null returned.
 */
export function fitWarm(warm, { relay, role, iceServers, localStream, mediaPending = false, log }) {
  if (!warm) return null;
  // mediaPending: our camera is still opening; a connection still without tracks takes them later (attachLocal)
  const ours = warm.attached ? warm.stream === localStream : mediaPending;
  const usable = !relay && ours && warm.pc.connectionState !== 'closed';
  if (usable && warm.offering) {
    // Made for a caller, with the servers `queued` named (their candidates are in the offer already): usable
    // when `matched` names the same servers; its fresher TURN credentials serve later gathering (ICE restart),
    // and if the browser refuses them the offer is still used with its earlier ones.
    if (role === 'caller' && sameIceUrls(warm.iceServers, iceServers)) {
      giveIceServers(warm, iceServers, log);
      return warm;
    }
  } else if (usable && warm.pc.signalingState === 'stable' && !warm.pc.localDescription) {
    if (giveIceServers(warm, iceServers, log)) return warm;
  }
  try { warm.pc.close(); } catch { /* closed already */ }
  return null;
}
