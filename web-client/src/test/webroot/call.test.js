import { test, eq, ok } from './harness.js';
import { Call } from '../js/call.js';
import {
  sdpFingerprint, preparePeerConnection, preOffer, attachLocal, iceServerList, sameIceUrls, candidateKey, sdpCandidateKeys,
  fitWarm,
} from '../js/peer-connection.js';

/** A stream with one video track (a canvas) and one audio track (an oscillator), no devices needed. */
function syntheticStream() {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  canvas.getContext('2d').fillRect(0, 0, 64, 48);
  const video = canvas.captureStream(5).getVideoTracks()[0];
  const ctx = new AudioContext();
  const dest = ctx.createMediaStreamDestination();
  ctx.createOscillator().connect(dest);
  return new MediaStream([video, dest.stream.getAudioTracks()[0]]);
}

test('preparePeerConnection tracksLater: made without tracks; attachLocal adds audio and video once', async () => {
  const ready = preparePeerConnection({ tracksLater: true });
  try {
    eq(ready.attached, false);
    eq(ready.pc.getSenders().length, 0, 'no senders before the camera answered');
    const stream = syntheticStream();
    ok(attachLocal(ready, stream));
    eq(ready.stream, stream);
    eq(ready.pc.getSenders().map((s) => s.track.kind).sort().join(','), 'audio,video');
    ok(attachLocal(ready, stream), 'same stream again: fine, nothing added');
    eq(ready.pc.getSenders().length, 2);
    ok(!attachLocal(ready, syntheticStream()), 'another stream: refused');
    const offer = await ready.pc.createOffer();
    eq((offer.sdp.match(/^m=/gm) || []).length, 3, 'audio, video and the control channel');
  } finally {
    ready.pc.close();
  }
});

test('preparePeerConnection tracksLater: text only attaches no track', () => {
  const ready = preparePeerConnection({ tracksLater: true });
  try {
    ok(attachLocal(ready, null));
    eq(ready.attached, true);
    eq(ready.stream, null);
    eq(ready.pc.getSenders().length, 0);
  } finally {
    ready.pc.close();
  }
});

test('iceServerList: the server\'s entries with urls, else the fallback', () => {
  const fallback = [{ urls: 'stun:fallback.example' }];
  eq(iceServerList(undefined, fallback), fallback);
  eq(iceServerList([], fallback), fallback);
  eq(iceServerList([null, 'x', {}], fallback), fallback, 'nothing usable');
  const turn = { urls: ['turn:127.0.0.1:3478'], username: '1:u', credential: 'c' };
  eq(JSON.stringify(iceServerList([turn, {}], fallback)), JSON.stringify([turn]));
});

test('sameIceUrls: the same servers with other TURN credentials are the same servers', () => {
  const a = [{ urls: ['turn:127.0.0.1:3478'], username: '100:u', credential: 'x' }];
  const b = [{ urls: ['turn:127.0.0.1:3478'], username: '160:u', credential: 'y' }];
  ok(sameIceUrls(a, b));
  ok(sameIceUrls([], []));
  ok(!sameIceUrls(a, []), 'TURN added');
  ok(!sameIceUrls(a, [{ urls: ['turn:10.0.0.1:3478'] }]), 'another server');
});

test('candidateKey: an SDP line and the trickled string of one candidate have the same key', () => {
  const line = 'a=candidate:842163049 1 udp 2122260223 127.0.0.1 49394 typ host generation 0 network-cost 999';
  const trickled = 'candidate:842163049 1 UDP 2122260223 127.0.0.1 49394 typ host generation 0 ufrag Ab12 network-id 1';
  eq(candidateKey(line), candidateKey(trickled));
  ok(candidateKey(line) !== candidateKey(trickled.replace('49394', '49395')), 'another port is another candidate');
  eq(candidateKey('garbage'), null);
  eq(candidateKey(undefined), null);
});

