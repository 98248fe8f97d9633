// pow.js: the proof of work a new token needs (docs/protocol.md): a challenge from GET /auth/challenge,
// solved in a module Web Worker (pow-worker.js, pure-JS SHA-256), or on the main thread where module
// workers are missing.
import { ApiError, getJson } from './http.js';

/**
 * Solves proof-of-work challenges in one module Web Worker (pow-worker.js), started on first use and
 * kept for the page (so a later token does not pay its start-up). A browser without module workers
 * solves on the main thread instead (the same code; a few tens of ms at the base difficulty). Each
 * solve is recorded as a `tandem-pow` performance mark with {difficulty, tries, ms, where}.
 */
export class PowSolver {
  constructor({ workerUrl = new URL('./pow-worker.js', import.meta.url) } = {}) {
    this.workerUrl = workerUrl;
    this.worker = null;
    this.broken = false; // the worker could not start or run: solve on the main thread
    this.waiting = new Map(); // id → {resolve, reject}
    this.seq = 0;
  }

  /** → {nonce, tries, ms}: the nonce such that SHA-256(challenge + nonce) starts with `difficulty` zero bits. */
  solve(challenge, difficulty) {
    const inWorker = this.broken
      ? Promise.reject(new ApiError('Proof of work: no worker.', { code: 'pow-worker' }))
      : this.inWorker(challenge, difficulty);
    return inWorker
      .then((r) => ({ ...r, where: 'worker' }), (err) => {
        if (!(err instanceof ApiError && err.code === 'pow-worker')) throw err;
        this.broken = true;
        return this.onMainThread(challenge, difficulty);
      })
      .then((r) => {
        try { performance.mark('tandem-pow', { detail: { difficulty, tries: r.tries, ms: r.ms, where: r.where } }); } catch { /* no User Timing */ }
        return r;
      });
  }

  inWorker(challenge, difficulty) {
    let worker;
    try {
      worker = this.start();
    } catch {
      return Promise.reject(new ApiError('Proof of work: no module worker.', { code: 'pow-worker' }));
    }
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, challenge, difficulty });
    });
  }

  async onMainThread(challenge, difficulty) {
    const { solve } = await import('./pow-worker.js');
    const began = performance.now();
    const { nonce, tries } = solve(challenge, difficulty);
    return { nonce, tries, ms: performance.now() - began, where: 'main' };
  }

  start() {
    if (this.worker) return this.worker;
    this.worker = new Worker(this.workerUrl, { type: 'module' });
    this.worker.onmessage = ({ data }) => {
      const w = this.waiting.get(data && data.id);
      if (!w) return;
      this.waiting.delete(data.id);
      if (data.error || typeof data.nonce !== 'string') w.reject(new ApiError(`Proof of work failed: ${data.error || 'no nonce'}`, { code: 'pow-failed' }));
      else w.resolve(data);
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      // the worker did not load or died (no module workers, a blocked script): the waiting solves go to the main thread
      const err = new ApiError('Proof of work: the worker stopped.', { code: 'pow-worker' });
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      this.worker.terminate();
      this.worker = null;
    };
    return this.worker;
  }
}

let sharedSolver = null;

/**
 * The `pow` field of POST /auth/token: a challenge from GET /auth/challenge, solved; null when the
 * server says none is required (TOKEN_POW=off).
 */
export async function proofOfWork({ get = getJson, solver = (sharedSolver ||= new PowSolver()) } = {}) {
  const c = await get('/auth/challenge');
  if (!c.required) return null;
  if (typeof c.challenge !== 'string' || !Number.isInteger(c.difficulty)) {
    throw new ApiError('The server sent an unexpected challenge.', { code: 'bad-response' });
  }
  const { nonce } = await solver.solve(c.challenge, c.difficulty);
  return { challenge: c.challenge, nonce };
}
