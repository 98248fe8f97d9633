/**
 * The page's side of the shield's classifier: one worker (shield-worker.js) that loads the vendored
 * nsfwjs model, and `classify(video)` that takes the video's current frame as a small ImageBitmap
 * (224×224, the model's input size, scaled by the browser off the main thread) and transfers it to the
 * worker. The shield's policy (shield.js) sees only `classify(source) → Promise<{scores, ms}>`.
 */

/** The model's input size in pixels (MobileNetV2 224×224). */
export const INPUT_SIZE = 224;
/** How long the model may take to load before the shield reports it unavailable. */
export const LOAD_TIMEOUT_MS = 30000;

export function workerClassifier({
  url = new URL('./shield-worker.js', import.meta.url),
  createWorker = (u) => new Worker(u),
  loadTimeoutMs = LOAD_TIMEOUT_MS,
} = {}) {
  let worker = null;
  let ready = null;
  let info = null;
  let nextId = 1;
  const pending = new Map();

  function fail(err) {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  }

  /** Starts the worker and loads the model (once); resolves with {backend, ms}. */
  function warm() {
    if (ready) return ready;
    ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the safety model did not load in time')), loadTimeoutMs);
      try {
        worker = createWorker(url);
      } catch (e) {
        clearTimeout(timer);
        reject(e);
        return;
      }
      worker.onerror = (e) => {
        const err = new Error('the safety check could not start: ' + (e && e.message || 'worker error'));
        clearTimeout(timer);
        reject(err);
        fail(err);
      };
      worker.onmessage = (e) => {
        const m = e.data || {};
        if (m.type === 'ready') { clearTimeout(timer); info = { backend: m.backend, ms: m.ms, readyAt: performance.now() }; resolve(info); }
        else if (m.type === 'failed') { clearTimeout(timer); reject(new Error(m.error)); }
        else if (m.type === 'verdict' || m.type === 'error') {
          const p = pending.get(m.id);
          if (!p) return;
          pending.delete(m.id);
          if (m.type === 'verdict') p.resolve(m);
          else p.reject(new Error(m.error));
        }
      };
    });
    ready.catch(() => {}); // a failure is reported to each classify() caller
    return ready;
  }

  /** One check at a time: a check's time is its own (frame + model), not a wait behind another. */
  let queue = Promise.resolve();

  async function check(video) {
    const t0 = performance.now();
    const frame = await createImageBitmap(video, { resizeWidth: INPUT_SIZE, resizeHeight: INPUT_SIZE, resizeQuality: 'low' });
    const r = await new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'classify', id, frame }, [frame]);
    });
    return { scores: r.scores, modelMs: r.ms, checkMs: performance.now() - t0 };
  }

  /** → {scores, modelMs (the model in the worker), checkMs (frame capture + transfer + model + answer)}. */
  async function classify(video) {
    if (!hasFrame(video)) {
      // a model still to load starts after the call's first frame, never competing with it; the check itself
      // runs at once (a 150 ms wait here cost the first verdict its budget: docs/safety.md, "Budgets")
      await firstFrame(video);
    }
    await warm();
    const next = queue.then(() => check(video));
    queue = next.catch(() => {});
    return next;
  }

  return { warm, classify, info: () => info };
}

/** Resolves once the video element has a decoded frame to read. */
export function firstFrame(video) {
  if (hasFrame(video)) return Promise.resolve();
  return new Promise(resolve => video.addEventListener('loadeddata', () => resolve(), { once: true }));
}

function hasFrame(video) { return video.readyState >= 2 && video.videoWidth > 0; }
