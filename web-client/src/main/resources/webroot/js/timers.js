// timers.js: named one-shot timers over an injectable clock (tests pass a fake one: test/fakes.js FakeClock).
// Setting a name again replaces its timer; a failing callback is logged, never thrown into the clock.

/** The browser's clock: timers, a monotonic now() (performance.now) and the epoch (Date.now). */
export const realClock = Object.freeze({
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  now: () => performance.now(),
  epoch: () => Date.now(),
});

export function createTimers(clock = realClock, log = () => {}) {
  const map = new Map();
  return {
    set(name, ms, fn) {
      this.clear(name);
      map.set(name, clock.setTimeout(() => {
        map.delete(name);
        try { fn(); } catch (err) { log(`timer ${name} failed`, err); }
      }, ms));
    },
    clear(name) { clock.clearTimeout(map.get(name)); map.delete(name); },
    has(name) { return map.has(name); },
    clearAll() { for (const t of map.values()) clock.clearTimeout(t); map.clear(); },
    /** fn a task later (not a named timer: clearAll leaves it; callers check their generation). */
    later(fn) { clock.setTimeout(fn, 0); },
  };
}
