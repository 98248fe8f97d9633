// quality-monitor.js: reads one call's getStats() every QUALITY_INTERVAL_MS while it is connected and hands
// each {level, side, figures, hint} to onUpdate. The clock ({setTimeout, clearTimeout, now}: timers.js
// realClock or a test's fake) and the stats source are injected.
import { QUALITY_INTERVAL_MS, QualityTracker, sample } from './quality.js';

export class QualityMonitor {
  /** getStats() → Promise<RTCStatsReport> (or null: nothing to read now); onUpdate(result); log(text, err). */
  constructor({ getStats, onUpdate, clock, log = () => {} }) {
    Object.assign(this, { getStats, onUpdate, clock, log });
    this.timer = null;
    this.generation = 0;
  }

  /** Starts reading (again: each start has its own tracker, so each call gets its own one hint). */
  start() {
    this.stop();
    this.tracker = new QualityTracker();
    this.previous = null;
    this.schedule(++this.generation);
  }

  stop() {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.generation++;
  }

  get running() { return this.timer !== null; }

  schedule(gen) {
    this.timer = this.clock.setTimeout(() => this.read(gen).finally(() => { if (gen === this.generation) this.schedule(gen); }),
      QUALITY_INTERVAL_MS);
  }

  /** One reading; anything that arrives after stop() (or a restart) is dropped. */
  async read(gen) {
    try {
      const report = await this.getStats();
      if (!report || gen !== this.generation) return;
      const figures = sample(report, this.previous);
      this.previous = report;
      this.onUpdate(this.tracker.add(figures, this.clock.now()));
    } catch (err) {
      this.log('getStats failed', err);
    }
  }
}
