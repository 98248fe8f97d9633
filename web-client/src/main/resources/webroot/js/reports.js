// reports.js: reporting the current or just-ended chat: the panel, the `report` frame and its answer.
import { REPORT_REASONS, describeServerError } from './state.js';
import { t } from './i18n.js';

const RESULT_SHOWN_MS = 20000;

export function createReports(app) {
  const s = app.store;

  /** The panel's Send: the reason chosen in the panel. */
  function send() { sendReason(app.view.reportReason()); }

  /** A report with this reason (the panel's, or `nudity` from the nudity shield's overlay). */
  function sendReason(reason) {
    const { view, timers } = app;
    const sessionId = s.sessionId || s.lastSessionId;
    if (!sessionId) { view.setReportResult(t('report.nothing'), true); return; }
    if (!REPORT_REASONS.includes(reason)) { view.setReportResult(t('report.chooseReason'), true); return; }
    if (!s.sig || !s.sig.send('report', { sessionId, reason })) {
      view.setReportResult(t('report.offline'), true);
      return;
    }
    s.reportPending = sessionId;
    view.openReportPanel(false);
    view.focus('report');
    view.setReportResult(t('report.sending'));
    timers.clear('reportClear');
    timers.set('reportAck', app.config.reportAckTimeoutMs, () => {
      s.reportPending = null;
      view.setReportResult(t('report.noAnswer'), true);
    });
  }

  function onReported(d) {
    app.timers.clear('reportAck');
    const current = d.sessionId && d.sessionId === s.sessionId;
    s.reportPending = null;
    app.view.setReportResult(t(current ? 'report.thanksNext' : 'report.thanks'));
    app.timers.set('reportClear', RESULT_SHOWN_MS, () => app.view.setReportResult(''));
  }

  /** The report was refused; → true if the error was the report's. */
  function onError(d) {
    if (d.ref !== 'report') return false;
    app.timers.clear('reportAck');
    s.reportPending = null;
    app.view.setReportResult(t('report.failed', { reason: describeServerError(d) }), true);
    return true;
  }

  /** The Report button opens or closes the panel; Cancel and Esc close it and give the focus back. */
  function togglePanel() { app.view.openReportPanel(!app.view.reportPanelOpen()); }

  function closePanel() {
    app.view.openReportPanel(false);
    app.view.focus('report');
  }

  return { send, sendReason, onReported, onError, togglePanel, closePanel };
}
