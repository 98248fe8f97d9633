// preview-control.js: the landing's camera preview (preview.js holds the camera; landing-view.js draws it).
// It is on for a returning visitor whose browser allows the camera without asking, off after Hide for the
// visit, off while the page is hidden (and back when it is visible), and its stream is what Start takes.
import { describeMediaError } from './local-media.js';

export function createPreviewControl(app) {
  const s = app.store;

  /** Offered where the browser can open a camera and text only is not chosen. */
  function offered() { return app.env.canOpenCamera() && !app.view.textOnlyChecked(); }

  /** Draws the preview; on the landing page its stream gets the next match's peer connection. */
  function draw() {
    const { preview } = app;
    app.view.setPreview({ state: preview.state, stream: preview.stream, offered: offered() });
    if (s.state !== 'landing' || s.starting) return; // Start took the stream (and the connection made for it)
    // The camera is open on the landing page: the next match's peer connection is made now, with its tracks,
    // so Start has only the socket to open (the connection is closed with the preview).
    if (preview.state === 'on') { if (!s.warm || s.warm.stream !== preview.stream) app.warm.make({ localStream: preview.stream }); }
    else if (s.warm) app.warm.drop();
  }

  /** Opens the preview on the landing page when the browser allows it without asking and nothing says no. */
  function auto() {
    if (s.state !== 'landing' || s.starting || s.previewUserOff || !offered()) return;
    if (app.env.hidden()) return;
    app.preview.show();
  }

  /** The preview button: on (the browser may ask now: the person asked) or off (and kept off). */
  function toggle() {
    const { preview } = app;
    if (s.state !== 'landing' || s.starting) return;
    if (preview.state === 'on') {
      s.previewUserOff = true;
      preview.hide();
      return;
    }
    s.previewUserOff = false;
    app.view.setLandingError('');
    return preview.show({ ask: true }).then((stream) => {
      if (stream || !preview.error || s.state !== 'landing') return;
      const d = describeMediaError(preview.error);
      app.view.setLandingError(`${d.title}. ${d.text}`);
    });
  }

  function onVisibility() {
    if (s.state !== 'landing' || s.starting) return;
    if (app.env.hidden()) {
      if (app.preview.state !== 'off') { s.previewResume = true; app.preview.hide(); }
    } else if (s.previewResume) {
      s.previewResume = false;
      auto();
    }
  }

  /** The text-only box changed: no preview with text only. */
  function onTextOnlyChange() {
    if (app.view.textOnlyChecked()) app.preview.hide();
    else auto();
    draw();
  }

  return { draw, auto, toggle, onVisibility, onTextOnlyChange };
}
