// call.js: the RTCPeerConnection of one call: offer/answer in order, candidates, one retry on failure.
// Its parts: local-media.js (camera and microphone), peer-connection.js (a connection made ready before
// the match, ICE servers, SDP), control-channel.js (notes between the browsers), connection-health.js.

import {
  addMissingKinds, addSendSlots, attachLocal, candidateKey, fitWarm, offersTurn, openSendSlots, preparePeerConnection,
  sdpCandidateKeys, sdpFingerprint,
} from './peer-connection.js';
import { ControlChannel } from './control-channel.js';
import { evaluate, failure } from './connection-health.js';

/**
 * One call's peer connection.
 *   new Call({role, iceServers, localStream, mediaPending, warm, onSignal, onRemoteStream, onEvent, log})
 *   mediaPending: our camera is still opening (we joined while it opened): the offer or answer says we send
 *     audio and video, and setLocalStream() puts the tracks in when it answers (no new offer)
 *   warm: an unused preparePeerConnection() result for the same local stream (optional; saves time)
 *   onSignal(kind, payload): kind 'offer' | 'answer' | 'candidate', to send to the peer
 *   onEvent(name): 'connected' | 'unstable' | 'retrying' | 'failed' | 'peer-camera-off' | 'peer-camera-on'
 * The caller offers, the callee answers. One retry on failure (connection-health.js); the callee notices a
 * recreated peer by the changed DTLS fingerprint of the new offer and recreates its own.
 */
export class Call {
  constructor({
    role, iceServers = [], localStream = null, mediaPending = false, warm = null, onSignal, onRemoteStream, onEvent, log = () => {},
  }) {
    this.role = role === 'caller' ? 'caller' : 'callee';
    this.iceServers = Array.isArray(iceServers) ? iceServers : [];
    this.turn = offersTurn(this.iceServers);
    this.localStream = localStream;
    this.mediaPending = !!mediaPending;
    this.ready = null;       // the preparePeerConnection() result behind this.pc
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
    this.control = new ControlChannel(onEvent);
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
    const { localStream, mediaPending } = this;
    let ready = fitWarm(this.warm, { relay, role: this.role, iceServers: this.iceServers, localStream, mediaPending, log: this.log });
    this.warm = null;
    if (!ready) ready = preparePeerConnection({ iceServers: this.iceServers, relay, localStream, tracksLater: mediaPending });
    const { pc, channel } = ready;
    this.pc = pc;
    this.ready = ready;
    this.pending = [];
    this.inSdp = null;
    this.remoteFp = null;
    this.lastState = null;
    this.connected = false;
    // Candidates of an offer made while waiting are held until that offer is sent (sendPreparedOffer).
    this.held = ready.offering ? [] : null;
    // Caller: always one audio and one video m-line, so the stranger's media plays even when we send nothing.
    // Callee: its addTrack senders are reused by the offer's m-lines; kinds it lacks become recvonly.
    // Our camera still opening: sending m-lines without tracks (setLocalStream fills them).
    if (this.role === 'caller' && !ready.offering) { if (!ready.attached) addSendSlots(pc); addMissingKinds(pc); }
    this.control.wire(channel, () => pc === this.pc && !this.closed);
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
    pc.onconnectionstatechange = () => evaluate(this, pc);
    pc.oniceconnectionstatechange = () => evaluate(this, pc);
    return ready;
  }

  /**
   * Our camera answered after the match (mediaPending): its tracks go into the m-lines kept for them (or are
   * added, when no offer or answer was made yet); null: none (text only).
   */
  setLocalStream(stream) {
    this.localStream = stream;
    this.mediaPending = false;
    if (!this.closed && this.ready) attachLocal(this.ready, stream, this.log);
  }

  /** Tell the stranger our camera is off (or on again); sent now if the channel is open, else when it opens. */
  setCameraOff(off) {
    this.control.setCameraOff(off);
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
      const { pc, ready } = this;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      this.remoteFp = fp;
      if (!ready.attached) openSendSlots(pc); // our camera still opening: the answer says we send (setLocalStream)
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
    if (pc === this.pc) this.control.drop();
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
