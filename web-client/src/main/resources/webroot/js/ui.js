// ui.js: small DOM helpers: element lookup, views, status line, videos, buttons.
import { t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

export function show(el, visible = true) {
  const node = typeof el === 'string' ? $(el) : el;
  if (node) node.hidden = !visible;
}

/** Sets an element's text; unchanged text is left alone (a live region does not announce it again). */
export function setText(id, text) {
  const node = $(id);
  const value = text == null ? '' : String(text);
  if (node && node.textContent !== value) node.textContent = value;
}

/** Show the landing form or the call screen. */
export function setView(view) {
  show('landing', view === 'landing');
  show('call', view !== 'landing');
  document.body.dataset.view = view; // styles.css: on phones the call screen is one screen tall
}

/** Back to the top, so a new state's status line (or the landing's Start) is on screen. */
export function scrollToTop() {
  window.scrollTo(0, 0);
  const call = $('call');
  if (call) call.scrollTop = 0;
}

/** The always-visible status line: text + data-state, plus a secondary hint. */
export function setStatus(state, text, hint = '') {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = text;
  setText('status-hint', hint);
  document.title = state === 'landing' ? t('app.title') : `${text} · Tandem`;
}

export function setHint(hint) { setText('status-hint', hint); }

/** The presence line ("12 online · 3 waiting") on the call screen or, with id 'landing-stats', the landing. */
export function setStats(text, id = 'stats') { setText(id, text); }

export function setRemotePlaceholder(text) { setText('remote-placeholder', text); }

export function setLocalStream(stream) {
  const video = $('local-video');
  video.muted = true;
  video.srcObject = stream || null;
  const hasVideo = !!stream && stream.getVideoTracks().length > 0;
  $('local-wrap').classList.toggle('no-camera', !hasVideo);
  $('local-wrap').querySelector('.local-off').textContent = stream ? t('call.cameraOff') : t('call.textOnly');
  if (stream) video.play().catch(() => { /* autoplay of a muted element; nothing to do */ });
}

/**
 * Play the stranger's stream with sound. If the browser refuses unmuted autoplay, play muted and
 * show the "Tap to unmute" button.
 */
export function setRemoteStream(stream, onFirstFrame = null) {
  const video = $('remote-video');
  const unmute = $('unmute');
  if (!stream) {
    video.srcObject = null;
    show(unmute, false);
    return;
  }
  if (video.srcObject === stream) return;
  video.srcObject = stream;
  if (onFirstFrame) {
    // the first decoded frame painted for this stream
    const once = () => { if (video.srcObject === stream) onFirstFrame(); };
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(once);
    else video.addEventListener('loadeddata', once, { once: true });
  }
  video.muted = false;
  video.play().then(() => show(unmute, false)).catch((err) => {
    if (video.srcObject !== stream) return;           // replaced meanwhile
    if (err && err.name === 'NotAllowedError') {
      video.muted = true;
      show(unmute, true);
      video.play().catch(() => { /* will play once tapped */ });
    }
    // AbortError: a newer load interrupted this one; nothing to do.
  });
}

export function wireUnmute() {
  $('unmute').addEventListener('click', () => {
    const video = $('remote-video');
    video.muted = false;
    video.play().then(() => show('unmute', false)).catch(() => { /* still blocked; keep the button */ });
  });
}

/** A toggle button's pressed state, label and enabled flag. */
export function setToggle(id, { pressed, disabled, label, ariaLabel }) {
  const btn = $(id);
  btn.setAttribute('aria-pressed', pressed ? 'true' : 'false');
  btn.disabled = !!disabled;
  if (label) btn.querySelector('.lbl').textContent = label;
  if (ariaLabel) btn.setAttribute('aria-label', ariaLabel);
}

export function setLandingError(text, { retry = false } = {}) {
  setText('landing-error', text);
  show('landing-retry', !!retry);
}

export function setBusy(btn, busy, busyText) {
  const el = typeof btn === 'string' ? $(btn) : btn;
  el.disabled = !!busy;
  el.textContent = busy && busyText ? busyText : t(el.dataset.i18n);
  el.setAttribute('aria-busy', busy ? 'true' : 'false');
}

export function setReportResult(text, isError = false) {
  const el = $('report-result');
  el.textContent = text || '';
  el.classList.toggle('is-error', !!isError);
}

export function openReportPanel(open) {
  show('report-panel', open);
  $('report').setAttribute('aria-expanded', open ? 'true' : 'false');
  if (open) $('report-reason').focus();
}

export function showMediaError(info) {
  setText('media-error-title', info.title);
  setText('media-error-text', info.text);
  setText('media-error-help', info.help);
  show('media-error', true);
  show('media-hint', false);
}

/**
 * The landing's camera preview (preview.js): `state` 'off' | 'opening' | 'on', its stream, and whether it is
 * offered at all (not with text only). The button turns it on or off.
 */
export function setPreview({ state, stream, offered }) {
  const box = $('preview');
  const video = $('preview-video');
  const button = $('preview-toggle');
  box.hidden = !offered;
  box.dataset.state = state;
  const on = state === 'on' && !!stream;
  if (video.srcObject !== (on ? stream : null)) {
    video.muted = true;
    video.srcObject = on ? stream : null;
    if (on) video.play().catch(() => { /* autoplay of a muted element; nothing to do */ });
  }
  button.disabled = state === 'opening';
  setText('preview-toggle', t(on ? 'preview.hide' : state === 'opening' ? 'preview.opening' : 'preview.show'));
}
