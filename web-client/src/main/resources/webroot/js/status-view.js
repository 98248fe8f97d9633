// status-view.js: the status line, the controls and the banners, drawn from the store's state (DOM only).
import * as ui from './ui.js';
import { t } from './i18n.js';

/** The view for a state: landing or call screen, status line and hint; a new state scrolls to the top. */
export function renderStatus(next, prev, text, hint) {
  ui.setView(next === 'landing' ? 'landing' : 'call');
  ui.setStatus(next, text, hint);
  if (next !== prev) ui.scrollToTop();
}

/** The status line's second line as shown. */
export function hint() { return ui.$('status-hint').textContent; }

/** Which buttons work (state.js controlsFor). */
export function renderControls(c) {
  ui.$('next').disabled = !c.next;
  ui.$('stop').disabled = !c.stop;
  ui.$('report').disabled = !c.report;
  ui.show('restart', c.restart);
}

const liveTrack = (stream, kind) => (stream ? stream.getTracks().find((t) => t.kind === kind && t.readyState === 'live') : null);

/** Our camera is live but turned off. */
export function cameraOff(stream) {
  const v = liveTrack(stream, 'video');
  return !!v && !v.enabled;
}

/** The mute and camera toggles from our stream's live tracks. */
export function renderToggles(stream) {
  const a = liveTrack(stream, 'audio');
  const v = liveTrack(stream, 'video');
  const micOff = !!a && !a.enabled;
  const camOff = !!v && !v.enabled;
  ui.setToggle('mute-mic', {
    pressed: micOff, disabled: !a, label: t(micOff ? 'controls.unmute' : 'controls.mute'),
    ariaLabel: t(a ? 'controls.muteAria' : 'controls.micUnavailable'),
  });
  ui.setToggle('mute-cam', {
    pressed: camOff, disabled: !v, label: t(camOff ? 'controls.cameraOn' : 'controls.cameraOff'),
    ariaLabel: t(v ? 'controls.cameraOffAria' : 'controls.cameraUnavailable'),
  });
  ui.$('local-wrap').classList.toggle('cam-off', camOff);
}

/** Our reconnect banner (state.js reconnectBanner) or, with null, none. */
export function renderReconnect(b) {
  ui.show('reconnect-banner', !!b);
  if (!b) return;
  ui.setText('reconnect-text', b.text);
  ui.setText('reconnect-count', b.count);
  ui.show('retry-now', b.retry);
}

/** The stranger's grace countdown (state.js peerAwayNotice) or, with null, none. */
export function renderPeerAway(n) {
  ui.show('peer-away', !!n);
  if (!n) return;
  ui.setText('peer-away-text', n.text);
  ui.setText('peer-away-count', n.count);
}

/** The Esc hint ("Press Esc again for Next"). */
export function showEscHint(visible) { ui.show('esc-hint', visible); }

export const { setHint, setStats } = ui;
