// landing-view.js: the landing page and the camera step (DOM only): the form, its errors, Start's busy
// state, the camera preview and the camera error or hint.
import * as ui from './ui.js';

/** The form as typed (validated by state.js validateProfile), with the languages chosen (language-picker.js). */
export function readForm() {
  const languages = [...ui.$('langs-list').querySelectorAll('[data-tag]')].map((li) => li.dataset.tag);
  return { name: ui.$('name').value, age: ui.$('age').value, interests: ui.$('interests').value, languages };
}

export function setName(name) { ui.$('name').value = name; }

/** The field the landing page focuses when it opens: the age once a name is known. */
export function firstEmptyField() { return ui.$('name').value ? 'age' : 'name'; }

export function textOnlyChecked() { return ui.$('text-only-start').checked; }

export function landingError() { return ui.$('landing-error').textContent; }

/** The camera step's error box is shown. */
export function mediaErrorShown() { return !ui.$('media-error').hidden; }

export function showMediaHint(visible) { ui.show('media-hint', visible); }

/** Hides the camera step's error and hint. */
export function hideMediaMessages() {
  ui.show('media-error', false);
  ui.show('media-hint', false);
}

export function focus(id) { ui.$(id).focus(); }

export const { setLandingError, setBusy, setPreview, showMediaError, show } = ui;
