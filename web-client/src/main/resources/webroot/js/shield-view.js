import { t } from './i18n.js';
/**
 * The shield's DOM (issue 22): the blur (a CSS class with a filter on the <video> itself, never a
 * second stream), the overlay over the stranger's video and the message over the self-view. It renders
 * what shield.js decides and hands button presses to the callbacks it is given.
 */

/** Message keys of the overlay's texts. */
const TEXT = {
  unsafe: 'shield.unsafe',
  unavailable: 'shield.unavailable',
  checking: 'shield.checking',
  paused: 'shield.paused',
};

function el(doc, tag, cls, text) {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

function button(doc, id, label, cls, onClick) {
  const b = el(doc, 'button', `btn btn-small ${cls}`, label);
  b.type = 'button';
  b.id = id;
  b.addEventListener('click', () => onClick());
  return b;
}

/** The stranger's side: mounts its overlay in `wrap` (the video's container) and returns {render}. */
export function shieldView({ doc = document, video, wrap, onNext, onReport, onShowAnyway }) {
  const box = el(doc, 'div', 'shield-overlay');
  box.id = 'shield-overlay';
  box.setAttribute('role', 'alert');
  box.hidden = true;
  const text = el(doc, 'p', 'shield-text');
  text.id = 'shield-text';
  const row = el(doc, 'div', 'row');
  const next = button(doc, 'shield-next', t('controls.next'), 'btn-primary', onNext);
  const report = button(doc, 'shield-report', t('controls.report'), 'btn-danger', onReport);
  const show = button(doc, 'shield-show', t('shield.showAnyway'), '', onShowAnyway);
  row.append(next, report, show);
  box.append(text, row);
  const checking = el(doc, 'span', 'shield-checking', t(TEXT.checking));
  checking.id = 'shield-checking';
  checking.hidden = true;
  wrap.append(box, checking);

  return {
    render({ state, blurred, overlay }) {
      video.classList.toggle('shield-blur', blurred);
      video.dataset.shield = state;
      box.hidden = !overlay;
      checking.hidden = state !== 'checking';
      if (overlay) {
        text.textContent = t(TEXT[overlay]);
        report.hidden = overlay !== 'unsafe';
      }
    },
    /** Disables Report once it was sent (or when there is no one to report). */
    setReportEnabled(on) { report.disabled = !on; },
  };
}

/** The self-view's side: the paused message with its Resume button, in `wrap`. */
export function selfShieldView({ doc = document, wrap, onResume }) {
  const box = el(doc, 'div', 'shield-self');
  box.id = 'shield-self';
  box.setAttribute('role', 'alert');
  box.hidden = true;
  box.append(el(doc, 'p', 'shield-text', t(TEXT.paused)), button(doc, 'shield-resume', t('shield.resume'), 'btn-primary', onResume));
  wrap.append(box);
  return {
    render({ state }) {
      box.hidden = state !== 'paused';
      wrap.dataset.shield = state;
    },
  };
}
