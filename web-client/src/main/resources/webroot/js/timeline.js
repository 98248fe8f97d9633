// timeline.js: performance.now() marks of the way from Start to the stranger's first video frame
// (token, camera, socketOpen, joined, offerMade (the waiting caller's offer), matched, offerSent/offerReceived, answerSent/answerReceived,
// iceConnected, firstFrame). Each mark keeps its first value since the last reset (one Start).
// Exposed read-only as window.tandem.timeline for the browser tests; nothing is sent anywhere.

const marks = new Map();

/** Forget every mark (a new Start). */
export function reset() { marks.clear(); }

/** Record `name` now, unless it was already recorded since the last reset. */
export function mark(name) {
  if (!marks.has(name)) marks.set(name, performance.now());
}

/** {timeOrigin, marks: {name: ms since timeOrigin}}: timeOrigin + ms is epoch time, comparable across tabs. */
export function snapshot() {
  return { timeOrigin: performance.timeOrigin, marks: Object.fromEntries(marks) };
}
