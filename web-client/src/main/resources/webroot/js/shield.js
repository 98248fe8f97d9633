/**
 * The nudity shield's policy (issue 22), DOM-free: the classifier, the timers and the effects are
 * injected, so tests drive it with a fake classifier and a fake clock. No frame, score or verdict
 * goes to the server; a report is sent only when the person presses Report.
 *
 * Stranger's video (remoteShield): blurred from the start of a call until the first verdict; clear →
 * shown; re-checked every `intervalMs` for the whole call and at once on a video track change (blurred
 * again until that verdict); unsafe → blurred with the "may contain nudity" overlay; the model failing
 * to load or run → blurred with "Safety check unavailable", never shown silently. "Show anyway" shows
 * it for this call only. Turned off by the person (for themselves only): never blurred, never checked.
 *
 * Own camera (selfShield): the same check on the self-view; unsafe pauses sending video (the caller
 * disables the track) until the person presses Resume, which sends for the rest of this call.
 */

export const SHIELD_DEFAULTS = Object.freeze({
  /** How often a call's video is checked again. */
  intervalMs: 2000,
  /**
   * Hidden when Porn + Hentai (+ Sexy with `includeSexy`) reach this share of the model's output
   * (softmax over Drawing, Hentai, Neutral, Porn, Sexy). Why 0.4: see docs/safety.md.
   */
  threshold: 0.4,
  /** Counts "Sexy" as explicit too (off by default: swimwear and underwear are not nudity). */
  includeSexy: false,
});

/** localStorage key: 'off' when the person turned the shield off for themselves. */
export const SHIELD_PREF_KEY = 'tandem.shield';

export function shieldEnabled(storage) {
  try { return storage.getItem(SHIELD_PREF_KEY) !== 'off'; } catch (e) { return true; }
}

export function setShieldEnabled(storage, on) {
  try { if (on) storage.removeItem(SHIELD_PREF_KEY); else storage.setItem(SHIELD_PREF_KEY, 'off'); } catch (e) { /* private mode: on */ }
}

/** The model's explicit share for these scores. */
export function explicitScore(scores, { includeSexy = false } = {}) {
  return (scores.Porn || 0) + (scores.Hentai || 0) + (includeSexy ? (scores.Sexy || 0) : 0);
}

export function isUnsafe(scores, options = SHIELD_DEFAULTS) {
  return explicitScore(scores, options) >= options.threshold;
}

const realTimers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) };

/**
 * Checks `source` now, then every intervalMs after each answer (one check at a time). An answer that
 * arrives after stop() or a restart belongs to an older run and is dropped.
 */
function checkLoop({ classify, timers, intervalMs, onVerdict, onFailure }) {
  let run = 0;
  let timer = null;
  const halt = () => { run++; if (timer !== null) timers.clearTimeout(timer); timer = null; };
  async function check(myRun, source) {
    timer = null;
    let result = null;
    let error = null;
    try { result = await classify(source); } catch (e) { error = e; }
    if (myRun !== run) return;
    if (error) onFailure(error); else onVerdict(result);
    if (myRun === run) timer = timers.setTimeout(() => check(myRun, source), intervalMs);
  }
  return {
    start(source) { halt(); check(run, source); },
    stop: halt,
  };
}

/**
 * render({state, blurred, overlay}) is called on every change; state is one of
 * 'idle' (no call), 'off' (turned off by the person), 'checking', 'clear', 'unsafe', 'unavailable',
 * 'shown' (Show anyway); overlay is 'unsafe', 'unavailable' or null.
 */
export function remoteShield({ classify, render, enabled = () => true, options = SHIELD_DEFAULTS, timers = realTimers, onVerdict = () => {} }) {
  let state = 'idle';
  const set = (s) => {
    state = s;
    const blurred = s === 'checking' || s === 'unsafe' || s === 'unavailable';
    render({ state: s, blurred, overlay: s === 'unsafe' || s === 'unavailable' ? s : null });
  };
  const loop = checkLoop({
    classify, timers, intervalMs: options.intervalMs,
    onVerdict: (r) => {
      if (state === 'idle' || state === 'off' || state === 'shown') return;
      onVerdict(r);
      set(isUnsafe(r.scores, options) ? 'unsafe' : 'clear');
    },
    onFailure: () => { if (state !== 'idle' && state !== 'off' && state !== 'shown') set('unavailable'); },
  });
  return {
    /** A call's video begins: blurred until the first verdict. */
    start(source) {
      loop.stop();
      if (!enabled()) { set('off'); return; }
      set('checking');
      loop.start(source);
    },
    /** The stranger's video track changed: check again at once, blurred until then. */
    trackChanged(source) {
      if (state === 'idle' || state === 'off' || state === 'shown') return;
      if (state !== 'unsafe' && state !== 'unavailable') set('checking');
      loop.start(source);
    },
    /** Shows the video for the rest of this call (checks stop until the next call). */
    showAnyway() {
      if (state === 'idle' || state === 'off') return;
      loop.stop();
      set('shown');
    },
    /** The call ended: nothing shown, nothing checked, "Show anyway" forgotten. */
    stop() { loop.stop(); set('idle'); },
    state: () => state,
  };
}

/**
 * render({state}) with state 'idle', 'off', 'watching', 'paused' (sending video stopped by the
 * shield), 'allowed' (the person resumed: sent for the rest of this call). pauseVideo(true|false)
 * stops / restarts sending the camera. A failing model never pauses the camera: the stranger's own
 * shield is what protects the stranger.
 */
export function selfShield({ classify, render, pauseVideo, enabled = () => true, options = SHIELD_DEFAULTS, timers = realTimers }) {
  let state = 'idle';
  const set = (s) => { state = s; render({ state: s }); };
  const loop = checkLoop({
    classify, timers, intervalMs: options.intervalMs,
    onVerdict: (r) => {
      if (state !== 'watching' || !isUnsafe(r.scores, options)) return;
      loop.stop();
      pauseVideo(true);
      set('paused');
    },
    onFailure: () => {},
  });
  return {
    start(source) {
      loop.stop();
      if (!enabled()) { set('off'); return; }
      set('watching');
      loop.start(source);
    },
    trackChanged(source) { if (state === 'watching') loop.start(source); },
    /** The person pressed Resume: sending again, not checked again in this call. */
    resume() {
      if (state !== 'paused') return;
      pauseVideo(false);
      set('allowed');
    },
    stop() {
      loop.stop();
      if (state === 'paused') pauseVideo(false);
      set('idle');
    },
    state: () => state,
  };
}
