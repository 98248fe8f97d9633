// preview.js: the landing page's camera preview. A returning visitor (camera and microphone allowed
// before) sees themselves before Start, and Start finds the camera open: the camera prompt is off the
// way to the first call. It never prompts by itself: a first visit is asked when the person presses
// Start or the preview button. DOM-free; app.js draws it (ui.js setPreview).

/** Whether this page may open the camera and microphone without asking (Permissions API, both 'granted'). */
export async function mediaAllowed(permissions = globalThis.navigator && navigator.permissions) {
  if (!permissions || typeof permissions.query !== 'function') return false;
  try {
    const states = await Promise.all(['camera', 'microphone'].map((name) => permissions.query({ name })));
    return states.every((s) => s && s.state === 'granted');
  } catch {
    return false; // a browser that cannot be asked about these permissions: ask at Start, as on a first visit
  }
}

const stopAll = (stream) => { if (stream) stream.getTracks().forEach((t) => t.stop()); };
const isLive = (stream) => !!stream && stream.getTracks().some((t) => t.readyState === 'live');

const realTimer = { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) };

/**
 * new Preview({open, allowed, onChange, idleMs, timer})
 *   open(): → Promise<MediaStream> (call.js getLocalMedia)
 *   allowed(): → Promise<boolean> (mediaAllowed)
 *   onChange(preview): after every change of `state` ('off' | 'opening' | 'on') or `stream`
 *   idleMs: an open preview nobody touch()es for this long is closed (0: never)
 * show() opens it when allowed (show({ask: true}): the person asked, so the browser may prompt); hide()
 * closes it and stops its tracks; take() hands its stream (or the promise of it) to Start, which then owns it.
 */
export class Preview {
  constructor({ open, allowed = mediaAllowed, onChange = () => {}, idleMs = 0, timer = realTimer }) {
    Object.assign(this, { open, allowed, onChange, idleMs, timer });
    this.idle = null;     // the idle timer while on
    this.state = 'off';
    this.stream = null;
    this.pending = null;  // the open() promise while the camera is opening
    this.handed = null;   // a pending open() given to take(): its stream is not stopped when it arrives
    this.error = null;    // the last open() failure (a refused prompt, a busy camera)
    this.gen = 0;         // bumped by hide() and take(): an answer for an older show() is dropped
  }

  set(state, stream = this.stream) {
    this.state = state;
    this.stream = stream;
    if (state === 'on') this.touch();
    else if (this.idle != null) { this.timer.clear(this.idle); this.idle = null; }
    this.onChange(this);
  }

  /** Someone is using the page: an open preview stays open for another idleMs. */
  touch() {
    if (this.state !== 'on' || !this.idleMs) return;
    if (this.idle != null) this.timer.clear(this.idle);
    this.idle = this.timer.set(() => { this.idle = null; if (this.state === 'on') this.hide(); }, this.idleMs);
  }

  /** → Promise of the stream shown, or null (not allowed, failed, or hidden/taken meanwhile). */
  async show({ ask = false } = {}) {
    if (this.state !== 'off') return this.stream;
    const gen = ++this.gen;
    this.error = null;
    this.set('opening');
    const ok = ask || await this.allowed();
    if (gen !== this.gen) return null;
    if (!ok) { this.set('off'); return null; }
    const pending = Promise.resolve().then(() => this.open());
    this.pending = pending;
    let stream;
    try {
      stream = await pending;
    } catch (err) {
      if (gen === this.gen) { this.pending = null; this.error = err; this.set('off'); }
      return null;
    }
    if (gen !== this.gen) {
      if (this.handed !== pending) stopAll(stream); // hidden while opening
      return null;
    }
    this.pending = null;
    this.set('on', stream);
    return stream;
  }

  /** Close the preview: its tracks are stopped (the camera light goes off). */
  hide() {
    this.gen += 1;
    const had = this.state !== 'off';
    stopAll(this.stream);
    this.pending = null;
    if (had) this.set('off', null);
  }

  /**
   * Start takes the camera: → a Promise of the open stream (or of the one still opening), or null when there
   * is none (Start then asks for the camera itself). The preview is off afterwards and never stops it.
   */
  take() {
    let out = null;
    if (isLive(this.stream)) out = Promise.resolve(this.stream);
    else if (this.pending) { out = this.pending; this.handed = this.pending; }
    else stopAll(this.stream);
    this.gen += 1;
    this.pending = null;
    if (this.state !== 'off') this.set('off', null);
    else this.stream = null;
    return out;
  }
}
