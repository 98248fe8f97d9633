// harness.js: a tiny assertion harness for the web client's ES-module unit tests.
// Results go to window.tandemTests ({done, passed, failed: [{name, error}], names}) for the Java
// driver (WebClientUnitIT) and to the page, so a person can open tests.html in a browser as well.

const tests = [];

/** Register a test; fn may be async. */
export function test(name, fn) { tests.push({ name, fn }); }

export class AssertionError extends Error {
  constructor(message) { super(message); this.name = 'AssertionError'; }
}

const show = (v) => { try { return JSON.stringify(v); } catch { return String(v); } };

export function eq(actual, expected, what = '') {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${what ? `${what}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Deep equality through JSON (plain data only). */
export function deepEq(actual, expected, what = '') {
  if (show(actual) !== show(expected)) {
    throw new AssertionError(`${what ? `${what}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function ok(cond, what = 'expected a true condition') {
  if (!cond) throw new AssertionError(what);
}

export function includes(text, part, what = '') {
  if (typeof text !== 'string' || !text.includes(part)) {
    throw new AssertionError(`${what ? `${what}: ` : ''}expected ${show(text)} to contain ${show(part)}`);
  }
}

export function throws(fn, what = 'expected an exception') {
  try { fn(); } catch { return; }
  throw new AssertionError(what);
}

/** Run every registered test in order; never throws. */
export async function run() {
  const result = { done: false, passed: 0, failed: [], names: [] };
  window.tandemTests = result;
  const out = document.getElementById('results');
  for (const t of tests) {
    result.names.push(t.name);
    const line = document.createElement('li');
    try {
      await t.fn();
      result.passed += 1;
      line.className = 'pass';
      line.textContent = `ok   ${t.name}`;
    } catch (err) {
      result.failed.push({ name: t.name, error: String(err && err.stack ? err.stack : err) });
      line.className = 'fail';
      line.textContent = `FAIL ${t.name}: ${err && err.message}`;
    }
    if (out) out.appendChild(line);
  }
  const summary = document.getElementById('summary');
  if (summary) summary.textContent = `${result.passed} passed, ${result.failed.length} failed`;
  result.done = true;
  return result;
}
