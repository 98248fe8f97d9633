// call-view.js: the call screen's media (DOM only): the stranger's video with its placeholder and name, and
// our self-view. A feature that covers the stranger's video (e.g. a nudity shield) puts its overlay in
// overlaySlot() and watches the streams through call-events.js.
import * as ui from './ui.js';
import { t } from './i18n.js';

/** The stranger's stream (null: none); onFirstFrame once its first frame is painted. */
export function setRemoteStream(stream, onFirstFrame = null) { ui.setRemoteStream(stream, onFirstFrame); }

/** The stranger's <video> element. */
export function remoteVideo() { return ui.$('remote-video'); }

/** The box around the stranger's video, where overlays over it go (positioned by styles.css). */
export function overlaySlot() { return ui.$('remote-video').parentElement; }

/** Our self-view (null: text only). */
export function setLocalStream(stream) { ui.setLocalStream(stream); }

/** The self-view's <video> element. */
export function localVideo() { return ui.$('local-video'); }

export function setPeerName(name) { ui.setText('peer-name', name); }

/** Text over the stranger's video (state.js placeholderText). */
export function setPlaceholder(text) { ui.setRemotePlaceholder(text); }

export const { wireUnmute } = ui;

/** The call-quality indicator: {level: 'good'|'fair'|'poor', details, relayed}, or null to hide it. */
export function setQuality(q) {
  const button = ui.$('quality');
  ui.show('quality', !!q);
  if (!q) { ui.show('quality-details', false); button.setAttribute('aria-expanded', 'false'); return; }
  button.dataset.level = q.level;
  button.dataset.path = q.relayed ? 'relayed' : 'direct';
  button.setAttribute('aria-label', t(`quality.${q.level}`, { details: q.details }));
  button.title = q.details;
  ui.setText('quality-details', q.details);
}

/** Shows or hides the indicator's figures (a tap on a phone, where there is no hover). */
export function toggleQualityDetails() {
  const button = ui.$('quality');
  const open = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  ui.show('quality-details', open);
}
