// quality.js: the call-quality line, pure logic. From two getStats() reports taken QUALITY_INTERVAL_MS apart:
// round-trip time, packet loss each way, the stranger's video as received (resolution, frame rate) and whether
// the path is direct or relayed (TURN); a level (good / fair / poor) and, when it stays poor, one hint naming
// whose connection is slow. No DOM, no timers: quality-monitor.js polls, call-view.js draws.
import { t, formatPercent } from './i18n.js';

/** How often the monitor reads getStats() (ms). */
export const QUALITY_INTERVAL_MS = 2000;
/** Poor this long (ms) before the one hint of the call is shown. */
export const POOR_HINT_MS = 6000;

/**
 * Bounds of each level (a sample is as bad as its worst figure). Good: a conversation feels live (ITU-T
 * G.114 puts one-way delay under ~150 ms, so a round trip under 300 ms), loss under 2%, video at 15 fps or
 * more. Poor: round trip over 600 ms, loss over 8%, or video under 8 fps — speech overlaps and video stutters.
 */
export const LIMITS = Object.freeze({
  good: { rttMs: 300, lossPct: 2, fps: 15 },
  fair: { rttMs: 600, lossPct: 8, fps: 8 },
});

const LEVELS = ['good', 'fair', 'poor'];

/** The stats of one kind in a report (an RTCStatsReport, a Map, or an array of stats objects). */
function all(report, type) {
  const values = report && typeof report.values === 'function' ? [...report.values()] : [...(report || [])];
  return values.filter((s) => s && s.type === type);
}

function byId(report, id) {
  if (!id || !report) return null;
  if (typeof report.get === 'function') return report.get(id) || null;
  return [...report].find((s) => s && s.id === id) || null;
}

/** The candidate pair in use: the transport's selected pair, else the nominated succeeded one. */
function selectedPair(report) {
  const transport = all(report, 'transport').find((t) => t.selectedCandidatePairId);
  if (transport) return byId(report, transport.selectedCandidatePairId);
  return all(report, 'candidate-pair').find((p) => p.nominated && p.state === 'succeeded') || null;
}

/** Loss in percent between two cumulative (lost, received) counts; null without packets in between. */
function lossPct(lost, received, prevLost = 0, prevReceived = 0) {
  const dl = Math.max(0, (lost || 0) - prevLost);
  const dr = Math.max(0, (received || 0) - prevReceived);
  return dl + dr > 0 ? (100 * dl) / (dl + dr) : null;
}

/**
 * The figures of one interval from the current report and the previous one (null for the first):
 * {rttMs, inLossPct, outLossPct, fps, width, height, relayed}; a figure the report lacks is null.
 */
export function sample(report, previous = null) {
  const pair = selectedPair(report);
  const local = pair && byId(report, pair.localCandidateId);
  const remote = pair && byId(report, pair.remoteCandidateId);
  const relayed = pair ? [local, remote].some((c) => c && c.candidateType === 'relay') : null;
  const rtt = pair && typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null;
  const prevIn = (kind) => previous && all(previous, 'inbound-rtp').find((s) => s.kind === kind);
  let inLost = 0; let inRecv = 0; let prevLost = 0; let prevRecv = 0; let video = null;
  for (const s of all(report, 'inbound-rtp')) {
    inLost += s.packetsLost || 0;
    inRecv += s.packetsReceived || 0;
    const p = prevIn(s.kind);
    if (p) { prevLost += p.packetsLost || 0; prevRecv += p.packetsReceived || 0; }
    if (s.kind === 'video') video = s;
  }
  let outLoss = null;
  for (const s of all(report, 'remote-inbound-rtp')) {
    if (typeof s.fractionLost === 'number') outLoss = Math.max(outLoss ?? 0, 100 * s.fractionLost);
  }
  return {
    rttMs: rtt === null ? null : Math.round(rtt),
    inLossPct: previous ? lossPct(inLost, inRecv, prevLost, prevRecv) : lossPct(inLost, inRecv),
    outLossPct: outLoss,
    fps: video && typeof video.framesPerSecond === 'number' ? video.framesPerSecond : null,
    width: video && video.frameWidth ? video.frameWidth : null,
    height: video && video.frameHeight ? video.frameHeight : null,
    relayed,
  };
}

/** The level a single figure puts a sample at ('good', 'fair' or 'poor'); null figures count as good. */
function levelOf(value, key, higherIsBetter = false) {
  if (value === null || value === undefined) return 'good';
  const ok = (limit) => (higherIsBetter ? value >= limit : value <= limit);
  if (ok(LIMITS.good[key])) return 'good';
  if (ok(LIMITS.fair[key])) return 'fair';
  return 'poor';
}

const worst = (...levels) => LEVELS[Math.max(...levels.map((l) => LEVELS.indexOf(l)))];

/**
 * {level, side}: the sample's level (its worst figure) and, when not good, whose connection it points at:
 * 'mine' when what we send is lost (the stranger's receiver reports it), 'theirs' when what we receive is
 * lost or slow while our sending is fine, 'both' for the round trip alone (it is the path's).
 */
export function classify(s) {
  const rtt = levelOf(s.rttMs, 'rttMs');
  const inbound = worst(levelOf(s.inLossPct, 'lossPct'), levelOf(s.fps, 'fps', true));
  const outbound = levelOf(s.outLossPct, 'lossPct');
  const level = worst(rtt, inbound, outbound);
  let side = null;
  if (level !== 'good') {
    if (outbound === level) side = 'mine';
    else if (inbound === level) side = 'theirs';
    else side = 'both';
  }
  return { level, side };
}

/**
 * Follows one call's samples: add(sample, atMs) → {level, side, figures, hint} where hint is 'mine' or
 * 'theirs' once per call, when the level has been poor for POOR_HINT_MS ('both' counts as 'mine': the
 * person can act on their own connection, e.g. with text only).
 */
export class QualityTracker {
  constructor() {
    this.poorSince = null;
    this.hinted = false;
  }

  add(figures, atMs) {
    const { level, side } = classify(figures);
    let hint = null;
    if (level !== 'poor') {
      this.poorSince = null;
    } else {
      if (this.poorSince === null) this.poorSince = atMs;
      if (!this.hinted && atMs - this.poorSince >= POOR_HINT_MS) {
        this.hinted = true;
        hint = side === 'theirs' ? 'theirs' : 'mine';
      }
    }
    return { level, side, figures, hint };
  }
}

/** One line of figures for the indicator's details, e.g. "Round trip 42 ms · loss 0% · 640×480 at 24 fps · direct". */
export function describe(f) {
  const parts = [];
  if (f.rttMs !== null) parts.push(t('quality.rtt', { ms: f.rttMs }));
  const loss = Math.max(f.inLossPct ?? 0, f.outLossPct ?? 0);
  if (f.inLossPct !== null || f.outLossPct !== null) {
    parts.push(t('quality.loss', { pct: loss < 10 ? formatPercent(loss, 1) : formatPercent(Math.round(loss), 0) }));
  }
  const fps = f.fps !== null ? Math.round(f.fps) : null;
  if (f.width && f.height) parts.push(fps !== null ? t('quality.videoFps', { w: String(f.width), h: String(f.height), fps }) : t('quality.video', { w: String(f.width), h: String(f.height) }));
  else if (fps !== null) parts.push(t('quality.fps', { fps }));
  if (f.relayed !== null) parts.push(f.relayed ? t('quality.relayed') : t('quality.direct'));
  return parts.join(' · ');
}
