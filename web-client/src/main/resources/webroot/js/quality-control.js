// quality-control.js: the call-quality line. Once a call is connected it reads the call's getStats() every
// 2 s (quality-monitor.js), draws the indicator (good / fair / poor, figures on tap or hover) and, when the
// call stays poor, shows one hint naming whose connection is slow. Stops when the call ends.
import { QualityMonitor } from './quality-monitor.js';
import { describe } from './quality.js';
import { t } from './i18n.js';

/** The hint shown once per call when it stays poor (quality.js POOR_HINT_MS), by whose connection is slow: message keys. */
export const QUALITY_HINTS = Object.freeze({
  mine: 'quality.slowMine',
  theirs: 'quality.slowTheirs',
});

export function createQuality(app) {
  let current = null;
  const monitor = new QualityMonitor({
    getStats: () => (current && !current.closed && current.pc ? current.pc.getStats() : Promise.resolve(null)),
    onUpdate: (r) => {
      app.view.setQuality({ level: r.level, details: describe(r.figures), relayed: r.figures.relayed });
      if (r.hint) app.view.setHint(t(QUALITY_HINTS[r.hint]));
    },
    clock: app.clock,
    log: app.log,
  });
  app.callEvents.observe({
    /** A call connected (again, after an ICE restart: the same call keeps its reading). */
    onCallConnected(call) {
      if (call === current) return;
      current = call;
      monitor.start();
    },
    onCallEnded() {
      current = null;
      monitor.stop();
      app.view.setQuality(null);
    },
  });
  return { monitor, toggleDetails: () => app.view.toggleQualityDetails() };
}
