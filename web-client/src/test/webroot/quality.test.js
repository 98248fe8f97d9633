import { test, eq, deepEq, ok } from './harness.js';
import { sample, classify, QualityTracker, describe, POOR_HINT_MS, QUALITY_INTERVAL_MS } from '../js/quality.js';
import { QualityMonitor } from '../js/quality-monitor.js';

/**
 * A getStats() report as Chromium writes it (the fields quality.js reads, with Chromium's names), as a Map
 * by id. `rtt` in seconds; cumulative packet counts; `fractionLost` as the stranger's receiver reports it.
 */
function report({ rtt = 0.012, local = 'host', remote = 'host', vLost = 0, vRecv = 1000, aLost = 0, aRecv = 500,
  fps = 24, width = 640, height = 480, fractionLost = 0, viaTransport = true } = {}) {
  const stats = [
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded', nominated: true, currentRoundTripTime: rtt },
    { id: 'CP0', type: 'candidate-pair', localCandidateId: 'L0', remoteCandidateId: 'R1', state: 'failed', nominated: false },
    { id: 'L1', type: 'local-candidate', candidateType: local },
    { id: 'L0', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R1', type: 'remote-candidate', candidateType: remote },
    { id: 'IV', type: 'inbound-rtp', kind: 'video', packetsLost: vLost, packetsReceived: vRecv, framesPerSecond: fps, frameWidth: width, frameHeight: height },
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsLost: aLost, packetsReceived: aRecv },
    { id: 'RV', type: 'remote-inbound-rtp', kind: 'video', fractionLost, roundTripTime: rtt },
  ];
  if (viaTransport) stats.push({ id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' });
  return new Map(stats.map((s) => [s.id, s]));
}

test('quality: a loopback call (recorded shape) is good and direct', () => {
  const f = sample(report(), null);
  deepEq(f, { rttMs: 12, inLossPct: 0, outLossPct: 0, fps: 24, width: 640, height: 480, relayed: false });
  deepEq(classify(f), { level: 'good', side: null });
  eq(describe(f), 'Round trip 12 ms · loss 0.0% · 640×480 at 24 fps · direct');
});

test('quality: a relay candidate on either side of the selected pair means relayed; the failed relay pair is ignored', () => {
  eq(sample(report({ local: 'relay' })).relayed, true);
  eq(sample(report({ remote: 'relay' })).relayed, true);
  eq(sample(report({ viaTransport: false })).relayed, false, 'the nominated pair when no transport names one');
  eq(sample(new Map()).relayed, null, 'no pair yet: unknown');
});

test('quality: loss is counted over the interval, not since the call began', () => {
  const before = report({ vLost: 100, vRecv: 900 });
  const after = report({ vLost: 100, vRecv: 1900, aLost: 0, aRecv: 1000 });
  eq(sample(after, before).inLossPct, 0, 'no new loss in this interval');
  const lossy = report({ vLost: 200, vRecv: 1800, aRecv: 1000 });
  const pct = sample(lossy, before).inLossPct;
  ok(pct > 6.6 && pct < 6.7, `100 lost, 900 video + 500 audio received in the interval: ${pct}`);
});

test('quality: each figure sets the level; the worst one wins', () => {
  eq(classify(sample(report({ rtt: 0.45 }))).level, 'fair', 'a 450 ms round trip');
  eq(classify(sample(report({ rtt: 0.9 }))).level, 'poor', 'a 900 ms round trip');
  eq(classify(sample(report({ fps: 10 }))).level, 'fair', '10 fps');
  eq(classify(sample(report({ fps: 4 }))).level, 'poor', '4 fps');
  eq(classify(sample(report({ fractionLost: 0.05 }))).level, 'fair', '5% of what we send lost');
  eq(classify(sample(report({ rtt: 0.45, fractionLost: 0.2 }))).level, 'poor');
});

test('quality: whose connection is slow', () => {
  deepEq(classify(sample(report({ fractionLost: 0.2 }))), { level: 'poor', side: 'mine' }, 'our sending is lost');
  deepEq(classify(sample(report({ fps: 3 }))), { level: 'poor', side: 'theirs' }, 'their video reaches us slowly');
  deepEq(classify(sample(report({ rtt: 1.2 }))), { level: 'poor', side: 'both' }, 'the round trip is the path\'s');
});

test('quality: the hint comes once per call, after POOR_HINT_MS of poor; a good sample restarts the count', () => {
  const t = new QualityTracker();
  const poor = sample(report({ fps: 3 }));
  const good = sample(report());
  let at = 0;
  const step = () => { at += QUALITY_INTERVAL_MS; return at; };
  eq(t.add(poor, step()).hint, null);
  eq(t.add(poor, step()).hint, null);
  eq(t.add(good, step()).hint, null, 'recovered');
  const hints = [];
  for (let i = 0; i < 10; i++) hints.push(t.add(poor, step()).hint);
  deepEq(hints.filter(Boolean), ['theirs'], 'one hint');
  eq(hints.indexOf('theirs'), POOR_HINT_MS / QUALITY_INTERVAL_MS, 'after POOR_HINT_MS of poor');
  const mine = new QualityTracker();
  let last = null;
  for (let i = 0; i <= POOR_HINT_MS / QUALITY_INTERVAL_MS; i++) last = mine.add(sample(report({ rtt: 1.5 })), i * QUALITY_INTERVAL_MS);
  eq(last.hint, 'mine', 'a slow path: the person is told what they can do');
});

/** A clock whose timers run when the test says (one pending timer at a time is all the monitor uses). */
function manualClock() {
  return {
    t: 0, pending: null,
    setTimeout(fn, ms) { this.pending = { fn, ms }; return this.pending; },
    clearTimeout(id) { if (this.pending === id) this.pending = null; },
    now() { return this.t; },
    async tick() { const p = this.pending; this.pending = null; this.t += p.ms; await p.fn(); await Promise.resolve(); },
  };
}

test('quality monitor: reads on the clock, hands each interval to the view, stops cleanly, restarts per call', async () => {
  const clock = manualClock();
  const updates = [];
  let n = 0;
  const reports = [report({ vLost: 0, vRecv: 100 }), report({ vLost: 50, vRecv: 150 })];
  const m = new QualityMonitor({ getStats: async () => reports[Math.min(n++, 1)], onUpdate: (u) => updates.push(u), clock });
  m.start();
  eq(clock.pending.ms, QUALITY_INTERVAL_MS);
  await clock.tick();
  ok(clock.pending, 'the next reading is planned');
  await clock.tick();
  eq(updates.length, 2);
  eq(updates[0].level, 'good');
  ok(updates[1].figures.inLossPct > 40, 'the second interval lost 50 of 100 video packets');
  const planned = clock.pending;
  m.stop();
  ok(clock.pending === null && !m.running, 'stop clears the planned reading');
  await planned.fn();
  eq(updates.length, 2, 'a reading already on its way when stopped is dropped');
  m.start();
  ok(m.running && clock.pending, 'a new call: reading again');
});

test('quality monitor: a failing or missing getStats is logged and skipped, and reading goes on', async () => {
  const clock = manualClock();
  const logs = [];
  const updates = [];
  let first = true;
  const m = new QualityMonitor({
    getStats: async () => { if (first) { first = false; throw new Error('closed'); } return null; },
    onUpdate: (u) => updates.push(u), clock, log: (t) => logs.push(t),
  });
  m.start();
  await clock.tick();
  await clock.tick();
  deepEq(logs, ['getStats failed']);
  eq(updates.length, 0);
  ok(m.running && clock.pending, 'still reading');
});