test('sdpCandidateKeys: the candidates written into a real offer', async () => {
  const ready = preparePeerConnection({ tracksLater: true });
  try {
    attachLocal(ready, syntheticStream());
    const gathered = [];
    const complete = new Promise((resolve) => {
      ready.pc.onicecandidate = (e) => { if (e.candidate && e.candidate.candidate) gathered.push(e.candidate.candidate); else resolve(); };
    });
    await ready.pc.setLocalDescription(await ready.pc.createOffer());
    await Promise.race([complete, new Promise((r) => setTimeout(r, 3000))]);
    const keys = sdpCandidateKeys(ready.pc.localDescription.sdp);
    ok(gathered.length > 0, 'some candidate gathered');
    for (const c of gathered) ok(keys.has(candidateKey(c)), `in the SDP: ${c}`);
    ok(!keys.has(null), 'only candidate lines');
  } finally {
    ready.pc.close();
  }
});

test('Call: the callee sends its answer before applying it, with its final credentials; the call connects', async () => {
  const seen = { caller: [], callee: [] };
  let caller = null;
  let callee = null;
  let answerSentIn = null;
  let sentAnswer = null;
  const both = new Promise((resolve) => {
    const onEvent = (who) => (ev) => {
      seen[who].push(ev);
      if (seen.caller.includes('connected') && seen.callee.includes('connected')) resolve(true);
    };
    caller = new Call({
      role: 'caller', localStream: syntheticStream(), onRemoteStream: () => {}, onEvent: onEvent('caller'),
      onSignal: (kind, payload) => (kind === 'offer' ? callee.handleOffer(payload) : callee.addCandidate(payload)),
    });
    callee = new Call({
      role: 'callee', localStream: syntheticStream(), onRemoteStream: () => {}, onEvent: onEvent('callee'),
      onSignal: (kind, payload) => {
        if (kind === 'answer') {
          answerSentIn = callee.pc.signalingState;
          sentAnswer = payload.sdp;
          caller.handleAnswer(payload);
        } else caller.addCandidate(payload);
      },
    });
  });
  try {
    callee.start();
    caller.start();
    const ok1 = await Promise.race([both, new Promise((r) => setTimeout(() => r(false), 8000))]);
    ok(ok1, `both connected (caller ${seen.caller}, callee ${seen.callee})`);
    eq(answerSentIn, 'have-remote-offer', 'sent before setLocalDescription finished');
    const ufrag = (sdp) => (sdp.match(/^a=ice-ufrag:(.*)$/m) || [])[1];
    eq(ufrag(sentAnswer), ufrag(callee.pc.localDescription.sdp), 'the ICE credentials it applied');
    eq(sdpFingerprint(sentAnswer), sdpFingerprint(callee.pc.localDescription.sdp), 'the DTLS fingerprint it applied');
  } finally {
    caller.close();
    callee.close();
  }
});

test('Call.start with an offer made while waiting: the offer goes out before start() returns', async () => {
  const stream = syntheticStream();
  const ready = preparePeerConnection({ localStream: stream });
  ok(await preOffer(ready), 'offer made and applied');
  const sent = [];
  const call = new Call({
    role: 'caller', localStream: stream, warm: ready, onRemoteStream: () => {}, onEvent: () => {},
    onSignal: (kind, payload) => sent.push([kind, payload]),
  });
  try {
    call.start();
    eq(sent.length > 0 && sent[0][0], 'offer', 'sent synchronously, first');
    eq(sent[0][1].sdp, ready.pc.localDescription.sdp);
    eq(call.pc, ready.pc, 'the prepared connection is the call\'s');
  } finally {
    call.close();
  }
});

/** The a=sendrecv / a=recvonly / … of each audio and video m-line of an SDP, e.g. "audio sendrecv,video sendrecv". */
function directions(sdp) {
  return sdp.split(/\r?\nm=/).slice(1).filter((m) => /^(audio|video)/.test(m))
    .map((m) => `${m.split(' ')[0]} ${(m.match(/^a=(sendrecv|sendonly|recvonly|inactive)$/m) || [])[1]}`).join(',');
}

