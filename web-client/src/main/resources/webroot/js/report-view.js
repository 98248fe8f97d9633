// report-view.js: the report panel (DOM only).
import * as ui from './ui.js';

export function reportPanelOpen() { return !ui.$('report-panel').hidden; }

export function reportReason() { return ui.$('report-reason').value; }

export const { setReportResult, openReportPanel } = ui;
