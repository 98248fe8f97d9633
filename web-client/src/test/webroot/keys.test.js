import { eq } from './harness.js';
import { appTest, goSearching, match } from './fakes.js';

const esc = () => ({ key: 'Escape', defaultPrevented: false, isComposing: false });

appTest('keys: Esc once shows the hint; a second Esc within the window does Next; later it only re-arms', async (t) => {
  await goSearching(t);
  match(t);
  t.app.keys.onKeyDown(esc());
  eq(t.view.lastCall('showEscHint')[0], true);
  t.clock.advance(500);
  t.app.keys.onKeyDown(esc());
  eq(t.socket.last('end-call').sessionId, 's1', 'Next');
  eq(t.view.lastCall('showEscHint')[0], false);
  match(t, { sessionId: 's2' });
  t.app.keys.onKeyDown(esc());
  t.clock.advance(2000);
  eq(t.view.lastCall('showEscHint')[0], false, 'the hint goes after the window');
  t.app.keys.onKeyDown(esc());
  eq(t.s.sessionId, 's2', 'not Next: armed again');
});

appTest('keys: Esc does nothing on the landing page or with the report panel open', async (t) => {
  t.app.keys.onKeyDown(esc());
  eq(t.s.escArmedAt, null);
  await goSearching(t);
  t.view.model.reportOpen = true;
  t.app.keys.onKeyDown(esc());
  eq(t.s.escArmedAt, null);
});
