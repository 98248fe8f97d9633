import { eq, ok } from './harness.js';
import { appTest, fakeStream } from './fakes.js';

appTest('preview: on, the next match\'s peer connection is made with its stream; off, it is closed', (t) => {
  const stream = fakeStream();
  Object.assign(t.preview, { state: 'on', stream });
  t.app.previewControl.draw();
  const warm = t.s.warm;
  ok(warm && warm.stream === stream, 'made with the preview\'s stream');
  t.app.previewControl.draw();
  eq(t.s.warm, warm, 'not made twice');
  Object.assign(t.preview, { state: 'off', stream: null });
  t.app.previewControl.draw();
  eq(t.s.warm, null);
  ok(warm.closed);
});

appTest('preview: a hidden page closes it and a visible one reopens it; Hide keeps it off', (t) => {
  let hidden = false;
  t.app.env.hidden = () => hidden;
  t.preview.state = 'on';
  hidden = true;
  t.app.previewControl.onVisibility();
  eq(t.preview.hidden, 1);
  ok(t.s.previewResume);
  hidden = false;
  t.app.previewControl.onVisibility();
  eq(t.preview.shown, 1, 'reopened');
  t.preview.state = 'on';
  t.app.previewControl.toggle();
  ok(t.s.previewUserOff, 'Hide');
  t.app.previewControl.auto();
  eq(t.preview.shown, 1, 'not reopened by itself after Hide');
});

appTest('preview: not offered with text only, nor while Start runs', async (t) => {
  t.view.model.textOnly = true;
  t.app.previewControl.onTextOnlyChange();
  eq(t.preview.hidden, 1);
  eq(t.view.lastCall('setPreview')[0].offered, false);
  t.view.model.textOnly = false;
  t.s.starting = true;
  t.app.previewControl.auto();
  eq(t.preview.shown, 0);
});