test('Call with our camera still opening on both sides: the offer and answer say we send; setLocalStream puts the tracks in without a new offer', async () => {
  const warm = preparePeerConnection({ tracksLater: true });
  ok(await preOffer(warm), 'the waiting caller\'s offer, made before the camera answered');
  eq(directions(warm.pc.localDescription.sdp), 'audio sendrecv,video sendrecv', 'sending m-lines kept for our tracks');
  ok(fitWarm(warm, { role: 'caller', iceServers: [], localStream: null, mediaPending: true }) === warm, 'usable while the camera opens');
  const received = { caller: null, callee: null };
  let answerSdp = null;
  let renegotiations = 0;
  let caller = null;
  let callee = null;
  caller = new Call({
    role: 'caller', localStream: null, mediaPending: true, warm, onEvent: () => {},
    onRemoteStream: (st) => { received.caller = st; },
    onSignal: (kind, payload) => (kind === 'offer' ? callee.handleOffer(payload) : callee.addCandidate(payload)),
  });
  callee = new Call({
    role: 'callee', localStream: null, mediaPending: true, onEvent: () => {},
    onRemoteStream: (st) => { received.callee = st; },
    onSignal: (kind, payload) => {
      if (kind === 'answer') { answerSdp = payload.sdp; caller.handleAnswer(payload); } else caller.addCandidate(payload);
    },
  });
  try {
    callee.start();
    await caller.start();
    for (let i = 0; i < 100 && !(answerSdp && caller.pc.signalingState === 'stable'); i++) await new Promise((r) => setTimeout(r, 20));
    eq(directions(answerSdp || ''), 'audio sendrecv,video sendrecv', 'the callee\'s answer says it sends too');
    for (const c of [caller, callee]) c.pc.addEventListener('negotiationneeded', () => { renegotiations += 1; });
    const streams = [syntheticStream(), syntheticStream()];
    caller.setLocalStream(streams[0]);
    callee.setLocalStream(streams[1]);
    // (the frames themselves are ClientExperienceIT's: a canvas track gives too few here to wait for reliably)
    const ids = (list) => list.map((x) => x && x.id).filter(Boolean).sort().join();
    const sends = (c, st) => ids(c.pc.getSenders().map((x) => x.track)) === ids(st.getTracks());
    const sending = () => sends(caller, streams[0]) && sends(callee, streams[1]);
    for (let i = 0; i < 100 && !sending(); i++) await new Promise((r) => setTimeout(r, 20)); // replaceTrack resolves later
    ok(sending(), 'each side sends its own audio and video, in the m-lines negotiated before');
    for (const [who, st] of Object.entries(received)) {
      ok(st && st.getAudioTracks().length === 1 && st.getVideoTracks().length === 1, `${who} has the stranger's audio and video tracks`);
    }
    for (const c of [caller, callee]) {
      eq(c.pc.getTransceivers().filter((x) => x.currentDirection === 'sendrecv').length, 2, `${c.role}: both m-lines send and receive`);
    }
    eq(renegotiations, 0, 'no new offer was needed');
    eq(caller.pc.signalingState, 'stable');
  } finally {
    caller.close();
    callee.close();
  }
});

test('Call with our camera still opening: a camera answer before the stranger\'s offer is added as usual', async () => {
  const sent = [];
  const callee = new Call({
    role: 'callee', localStream: null, mediaPending: true, onEvent: () => {}, onRemoteStream: () => {},
    onSignal: (kind, payload) => sent.push([kind, payload]),
  });
  const other = preparePeerConnection({ localStream: syntheticStream() });
  try {
    callee.start();
    callee.setLocalStream(syntheticStream());
    await other.pc.setLocalDescription(await other.pc.createOffer());
    await callee.handleOffer({ type: 'offer', sdp: other.pc.localDescription.sdp });
    const answer = sent.find(([k]) => k === 'answer');
    eq(directions(answer[1].sdp), 'audio sendrecv,video sendrecv');
    eq(callee.pc.getSenders().filter((x) => x.track).length, 2);
  } finally {
    callee.close();
    other.pc.close();
  }
});
