import { test, eq, ok, deepEq } from './harness.js';
import { TokenManager, PREFETCH_MAX, POW_AHEAD_MAX_MS, ApiError, PowSolver, proofOfWork } from '../js/api.js';
import { sha256Hex, solve } from '../js/pow-worker.js';

/** The proof of work, when a test is not about it: none needed (as with TOKEN_POW=off). */
const noPow = async () => null;

/** Lets every pending promise step run (the prefetch solves, then posts, then stamps its answer). */
const settle = () => new Promise((resolve) => { setTimeout(resolve, 0); });

/** A fake POST: records calls; each answer is resolved by hand (or at once with `auto`). */
function fakePost({ auto = true, expiresIn = 300 } = {}) {
  const calls = [];
  let n = 0;
  const post = (path, body) => new Promise((resolve, reject) => {
    n += 1;
    const pair = { accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn };
    calls.push({ path, body, resolve: () => resolve(pair), reject });
    if (auto) resolve(pair);
  });
  return { post, calls };
}

test('TokenManager.prefetch: Start with the same name and age uses the prefetched token, no second request', async () => {
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post, pow: noPow });
  ok(tm.prefetch('Ann', 30), 'a request went out');
  eq(await tm.issue('Ann', 30), 'access-1');
  eq(calls.length, 1);
  eq(calls[0].path, '/auth/token');
  eq(calls[0].body.name, 'Ann');
  eq(calls[0].body.age, 30);
  tm.stop();
});

test('TokenManager.prefetch: Start while the prefetch is on its way waits for it', async () => {
  const { post, calls } = fakePost({ auto: false });
  const tm = new TokenManager({ post, pow: noPow });
  tm.prefetch('Ann', 30);
  const issued = tm.issue('Ann', 30);
  await settle();
  eq(calls.length, 1, 'no second request');
  calls[0].resolve();
  eq(await issued, 'access-1');
  tm.stop();
});

test('TokenManager.prefetch: a changed name or age is asked for again at Start', async () => {
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post, pow: noPow });
  tm.prefetch('Ann', 30);
  eq(await tm.issue('Anna', 30), 'access-2');
  eq(calls.length, 2);
  eq(calls[1].body.name, 'Anna');
  tm.stop();
});

test('TokenManager.prefetch: a failed prefetch is dropped; Start asks again and reports its own answer', async () => {
  const calls = [];
  const post = (path, body) => {
    calls.push(body);
    if (calls.length === 1) return Promise.reject(new ApiError('busy', { status: 503, code: 'unavailable' }));
    return Promise.resolve({ accessToken: 'access-2', refreshToken: 'r', expiresIn: 300 });
  };
  const tm = new TokenManager({ post, pow: noPow });
  tm.prefetch('Ann', 30);
  eq(await tm.issue('Ann', 30), 'access-2');
  eq(calls.length, 2);
  tm.stop();
});

test('TokenManager.prefetch: the same profile is fetched once; edits cost at most PREFETCH_MAX requests', async () => {
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post, pow: noPow });
  ok(tm.prefetch('Ann', 30));
  ok(!tm.prefetch('Ann', 30), 'same profile: nothing new');
  for (let i = 0; i < PREFETCH_MAX + 5; i += 1) tm.prefetch(`Ann${i}`, 30);
  await settle(); // each request goes out once its proof of work is ready
  eq(calls.length, PREFETCH_MAX);
});

test('TokenManager.prefetch: a prefetched token about to expire is not used; a fresh one is asked for', async () => {
  const { post, calls } = fakePost({ expiresIn: 300 });
  let clock = 1_000_000;
  const tm = new TokenManager({ post, pow: noPow, now: () => clock });
  tm.prefetch('Ann', 30);
  await settle();
  clock += 280_000; // 20 s left: inside the 30 s margin
  eq(await tm.issue('Ann', 30), 'access-2');
  eq(calls.length, 2);
  tm.stop();
});

test('TokenManager.prefetch: a prefetched token keeps its own expiry (no extra lifetime)', async () => {
  const { post } = fakePost({ expiresIn: 300 });
  let clock = 1_000_000;
  const tm = new TokenManager({ post, pow: noPow, now: () => clock });
  tm.prefetch('Ann', 30);
  await settle();
  clock += 100_000;
  eq(await tm.issue('Ann', 30), 'access-1');
  eq(tm.expiresAt, 1_000_000 + 300_000, 'expires when the server said');
  tm.stop();
});

/** Leading zero bits of a hex digest. */
function zeroBits(hex) {
  let bits = 0;
  for (const ch of hex) {
    const v = Number.parseInt(ch, 16);
    if (v === 0) { bits += 4; continue; }
    return bits + Math.clz32(v) - 28;
  }
  return bits;
}

const CHALLENGE = `t1.10.1800000000.${'A'.repeat(43)}.${'B'.repeat(22)}`;

