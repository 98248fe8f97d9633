// landing.js: the landing page's controller: Start, the token prefetch and the online count.
// Start runs three things at once: the token request (usually prefetched), the camera (usually open already:
// the landing's preview, whose peer connection is made too) and, as soon as the token is there, the socket.
// Without the preview the next match's peer connection is made while the camera opens, after the socket is on
// its way. join-queue goes out once both the socket is open and the camera is decided (queue.js).
import { t } from './i18n.js';
import { validateProfile, describeApiError, statsText, textOnlyNotice } from './state.js';

export function createLanding(app) {
  const s = app.store;

  async function start({ textOnly = false } = {}) {
    const { view, timeline } = app;
    if (s.state !== 'landing' || s.starting) return;
    view.setLandingError('');
    const v = formProfile();
    if (!v.ok) {
      view.setLandingError(v.message);
      view.focus(v.field);
      return;
    }
    timeline.reset();
    timeline.mark('start');
    const gen = ++s.gen;
    s.profile = v.profile;
    s.starting = true;
    s.mediaDecided = false;
    s.mediaExpected = false;
    s.mediaError = null;
    view.setBusy('start', true, t('landing.starting'));
    view.show('landing-retry', false);
    if (textOnly) {
      app.preview.hide();
      s.mediaAttempt += 1;
      app.media.useLocalStream(null);
      app.media.decide();
    } else {
      app.media.acquire(gen);
      // A task, not now: with the token prefetched, the socket is opened first (the awaited token below resumes
      // before any task) and its handshake runs while the peer connection is made; otherwise during the request.
      app.timers.later(() => { if (gen === s.gen && (s.starting || s.sig)) app.warm.prepareAtStart(); });
    }
    try {
      await app.tokens.issue(v.profile.name, v.profile.age, v.profile.languages);
    } catch (err) {
      if (gen !== s.gen) return;
      s.starting = false;
      s.mediaAttempt += 1; // a camera answer still on its way is dropped (and its tracks stopped)
      app.media.release();
      view.setBusy('start', false);
      app.previewControl.auto();
      const { message, retry } = describeApiError(err);
      view.setLandingError(message, { retry });
      app.log('token request failed', err);
      return;
    }
    if (gen !== s.gen) return;
    timeline.mark('token');
    s.starting = false;
    view.setBusy('start', false);
    app.storage.set('tandem.name', v.profile.name);
    app.connection.open();
    if (s.mediaDecided || s.mediaExpected) app.queue.goOnline();
    else if (s.mediaError) app.media.showFailure();
    else app.screen.go('media');
    if (textOnly) app.chat.addNotice(textOnlyNotice());
  }

  /** The landing form's name, age and interests, checked (state.js validateProfile). */
  function formProfile() { return validateProfile(app.view.readForm()); }

  /**
   * The landing form is complete and was left alone for a moment: fetch its token now, so Start opens the
   * socket at once (the token is the one step of Start that needs the server; api.js TokenManager.prefetch).
   */
  function prefetchToken() {
    const form = app.view.readForm();
    if (form.name || form.age) app.tokens.presolve(); // someone is filling it in: Start's proof of work is solved now
    app.timers.set('prefetch', app.config.tokenPrefetchDelayMs, () => {
      if (s.state !== 'landing' || s.starting) return;
      const v = formProfile();
      if (v.ok) app.tokens.prefetch(v.profile.name, v.profile.age, v.profile.languages);
    });
  }

  /** "12 online now" on the landing (GET /stats once per visit; nothing shown if it fails). */
  function refreshStats() {
    app.fetchStats()
      .then((d) => {
        const text = d ? statsText({ online: d.online }, { now: true }) : '';
        app.view.setStats(s.state === 'landing' ? text : '', 'landing-stats');
      })
      .catch((err) => app.log('stats unavailable', err));
  }

  /** The age field was edited: the under-age refusal goes away. */
  function onAgeInput(underageMessage) {
    if (app.view.landingError() === underageMessage) app.view.setLandingError('');
  }

  /** The page's language changed on the landing (the document is translated): redraw what the page wrote itself. */
  function onLocaleChanged() {
    if (s.state !== 'landing') return;
    app.screen.go('landing');
    app.view.setLandingError('');
    app.previewControl.draw();
    refreshStats();
    prefetchToken(); // the token request carries the languages, which may have followed the page's
  }

  return { start, prefetchToken, refreshStats, onAgeInput, onLocaleChanged };
}
