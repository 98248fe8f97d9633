// shield-page.js: the nudity shield with the browser's real parts: the classifier worker, localStorage, the
// call screen's videos and the landing page's "Blur nudity" switch; the model is loaded once the landing
// page has been idle for WARM_AFTER_MS, before the first call. window.tandemShield (read-only) gives the
// browser tests its timings.
import { workerClassifier } from './classifier.js';
import { createShieldControl } from './shield-control.js';
import { shieldView, selfShieldView } from './shield-view.js';
import { shieldEnabled, setShieldEnabled } from './shield.js';
import { remoteVideo, localVideo, overlaySlot } from './call-view.js';
import { $ } from './ui.js';

/** localStorage, or nothing stored when the browser blocks it (the shield is then on). */
const storage = {
  getItem: (k) => { try { return localStorage.getItem(k); } catch { return null; } },
  setItem: (k, v) => { try { localStorage.setItem(k, v); } catch { /* blocked */ } },
  removeItem: (k) => { try { localStorage.removeItem(k); } catch { /* blocked */ } },
};

/** How long the landing page is left alone before the shield's model loads. */
const WARM_AFTER_MS = 2000;

const whenIdle = (fn) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 3000 }) : setTimeout(fn, 500));

export function mountShield(app) {
  const shield = createShieldControl(app, {
    classifier: workerClassifier(),
    storage,
    remoteVideo: remoteVideo(),
    localVideo: localVideo(),
    mountRemote: (callbacks) => shieldView({ video: remoteVideo(), wrap: overlaySlot(), ...callbacks }),
    mountSelf: (callbacks) => selfShieldView({ wrap: $('local-wrap'), ...callbacks }),
  });
  const toggle = $('shield-on');
  toggle.checked = shieldEnabled(storage);
  toggle.addEventListener('change', () => {
    setShieldEnabled(storage, toggle.checked);
    if (toggle.checked && app.store.state === 'landing') shield.warm();
  });
  // Loaded on the landing page once it has been idle a while (a person filling the form takes longer): the ~1 s of
  // loading never competes with a call being set up. A Start pressed sooner loads it after the call's first frame.
  setTimeout(() => whenIdle(() => { if (app.store.state === 'landing') shield.warm(); }), WARM_AFTER_MS);
  Object.defineProperty(window, 'tandemShield', { configurable: true, get: () => shield.snapshot() });
  return shield;
}
