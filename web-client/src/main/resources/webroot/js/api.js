// api.js: access tokens over HTTP (POST /auth/token, POST /auth/refresh), with timeouts,
// a remembered device id and a refresh timer at ~80% of the token's lifetime. A new token needs a
// proof of work (pow.js); refresh does not. HTTP itself: http.js.
import { ApiError, postJson } from './http.js';
import { proofOfWork } from './pow.js';

// Named from here by the page and the tests as before.
export { ApiError, HTTP_TIMEOUT_MS, getJson, postJson } from './http.js';
export { PowSolver, proofOfWork } from './pow.js';

const DEVICE_KEY = 'tandem.deviceId';
const REFRESH_AT = 0.8;          // refresh at 80% of expiresIn
const EXPIRY_MARGIN_MS = 30000;  // a token closer than this (or 20% of its life) to expiry counts as expired
/** Token requests made ahead of Start per page: a person editing a complete form costs at most this many. */
export const PREFETCH_MAX = 4;
/** A challenge solved ahead (presolve) is used while younger than this: half its lifetime on the server (120 s). */
export const POW_AHEAD_MAX_MS = 60000;

function fallbackUuid() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

let cachedDeviceId = null;
/** A random UUID kept in localStorage (`tandem.deviceId`); in memory only if storage is blocked. */
export function deviceId() {
  if (cachedDeviceId) return cachedDeviceId;
  let id = null;
  try { id = localStorage.getItem(DEVICE_KEY); } catch { /* storage blocked */ }
  if (!id || !/^[A-Za-z0-9_-]{8,128}$/.test(id)) {
    id = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : fallbackUuid();
    try { localStorage.setItem(DEVICE_KEY, id); } catch { /* storage blocked */ }
  }
  cachedDeviceId = id;
  return id;
}

/** Token answers after which a fresh challenge is solved and the request sent again (once). */
const POW_RETRY_CODES = new Set(['pow-too-easy', 'pow-expired', 'pow-forged', 'pow-reused']);

/**
 * Holds the current token pair and keeps it fresh.
 * - prefetch(name, age, languages): POST /auth/token ahead of Start (the landing form is complete), its proof of work
 *   solved in the worker meanwhile; the next issue()
 *   with the same name and age takes that pair instead of waiting for the server. Nothing else uses it:
 *   no refresh timer runs for it, and a failure is dropped (issue() asks again and reports its own).
 * - issue(name, age, languages): POST /auth/token (or the prefetched pair); every POST /auth/token goes through mint(),
 *   which solves a challenge first (`pow`: injectable, null = none needed), or takes the one presolve() solved
 * - presolve(): solves a challenge now (someone is filling in the landing form), for the next POST /auth/token
 * - refresh(): POST /auth/refresh (single flight); a 401 falls back to a fresh /auth/token with the
 *   remembered name and age.
 * - get({force}): a usable access token, refreshing first when forced or close to expiry.
 * Callbacks: onRefreshed(accessToken) after every background refresh; onFatal(ApiError) when the
 * background refresh hits a permanent error (e.g. 403 blocked).
 */
/** The token request's profile: name, age and, when given, the person's languages (primary tags). */
function tokenProfile(name, age, languages) {
  return Array.isArray(languages) && languages.length ? { name, age, languages: [...languages] } : { name, age };
}

export class TokenManager {
  constructor({ onRefreshed = () => {}, onFatal = () => {}, post = postJson, pow = proofOfWork, now = Date.now } = {}) {
    this.onRefreshed = onRefreshed;
    this.onFatal = onFatal;
    this.post = post;
    this.pow = pow;
    this.now = now;
    this.early = null;   // {key, promise → {pair, receivedAt} | null} of the last prefetch
    this.ahead = null;   // {at, promise → {pow} | null}: a challenge solved ahead (presolve)
    this.prefetches = 0;
    this.accessToken = null;
    this.refreshToken = null;
    this.expiresAt = 0;
    this.margin = EXPIRY_MARGIN_MS;
    this.profile = null;
    this.timer = null;
    this.inflight = null;
    this.stopped = true;
    this.failures = 0;
    this.gen = 0; // bumped by stop(): answers to older requests are dropped
  }

  /** → true when a request went out (false: this profile's pair is on its way or here, or the budget is spent). */
  prefetch(name, age, languages = []) {
    const key = JSON.stringify([name, age, languages]);
    if (this.early && this.early.key === key) return false;
    if (this.prefetches >= PREFETCH_MAX) return false;
    this.prefetches += 1;
    const promise = this.mint(tokenProfile(name, age, languages))
      .then((pair) => ({ pair, receivedAt: this.now() }), () => null);
    this.early = { key, promise };
    return true;
  }

