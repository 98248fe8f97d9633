// screen.js: moves the store to a new state and redraws what depends on it (status line, controls, banners,
// the stranger's placeholder, our toggles), with the effects of entering a state (the landing's online
// count and token prefetch; the "still looking" hint while searching).
import { statusText, defaultHint, controlsFor, placeholderText } from './state.js';
import { t } from './i18n.js';


export function createScreen(app) {
  const s = app.store;

  /** The one place the page changes state (store.transition); text/hint override the state's own. */
  function go(next, { text, hint } = {}) {
    const { view, timers } = app;
    app.session.cancelPendingScreen(); // another state came first
    const prev = s.transition(next);
    view.renderStatus(next, prev, text || statusText(next), hint ?? defaultHint(next, { peerName: s.peerName, shared: s.shared }));
    if (next === 'landing' && prev !== 'landing') { app.landing.refreshStats(); app.landing.prefetchToken(); }
    // presence counts describe the search: hide them once a call starts
    if (next !== 'searching') view.setStats('');
    app.resume.renderBanners();
    if (next === 'searching' && prev !== 'searching') {
      timers.set('searchHint', app.config.searchingHintMs, () => { if (s.state === 'searching') view.setHint(t('queue.stillLooking')); });
    } else if (next !== 'searching') {
      timers.clear('searchHint');
    }
    applyControls();
    updatePlaceholder();
  }

  function applyControls() {
    const c = controlsFor(s.state, { inSession: !!s.sessionId, canReport: !!(s.sessionId || s.lastSessionId) });
    app.view.renderControls(c);
    if (!c.report) app.view.openReportPanel(false);
    app.chat.setEnabled(c.chat);
    updateToggles();
  }

  function updatePlaceholder() {
    app.view.setPlaceholder(placeholderText(s.state, {
      peerName: s.peerName,
      hasRemoteVideo: !!s.remoteStream && s.remoteStream.getVideoTracks().length > 0,
      peerCameraOff: s.peerCameraOff,
      resuming: !!s.resume,
    }));
  }

  function updateToggles() { app.view.renderToggles(s.localStream); }

  return { go, applyControls, updatePlaceholder, updateToggles };
}