test('pow-worker: SHA-256 matches known digests (one and two blocks)', () => {
  eq(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  eq(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  eq(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('pow-worker: solve() finds the smallest nonce with the leading zero bits', () => {
  const { nonce, tries } = solve(CHALLENGE, 10);
  ok(zeroBits(sha256Hex(CHALLENGE + nonce)) >= 10, 'the hash of challenge + nonce starts with 10 zero bits');
  eq(tries, Number(nonce) + 1);
  for (let n = 0; n < Number(nonce); n += 1) ok(zeroBits(sha256Hex(CHALLENGE + n)) < 10, `${n} is no solution`);
  const short = solve('ab', 8);
  ok(zeroBits(sha256Hex(`ab${short.nonce}`)) >= 8, 'a challenge shorter than a block');
});

test('PowSolver: the real Web Worker solves a low difficulty', async () => {
  const solver = new PowSolver();
  const r = await solver.solve(CHALLENGE, 12);
  ok(zeroBits(sha256Hex(CHALLENGE + r.nonce)) >= 12, `nonce ${r.nonce} solves it`);
  ok(r.tries >= 1 && r.ms >= 0, 'tries and time reported');
  const again = await solver.solve(`${CHALLENGE}x`, 8);
  ok(zeroBits(sha256Hex(`${CHALLENGE}x${again.nonce}`)) >= 8, 'the kept worker solves the next one');
  ok(performance.getEntriesByName('tandem-pow').length >= 2, 'each solve is marked');
});

test('PowSolver: without a module worker the challenge is solved on the main thread', async () => {
  class NoWorkers extends PowSolver {
    start() { throw new Error('Worker is not defined'); }
  }
  const solver = new NoWorkers();
  const r = await solver.solve(CHALLENGE, 8);
  eq(r.where, 'main');
  ok(zeroBits(sha256Hex(CHALLENGE + r.nonce)) >= 8, 'solved');
  eq((await solver.solve(`${CHALLENGE}y`, 4)).where, 'main', 'and stays there');
  const real = await new PowSolver().solve(CHALLENGE, 4);
  eq(real.where, 'worker', 'a browser with module workers uses one');
});

test('TokenManager: a new token carries a solved challenge; refresh does not', async () => {
  const gets = [];
  const get = async (path) => { gets.push(path); return { required: true, challenge: CHALLENGE, difficulty: 10, expiresIn: 120 }; };
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post, pow: () => proofOfWork({ get }) });
  eq(await tm.issue('Ann', 30), 'access-1');
  deepEq(gets, ['/auth/challenge']);
  eq(calls[0].body.pow.challenge, CHALLENGE);
  ok(zeroBits(sha256Hex(CHALLENGE + calls[0].body.pow.nonce)) >= 10, 'the nonce solves it');
  await tm.refresh();
  eq(calls[1].path, '/auth/refresh');
  eq(calls[1].body.pow, undefined, 'no proof of work on refresh');
  eq(gets.length, 1);
  tm.stop();
});

test('TokenManager: no challenge needed (TOKEN_POW=off) sends no pow field', async () => {
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post, pow: () => proofOfWork({ get: async () => ({ required: false }) }) });
  eq(await tm.issue('Ann', 30), 'access-1');
  eq(calls[0].body.pow, undefined);
  tm.stop();
});

test('TokenManager: a challenge refused as too easy or expired is replaced once, then the error is reported', async () => {
  let challenges = 0;
  const pow = async () => { challenges += 1; return { challenge: `c${challenges}`, nonce: '1' }; };
  const refusals = ['pow-too-easy'];
  const bodies = [];
  const post = async (path, body) => {
    bodies.push(body);
    const code = refusals.shift();
    if (code) throw new ApiError('refused', { status: 403, code });
    return { accessToken: 'access-ok', refreshToken: 'r', expiresIn: 300 };
  };
  const tm = new TokenManager({ post, pow });
  eq(await tm.issue('Ann', 30), 'access-ok');
  deepEq(bodies.map((b) => b.pow.challenge), ['c1', 'c2'], 'a fresh challenge for the second try');
  refusals.push('pow-expired', 'pow-expired');
  tm.stop();
  let err = null;
  try { await tm.issue('Ann', 30); } catch (e) { err = e; }
  ok(err instanceof ApiError && err.code === 'pow-expired', 'the second refusal is reported');
  refusals.length = 0;
  refusals.push('blocked');
  tm.stop();
  err = null;
  const before = challenges;
  try { await tm.issue('Ann', 30); } catch (e) { err = e; }
  ok(err && err.code === 'blocked', 'other errors are not retried');
  eq(challenges, before + 1);
  tm.stop();
});

test('TokenManager.presolve: the next token request takes the challenge solved ahead; a stale or failed one is replaced', async () => {
  let t = 0;
  let solves = 0;
  let failNext = false;
  const pow = async () => {
    solves += 1;
    if (failNext) { failNext = false; throw new ApiError('offline', { code: 'network' }); }
    return { challenge: `c${solves}`, nonce: '1' };
  };
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post, pow, now: () => t });
  tm.presolve();
  tm.presolve(); // one ahead at a time
  await new Promise((r) => setTimeout(r, 0));
  eq(solves, 1, 'solved at once, once');
  await tm.issue('Ann', 30);
  eq(solves, 1, 'the token request did not solve another');
  eq(calls[0].body.pow.challenge, 'c1');
  tm.stop();
  tm.presolve();
  t += POW_AHEAD_MAX_MS;
  await tm.issue('Ann', 30);
  eq(calls[1].body.pow.challenge, 'c3', 'too old: a fresh one');
  tm.stop();
  failNext = true;
  tm.presolve();
  await tm.issue('Ann', 30);
  eq(calls[2].body.pow.challenge, 'c5', 'the failed one is replaced');
  tm.stop();
});
