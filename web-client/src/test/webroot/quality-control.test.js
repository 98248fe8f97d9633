import { t as text } from '../js/i18n.js';
import { eq, ok, deepEq } from './harness.js';
import { appTest, goSearching, match } from './fakes.js';
import { QUALITY_HINTS } from '../js/quality-control.js';
import { QUALITY_INTERVAL_MS, POOR_HINT_MS } from '../js/quality.js';

/** A getStats() report of a direct call whose received video runs at `fps`. */
function stats(fps) {
  return new Map([
    ['T', { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }],
    ['P', { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: 0.02 }],
    ['L', { id: 'L', type: 'local-candidate', candidateType: 'host' }],
    ['R', { id: 'R', type: 'remote-candidate', candidateType: 'srflx' }],
    ['V', { id: 'V', type: 'inbound-rtp', kind: 'video', packetsLost: 0, packetsReceived: 100, framesPerSecond: fps, frameWidth: 640, frameHeight: 480 }],
  ]);
}

/** Lets the monitor's getStats promise and its reschedule settle. */
const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

appTest('quality: the indicator appears once the call connects, reads every interval, and hides when the call ends', async (t) => {
  await goSearching(t);
  match(t, { role: 'caller', connect: false });
  let fps = 24;
  t.call.pc = { getStats: async () => stats(fps) };
  t.clock.advance(QUALITY_INTERVAL_MS);
  await settle();
  eq(t.view.lastCall('setQuality'), undefined, 'nothing before the call connects');
  t.call.emit('connected');
  t.clock.advance(QUALITY_INTERVAL_MS);
  await settle();
  const [q] = t.view.lastCall('setQuality');
  eq(q.level, 'good');
  eq(q.relayed, false);
  ok(q.details.includes('direct') && q.details.includes('640×480'), q.details);
  fps = 3;
  for (let i = 0; i < POOR_HINT_MS / QUALITY_INTERVAL_MS + 2; i++) { t.clock.advance(QUALITY_INTERVAL_MS); await settle(); }
  eq(t.view.lastCall('setQuality')[0].level, 'poor');
  eq(t.view.calls.filter(([n, h]) => n === 'setHint' && h === text(QUALITY_HINTS.theirs)).length, 1, 'one hint per call');
  t.call.emit('connected'); // again after an ICE restart: the same call keeps its reading (and its one hint)
  t.app.session.endCurrent();
  deepEq(t.view.lastCall('setQuality'), [null]);
  const before = t.view.calls.length;
  t.clock.advance(3 * QUALITY_INTERVAL_MS);
  await settle();
  eq(t.view.calls.filter(([n]) => n === 'setQuality').length, t.view.calls.slice(0, before).filter(([n]) => n === 'setQuality').length,
    'no reading after the call ended');
});