  /**
   * Solves a challenge now, for the next token request (someone started filling in the form): the token fetched
   * once the form is complete then waits only for its POST, not for a solve of a few to a few hundred ms. Used
   * once, while younger than POW_AHEAD_MAX_MS; a failure is dropped (the request solves its own).
   */
  presolve() {
    if (this.ahead) return;
    const promise = Promise.resolve().then(() => this.pow()).then((pow) => ({ pow }), () => null);
    this.ahead = { at: this.now(), promise };
  }

  /** The challenge solved ahead if it is fresh, else a new one. */
  async solve() {
    const ahead = this.ahead;
    this.ahead = null;
    const got = ahead && this.now() - ahead.at < POW_AHEAD_MAX_MS ? await ahead.promise : null;
    return got ? got.pow : this.pow();
  }

  /** POST /auth/token for this profile with a solved challenge; a stale or too easy one is replaced once. */
  async mint(profile) {
    for (let attempt = 0; ; attempt += 1) {
      const pow = attempt === 0 ? await this.solve() : await this.pow();
      try {
        return await this.post('/auth/token', { deviceId: deviceId(), ...profile, ...(pow ? { pow } : {}) });
      } catch (err) {
        if (attempt > 0 || !(err instanceof ApiError) || !POW_RETRY_CODES.has(err.code)) throw err;
      }
    }
  }

  /** The prefetched pair for this profile, if any, with its expiresIn cut to what is left; it is used once. */
  async takeEarly(name, age, languages = []) {
    const early = this.early;
    this.early = null;
    if (!early || early.key !== JSON.stringify([name, age, languages])) return null;
    const got = await early.promise;
    if (!got) return null;
    const lifeMs = (Number(got.pair.expiresIn) > 0 ? Number(got.pair.expiresIn) : 300) * 1000;
    const leftMs = got.receivedAt + lifeMs - this.now();
    if (leftMs <= Math.min(EXPIRY_MARGIN_MS, lifeMs * (1 - REFRESH_AT))) return null; // as good as expired (get())
    return { ...got.pair, expiresIn: leftMs / 1000 };
  }

  async issue(name, age, languages = []) {
    this.stopped = false;
    this.profile = tokenProfile(name, age, languages);
    this.prefetches = 0; // the budget bounds edits between two Starts
    const gen = this.gen;
    const pair = (await this.takeEarly(name, age, languages)) || await this.mint(this.profile);
    this.accept(pair, gen);
    return this.accessToken;
  }

  accept(pair, gen) {
    if (this.stopped || gen !== this.gen) return;
    const expiresIn = Number(pair.expiresIn) > 0 ? Number(pair.expiresIn) : 300;
    this.accessToken = pair.accessToken;
    if (typeof pair.refreshToken === 'string' && pair.refreshToken) this.refreshToken = pair.refreshToken;
    this.expiresAt = this.now() + expiresIn * 1000;
    this.margin = Math.min(EXPIRY_MARGIN_MS, expiresIn * 1000 * (1 - REFRESH_AT));
    this.failures = 0;
    this.schedule(expiresIn * 1000 * REFRESH_AT);
  }

  schedule(delayMs) {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.backgroundRefresh(), Math.max(1000, delayMs));
  }

  backgroundRefresh() {
    this.refresh()
      .then((token) => { if (!this.stopped) this.onRefreshed(token); })
      .catch((err) => {
        if (this.stopped) return;
        if (err instanceof ApiError && err.transient) {
          // 5 s, 10 s, 20 s … capped at 30 s; the socket's 4001 path covers the case where it runs out.
          this.failures += 1;
          const wait = Math.max((err.retryAfter || 0) * 1000, Math.min(30000, 5000 * 2 ** (this.failures - 1)));
          this.schedule(wait);
        } else {
          this.onFatal(err);
        }
      });
  }

  /** Single-flight refresh; resolves to the new access token. */
  refresh() {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => { this.inflight = null; });
    }
    return this.inflight;
  }

  async doRefresh() {
    const gen = this.gen;
    let pair;
    if (this.refreshToken) {
      try {
        pair = await this.post('/auth/refresh', { refreshToken: this.refreshToken });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401) throw err;
        this.refreshToken = null; // spent or expired: start over below
      }
    }
    if (!pair) {
      if (!this.profile) throw new ApiError('Not signed in.', { status: 401, code: 'unauthorized' });
      pair = await this.mint(this.profile);
    }
    this.accept(pair, gen);
    if (gen !== this.gen) throw new ApiError('Signed out.', { status: 401, code: 'stopped' });
    return this.accessToken;
  }

  /** A token not about to expire (refreshing first when needed or forced). */
  async get({ force = false } = {}) {
    if (force || !this.accessToken || this.now() > this.expiresAt - this.margin) {
      return this.refresh();
    }
    return this.accessToken;
  }

  stop() {
    this.stopped = true;
    this.gen += 1;
    clearTimeout(this.timer);
    this.timer = null;
    this.accessToken = null;
    this.refreshToken = null;
    this.expiresAt = 0;
  }
}
