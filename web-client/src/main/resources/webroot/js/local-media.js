// local-media.js: the camera and microphone (getUserMedia) and what to tell a person when they fail.
import { t } from './i18n.js';

const MEDIA_CONSTRAINTS = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 }, facingMode: 'user' },
};

/** Camera + microphone; if one device is missing or busy, whatever works alone (mic only, camera only). */
export async function getLocalMedia(md = globalThis.navigator && navigator.mediaDevices) {
  if (!md || typeof md.getUserMedia !== 'function') {
    const err = new Error('getUserMedia is not available on this page');
    err.name = 'InsecureContextError';
    throw err;
  }
  try {
    return await md.getUserMedia(MEDIA_CONSTRAINTS);
  } catch (err) {
    const name = err && err.name;
    if (!['NotFoundError', 'OverconstrainedError', 'NotReadableError', 'AbortError'].includes(name)) throw err;
    for (const c of [{ audio: true, video: true }, { audio: true }, { video: true }]) {
      try { return await md.getUserMedia(c); } catch { /* try the next */ }
    }
    throw err;
  }
}

/** Which texts (media.<kind>.title/.text/.help in the catalogs) explain a getUserMedia failure, by error name. */
const MEDIA_ERROR_KINDS = {
  NotAllowedError: 'blocked', PermissionDeniedError: 'blocked', SecurityError: 'blocked',
  NotFoundError: 'missing', DevicesNotFoundError: 'missing', OverconstrainedError: 'missing',
  NotReadableError: 'busy', TrackStartError: 'busy', AbortError: 'busy',
  InsecureContextError: 'insecure',
};

/** A person-friendly explanation of a getUserMedia failure: {title, text, help}. */
export function describeMediaError(err) {
  const name = (err && err.name) || 'Error';
  const kind = Object.hasOwn(MEDIA_ERROR_KINDS, name) ? MEDIA_ERROR_KINDS[name] : 'other';
  return {
    title: t(`media.${kind}.title`),
    text: t(`media.${kind}.text`, { name }),
    help: t(`media.${kind}.help`),
  };
}
