// control-channel.js: call-state notes between the two browsers on the negotiated data channel
// ({"camera": "off" | "on"}); no server involved.

/** Longest note accepted from the peer (characters); anything longer is ignored. */
const MAX_NOTE_CHARS = 200;

export class ControlChannel {
  /** onEvent(name): 'peer-camera-off' | 'peer-camera-on'. */
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.channel = null;
    this.cameraOff = false; // our camera state, told to the peer
  }

  /** Takes a connection's channel; `current()` says whether that connection is still the call's. */
  wire(channel, current) {
    this.channel = channel;
    channel.onopen = () => { if (current() && this.cameraOff) this.send({ camera: 'off' }); };
    channel.onmessage = (e) => {
      if (!current() || typeof e.data !== 'string' || e.data.length > MAX_NOTE_CHARS) return;
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg && msg.camera === 'off') this.onEvent('peer-camera-off');
      else if (msg && msg.camera === 'on') this.onEvent('peer-camera-on');
    };
  }

  /** Stops listening to the current channel (the connection is being replaced or closed). */
  drop() {
    if (!this.channel) return;
    this.channel.onopen = this.channel.onmessage = null;
    this.channel = null;
  }

  send(msg) {
    const ch = this.channel;
    if (!ch || ch.readyState !== 'open') return false;
    try { ch.send(JSON.stringify(msg)); return true; } catch { return false; }
  }

  /** Tell the stranger our camera is off (or on again); sent now if the channel is open, else when it opens. */
  setCameraOff(off) {
    this.cameraOff = !!off;
    this.send({ camera: off ? 'off' : 'on' });
  }
}
