// http.js: one JSON exchange with the server (GET/POST under the page's origin) with a hard timeout, and
// the error every caller sees (ApiError: network, timeout, or the server's {error: {code, message}}).

/** Longest wait for one HTTP exchange (ms). */
export const HTTP_TIMEOUT_MS = 10000;

/** An HTTP or network failure. `status` is 0 for network errors and timeouts. */
export class ApiError extends Error {
  constructor(message, { status = 0, code = 'network', retryAfter = 0 } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
  /** Worth trying again later (network, timeout, 429, 5xx). */
  get transient() { return this.status === 0 || this.status === 429 || this.status >= 500; }
}

function endpoint(path) {
  return `${location.origin}${path}`;
}

/** One JSON exchange with a hard timeout covering all of it. Resolves to the parsed body of a 2xx answer. */
export async function exchange(path, init, timeoutMs) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    let res;
    try {
      res = await fetch(endpoint(path), {
        ...init,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'same-origin',
        signal: ctrl.signal,
      });
    } catch {
      throw ctrl.signal.aborted
        ? new ApiError('The server took too long to answer.', { code: 'timeout' })
        : new ApiError('Could not reach the server. Check your connection.', { code: 'network' });
    }
    let json = null;
    try { json = await res.json(); } catch {
      if (ctrl.signal.aborted) throw new ApiError('The server took too long to answer.', { code: 'timeout' });
    }
    if (!res.ok) {
      const err = (json && typeof json.error === 'object' && json.error) || {};
      const retryAfter = Number.parseInt(res.headers.get('Retry-After') || '0', 10) || 0;
      throw new ApiError(err.message || `The server answered ${res.status}.`, {
        status: res.status,
        code: err.code || (res.status >= 500 ? 'unavailable' : 'error'),
        retryAfter,
      });
    }
    if (!json || typeof json !== 'object') {
      throw new ApiError('The server sent an unexpected answer.', { status: res.status, code: 'bad-response' });
    }
    return json;
  } finally {
    clearTimeout(timer);
  }
}

/** POST JSON for a token pair. Resolves to the parsed body. */
export async function postJson(path, body, timeoutMs = HTTP_TIMEOUT_MS) {
  const json = await exchange(path, { method: 'POST', body: JSON.stringify(body) }, timeoutMs);
  if (typeof json.accessToken !== 'string' || !json.accessToken) {
    throw new ApiError('The server sent an unexpected answer.', { status: 200, code: 'bad-response' });
  }
  return json;
}

/** GET JSON. Resolves to the parsed body. */
export function getJson(path, timeoutMs = HTTP_TIMEOUT_MS) {
  return exchange(path, { method: 'GET' }, timeoutMs);
}
