// keys.js: the keyboard: Esc once shows "Press Esc again for Next"; a second Esc within ESC_WINDOW_MS does Next.
import { escapeAction, ESC_WINDOW_MS, ONLINE_STATES } from './state.js';

export function createKeys(app) {
  const s = app.store;

  function onKeyDown(e) {
    if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return;
    if (app.view.reportPanelOpen() || !ONLINE_STATES.includes(s.state)) return;
    const now = app.clock.now();
    if (escapeAction(s.escArmedAt, now) === 'next') {
      disarm();
      app.queue.next();
      return;
    }
    s.escArmedAt = now;
    app.view.showEscHint(true);
    app.timers.set('escHint', ESC_WINDOW_MS, disarm);
  }

  function disarm() {
    s.escArmedAt = null;
    app.timers.clear('escHint');
    app.view.showEscHint(false);
  }

  return { onKeyDown, disarm };
}
