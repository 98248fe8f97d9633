/*
 * The nudity shield's classifier, off the page's main thread (issue 22). A classic worker, not a
 * module worker: the vendored nsfwjs and TensorFlow.js files are UMD scripts that publish globals
 * (`tf`, `nsfwjs`, and the model as `model` / `group1_shard1of1`), which only importScripts loads.
 *
 * Protocol (postMessage):
 *   worker → page  {type: 'ready', backend, ms}            model loaded and warmed (one inference on zeros)
 *                  {type: 'failed', error}                  no backend could load or run the model
 *   page → worker  {type: 'classify', id, frame}            frame: an ImageBitmap (transferred), 224×224
 *   worker → page  {type: 'verdict', id, scores, ms}       scores: {Drawing, Hentai, Neutral, Porn, Sexy}
 *                  {type: 'error', id, error}
 * Nothing leaves the device: the frame goes page → worker → model, and the scores back to the page.
 */
/* eslint-env worker */
'use strict';

const VENDOR = '../vendor/';
const TFJS = VENDOR + 'tfjs-4.22.0/tf.es2017.min.js';
const WASM_DIR = VENDOR + 'tfjs-backend-wasm-4.22.0/';
const NSFWJS = VENDOR + 'nsfwjs-4.4.0/';
/** Backends in order of preference, measured on headless Chromium (docs/safety.md): WASM ≈ 80 ms a check. */
const BACKENDS = ['wasm', 'webgl', 'cpu'];

/** The model's input size (classifier.js sends frames this size). */
const INPUT_SIZE = 224;
/**
 * Blank checks run after loading, so the first real ones run optimised WebAssembly: with 1 the first check of
 * a call took 0.4–1.2 s against ~0.1 s for later ones (docs/safety.md, "Budgets").
 */
const WARM_CHECKS = 8;

const started = performance.now();
let net = null;

/** Loads the scripts with the second TensorFlow.js copy's "already registered" warnings hushed (nsfwjs's bundle carries its own). */
function loadScripts() {
  const warn = console.warn;
  console.warn = () => {};
  try {
    importScripts(TFJS, WASM_DIR + 'tf-backend-wasm.es2017.min.js', NSFWJS + 'nsfwjs.min.js',
      NSFWJS + 'model.min.js', NSFWJS + 'group1-shard1of1.min.js');
  } finally {
    console.warn = warn;
  }
}

async function pickBackend(tf) {
  // no SharedArrayBuffer threads (the page is not cross-origin isolated): the SIMD or plain .wasm
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.wasm.setWasmPaths(new URL(WASM_DIR, self.location.href).href);
  for (const name of BACKENDS) {
    try {
      if (await tf.setBackend(name)) { await tf.ready(); return name; }
    } catch (e) { /* next backend */ }
  }
  throw new Error('no TensorFlow.js backend could start');
}

const ready = (async () => {
  loadScripts();
  const backend = await pickBackend(self.tf);
  const info = console.info;
  console.info = () => {}; // nsfwjs announces its model on the console
  try {
    net = await self.nsfwjs.load('MobileNetV2'); // loads the model from the globals above, one inference on zeros
  } finally {
    console.info = info;
  }
  // the real checks' path (an ImageBitmap read through fromPixels and its canvas) warmed too, so the first call's
  // first verdict does not pay for setting it up
  for (let i = 0; i < WARM_CHECKS; i++) {
    const blank = await createImageBitmap(new ImageData(INPUT_SIZE, INPUT_SIZE));
    await net.classify(blank, 1);
    blank.close();
  }
  return { backend, ms: Math.round(performance.now() - started) };
})();

ready.then(r => self.postMessage({ type: 'ready', ...r }),
  e => self.postMessage({ type: 'failed', error: String(e && e.message || e) }));

async function classify(id, frame) {
  try {
    await ready;
    const t = performance.now();
    const top = await net.classify(frame, 5);
    const scores = {};
    for (const c of top) scores[c.className] = c.probability;
    self.postMessage({ type: 'verdict', id, scores, ms: Math.round(performance.now() - t) });
  } catch (e) {
    self.postMessage({ type: 'error', id, error: String(e && e.message || e) });
  } finally {
    if (frame && frame.close) frame.close();
  }
}

self.onmessage = (e) => {
  if (e.data && e.data.type === 'classify') classify(e.data.id, e.data.frame);
};
