import { eq, deepEq } from './harness.js';
import { appTest, goSearching, match } from './fakes.js';

appTest('reports: nothing to report yet; a reason is needed; sent and thanked', async (t) => {
  await goSearching(t);
  t.app.reports.send();
  deepEq(t.view.lastCall('setReportResult'), ['There is no chat to report yet.', true]);
  match(t);
  t.app.reports.send();
  deepEq(t.view.lastCall('setReportResult'), ['Please choose a reason.', true]);
  t.view.model.reason = 'spam';
  t.app.reports.send();
  deepEq(t.socket.last('report'), { sessionId: 's1', reason: 'spam' });
  deepEq(t.view.lastCall('focus'), ['report']);
  t.socket.frame('reported', { sessionId: 's1' });
  deepEq(t.view.lastCall('setReportResult'), ['Thanks, we received your report. You can press Next to leave this chat.']);
  t.clock.advance(20000);
  deepEq(t.view.lastCall('setReportResult'), ['']);
});

appTest('reports: no answer within reportAckTimeoutMs, or a refusal, says so', async (t) => {
  await goSearching(t);
  match(t);
  t.view.model.reason = 'nudity';
  t.app.reports.send();
  t.clock.advance(10000);
  deepEq(t.view.lastCall('setReportResult'), ['No answer from Tandem about your report. Please try again.', true]);
  t.app.reports.send();
  t.socket.frame('error', { code: 'rate-limited', ref: 'report' });
  eq(t.view.lastCall('setReportResult')[1], true);
  eq(t.s.reportPending, null);
});
