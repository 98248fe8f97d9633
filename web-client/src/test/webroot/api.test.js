import { test, eq, ok } from './harness.js';
import { TokenManager, PREFETCH_MAX, ApiError } from '../js/api.js';

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
  const tm = new TokenManager({ post });
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
  const tm = new TokenManager({ post });
  tm.prefetch('Ann', 30);
  const issued = tm.issue('Ann', 30);
  await Promise.resolve();
  eq(calls.length, 1, 'no second request');
  calls[0].resolve();
  eq(await issued, 'access-1');
  tm.stop();
});

test('TokenManager.prefetch: a changed name or age is asked for again at Start', async () => {
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post });
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
  const tm = new TokenManager({ post });
  tm.prefetch('Ann', 30);
  eq(await tm.issue('Ann', 30), 'access-2');
  eq(calls.length, 2);
  tm.stop();
});

test('TokenManager.prefetch: the same profile is fetched once; edits cost at most PREFETCH_MAX requests', () => {
  const { post, calls } = fakePost();
  const tm = new TokenManager({ post });
  ok(tm.prefetch('Ann', 30));
  ok(!tm.prefetch('Ann', 30), 'same profile: nothing new');
  for (let i = 0; i < PREFETCH_MAX + 5; i += 1) tm.prefetch(`Ann${i}`, 30);
  eq(calls.length, PREFETCH_MAX);
});

test('TokenManager.prefetch: a prefetched token about to expire is not used; a fresh one is asked for', async () => {
  const { post, calls } = fakePost({ expiresIn: 300 });
  let clock = 1_000_000;
  const tm = new TokenManager({ post, now: () => clock });
  tm.prefetch('Ann', 30);
  await Promise.resolve();
  clock += 280_000; // 20 s left: inside the 30 s margin
  eq(await tm.issue('Ann', 30), 'access-2');
  eq(calls.length, 2);
  tm.stop();
});

test('TokenManager.prefetch: a prefetched token keeps its own expiry (no extra lifetime)', async () => {
  const { post } = fakePost({ expiresIn: 300 });
  let clock = 1_000_000;
  const tm = new TokenManager({ post, now: () => clock });
  tm.prefetch('Ann', 30);
  await Promise.resolve();
  await Promise.resolve();
  clock += 100_000;
  eq(await tm.issue('Ann', 30), 'access-1');
  eq(tm.expiresAt, 1_000_000 + 300_000, 'expires when the server said');
  tm.stop();
});
