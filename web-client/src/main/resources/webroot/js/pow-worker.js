// pow-worker.js: solves the proof-of-work challenge of POST /auth/token off the main thread
// (docs/protocol.md, "Proof of work"): the first decimal nonce such that SHA-256(challenge + nonce)
// starts with `difficulty` zero bits. A module worker (api.js starts it with {type: 'module'}); the
// same file exports solve() for tests.
//
// A small pure-JS SHA-256: the challenge's whole 64-byte blocks are hashed once, then each try hashes
// only the last block or two. Measured faster here than crypto.subtle.digest, whose promise per call
// costs more than the hash itself (docs/safety.md, "Proof of work").

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const W = new Int32Array(64);

/** One SHA-256 compression of the 16 big-endian words at `m[off..off+16)` onto `state` (in place). */
function compress(state, m, off) {
  for (let i = 0; i < 16; i += 1) W[i] = m[off + i];
  for (let i = 16; i < 64; i += 1) {
    const a = W[i - 15];
    const b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = state[0]; let b = state[1]; let c = state[2]; let d = state[3];
  let e = state[4]; let f = state[5]; let g = state[6]; let h = state[7];
  for (let i = 0; i < 64; i += 1) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0; state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0; state[5] = (state[5] + f) | 0; state[6] = (state[6] + g) | 0; state[7] = (state[7] + h) | 0;
}

/** True when the hash (8 words) starts with `bits` zero bits. */
function leadingZeros(hash, bits) {
  let i = 0;
  let left = bits;
  while (left >= 32) {
    if (hash[i] !== 0) return false;
    left -= 32;
    i += 1;
  }
  return left === 0 || (hash[i] >>> (32 - left)) === 0;
}

/** The challenge as bytes: the protocol keeps it ASCII (a non-ASCII one cannot be ours). */
function ascii(text) {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c > 0x7e) throw new Error('the challenge is not ASCII');
    out[i] = c;
  }
  return out;
}

/**
 * The smallest decimal nonce ≥ `start` for which SHA-256(challenge + nonce) has `difficulty` leading
 * zero bits, trying at most `maxTries`. → {nonce, tries} (nonce null when none was found).
 */
export function solve(challenge, difficulty, { start = 0, maxTries = 2 ** 40 } = {}) {
  const bytes = ascii(challenge);
  const whole = bytes.length - (bytes.length % 64);
  const mid = Int32Array.from(IV);
  const words = new Int32Array(32);
  for (let off = 0; off < whole; off += 64) {
    for (let i = 0; i < 16; i += 1) {
      const p = off + 4 * i;
      words[i] = (bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
    }
    compress(mid, words, 0);
  }
  const tail = new Uint8Array(128);
  const rest = bytes.subarray(whole);
  tail.set(rest);
  const state = new Int32Array(8);
  for (let tries = 1, n = start; tries <= maxTries; tries += 1, n += 1) {
    const digits = String(n);
    let len = rest.length;
    for (let i = 0; i < digits.length; i += 1) tail[len++] = digits.charCodeAt(i);
    const blocks = len + 9 <= 64 ? 1 : 2;
    tail[len] = 0x80;
    tail.fill(0, len + 1, blocks * 64);
    const bitLength = (whole + len) * 8;
    const end = blocks * 64;
    tail[end - 4] = bitLength >>> 24; tail[end - 3] = bitLength >>> 16; tail[end - 2] = bitLength >>> 8; tail[end - 1] = bitLength;
    for (let i = 0; i < blocks * 16; i += 1) {
      const p = 4 * i;
      words[i] = (tail[p] << 24) | (tail[p + 1] << 16) | (tail[p + 2] << 8) | tail[p + 3];
    }
    state.set(mid);
    compress(state, words, 0);
    if (blocks === 2) compress(state, words, 16);
    if (leadingZeros(state, difficulty)) return { nonce: digits, tries };
  }
  return { nonce: null, tries: maxTries };
}

/** Hex SHA-256 of an ASCII string (tests check the implementation against known digests). */
export function sha256Hex(text) {
  const bytes = ascii(text);
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const buf = new Uint8Array(blocks * 64);
  buf.set(bytes);
  buf[bytes.length] = 0x80;
  const bits = bytes.length * 8;
  buf[buf.length - 4] = bits >>> 24; buf[buf.length - 3] = bits >>> 16; buf[buf.length - 2] = bits >>> 8; buf[buf.length - 1] = bits;
  const words = new Int32Array(16);
  const state = Int32Array.from(IV);
  for (let off = 0; off < buf.length; off += 64) {
    for (let i = 0; i < 16; i += 1) {
      const p = off + 4 * i;
      words[i] = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
    }
    compress(state, words, 0);
  }
  return [...state].map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}

// In a worker: {id, challenge, difficulty} → {id, nonce, tries, ms} or {id, error}.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  self.onmessage = (event) => {
    const { id, challenge, difficulty } = event.data || {};
    const began = performance.now();
    try {
      if (typeof challenge !== 'string' || !Number.isInteger(difficulty) || difficulty < 0 || difficulty > 64) {
        throw new Error('bad challenge');
      }
      const { nonce, tries } = solve(challenge, difficulty);
      self.postMessage({ id, nonce, tries, ms: performance.now() - began });
    } catch (err) {
      self.postMessage({ id, error: String(err && err.message ? err.message : err) });
    }
  };
}
