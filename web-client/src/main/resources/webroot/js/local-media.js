// local-media.js: the camera and microphone (getUserMedia) and what to tell a person when they fail.

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

/** A person-friendly explanation of a getUserMedia failure: {title, text, help}. */
export function describeMediaError(err) {
  const name = (err && err.name) || 'Error';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return {
        title: 'Camera and microphone are blocked',
        text: 'Your browser did not let Tandem use your camera and microphone.',
        help: 'To allow them: click the camera or padlock icon at the left of the address bar, set Camera and '
          + 'Microphone to "Allow", then press Try again. On a phone, look in the browser\'s Settings → Site settings. '
          + 'Or continue with text only: you will still see and hear the stranger.',
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return {
        title: 'No camera or microphone found',
        text: 'We could not find a camera or microphone on this device.',
        help: 'Plug one in (or check it is switched on and not disabled), then press Try again. '
          + 'Or continue with text only: you will still see and hear the stranger.',
      };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        title: 'Your camera is busy',
        text: 'Your camera or microphone is being used by another app or tab.',
        help: 'Close other video-call apps or tabs, then press Try again. Or continue with text only.',
      };
    case 'InsecureContextError':
      return {
        title: 'Camera needs a secure page',
        text: 'Browsers only allow the camera on secure (https://) pages or on localhost.',
        help: 'Open Tandem over https://, or continue with text only.',
      };
    default:
      return {
        title: 'We can\'t use your camera',
        text: `Starting the camera failed (${name}).`,
        help: 'Press Try again, reload the page, or continue with text only.',
      };
  }
}

