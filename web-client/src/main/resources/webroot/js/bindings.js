// bindings.js: the page's DOM events, each handed to the controller that owns it (app.js passes them in).
import { $ } from './ui.js';
import { underageMessage } from './state.js';

export function bindPage(c) {
  const startFromForm = () => c.landing.start({ textOnly: $('text-only-start').checked });
  const on = (id, type, fn) => $(id).addEventListener(type, fn);
  on('landing-form', 'submit', (e) => { e.preventDefault(); startFromForm(); });
  on('landing-form', 'input', c.landing.prefetchToken);
  on('landing-form', 'input', () => c.preview.touch()); // the preview's idle limit restarts
  on('preview-toggle', 'click', c.previewControl.toggle);
  on('text-only-start', 'change', c.previewControl.onTextOnlyChange);
  on('landing-retry', 'click', startFromForm);
  on('media-retry', 'click', c.media.retry);
  on('text-only', 'click', c.media.continueTextOnly);
  on('media-hint-text-only', 'click', c.media.continueTextOnly);
  on('mute-mic', 'click', () => c.media.toggleTrack('audio'));
  on('mute-cam', 'click', () => c.media.toggleTrack('video'));
  on('next', 'click', c.queue.next);
  on('stop', 'click', c.connection.stop);
  on('restart', 'click', c.connection.restart);
  on('report', 'click', c.reports.togglePanel);
  on('report-cancel', 'click', c.reports.closePanel);
  on('report-send', 'click', c.reports.send);
  on('retry-now', 'click', c.resume.retryNow);
  on('quality', 'click', c.quality.toggleDetails);
  on('report-panel', 'keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); c.reports.closePanel(); } });
  on('age', 'input', () => c.landing.onAgeInput(underageMessage()));
  document.addEventListener('visibilitychange', c.previewControl.onVisibility);
  document.addEventListener('keydown', c.keys.onKeyDown);
  window.addEventListener('pagehide', c.connection.onPageHide);
  window.addEventListener('pageshow', (e) => {
    if (!e.persisted) return;
    if (c.store.state !== 'landing') location.reload();
    else c.previewControl.auto(); // back from the back/forward cache: pagehide closed the preview
  });
  window.addEventListener('unhandledrejection', (e) => { c.log('unhandled rejection', e.reason); e.preventDefault(); });
}

/** window.tandem: what the browser tests read (read-only). */
export function exposeForTests(s, timeline) {
  Object.defineProperty(window, 'tandem', {
    configurable: true,
    value: Object.freeze({
      get state() { return s.state; },
      get sessionId() { return s.sessionId; },
      get role() { return s.role; },
      get peerId() { return s.peerId; },
      get peerName() { return s.peerName; },
      get timeline() { return timeline.snapshot(); },
      get resuming() { return !!s.resume; },
      get resumes() { return s.resumes.map((r) => ({ ...r, retries: r.retries.map((t) => ({ ...t })) })); },
    }),
  });
}
