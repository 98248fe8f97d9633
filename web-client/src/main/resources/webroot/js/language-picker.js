// language-picker.js: the landing's two language controls (DOM and behaviour): the page's language switch
// (#lang-switch, remembered in localStorage) and the languages a person speaks (chips in #langs-list, one more
// chosen in #langs-add and added with its button, up to MAX_LANGUAGES; languages.js). Both are plain native controls with labels.
import { LOCALES, STORAGE_KEY, currentLocale, setLocale, applyDocument, languageName, t } from './i18n.js';
import {
  LANGUAGES_KEY, PICKER_TAGS, MAX_LANGUAGES, defaultLanguages, parseSaved, addLanguage, removeLanguage,
} from './languages.js';

/**
 * Mounts both controls. storage: {get(key), set(key, value)}; onLocaleChanged: the page's language changed
 * (the document is translated already; the caller redraws what it wrote itself); onLanguagesChanged(list): the
 * person edited their languages (the token prefetch asks again with them). → {languages()}
 */
export function mountLanguagePicker({ doc = document, storage, onLocaleChanged = () => {}, onLanguagesChanged = () => {} }) {
  const $ = (id) => doc.getElementById(id);
  let chosen = parseSaved(storage.get(LANGUAGES_KEY)); // null: the page's language
  const languages = () => chosen || defaultLanguages(currentLocale());

  const option = (value, text, lang) => {
    const o = doc.createElement('option');
    o.value = value;
    o.textContent = text;
    if (lang) o.lang = lang;
    return o;
  };

  function renderSwitch() {
    const select = $('lang-switch');
    select.replaceChildren(...LOCALES.map(({ tag, name }) => option(tag, name, tag)));
    select.value = currentLocale();
  }

  function renderChips() {
    const list = languages();
    const chips = list.map((tag) => {
      const li = doc.createElement('li');
      li.className = 'chip';
      li.dataset.tag = tag;
      const name = doc.createElement('span');
      name.textContent = languageName(tag);
      li.append(name);
      if (list.length > 1) {
        const remove = doc.createElement('button');
        remove.type = 'button';
        remove.className = 'chip-remove';
        remove.textContent = '×';
        remove.setAttribute('aria-label', t('langs.remove', { language: languageName(tag) }));
        remove.addEventListener('click', () => update(removeLanguage(languages(), tag)));
        li.append(remove);
      }
      return li;
    });
    $('langs-list').replaceChildren(...chips);
    const full = list.length >= MAX_LANGUAGES;
    const collator = new Intl.Collator(currentLocale());
    const others = PICKER_TAGS.filter((tag) => !list.includes(tag))
      .map((tag) => [tag, languageName(tag)]).sort((a, b) => collator.compare(a[1], b[1]));
    const add = $('langs-add');
    add.replaceChildren(option('', t(full ? 'langs.full' : 'langs.add', { count: MAX_LANGUAGES })),
      ...others.map(([tag, name]) => option(tag, name)));
    add.value = '';
    add.disabled = full;
    $('langs-add-button').disabled = full;
  }

  function update(list) {
    chosen = list;
    storage.set(LANGUAGES_KEY, JSON.stringify(list));
    renderChips();
    const add = $('langs-add');
    if (!add.disabled) add.focus();
    onLanguagesChanged(list);
  }

  // Adding takes the button (or Enter on the list): arrow keys on a closed list change its value, and
  // each step must not add a language.
  const addChosen = () => { const tag = $('langs-add').value; if (tag) update(addLanguage(languages(), tag)); };
  $('langs-add-button').addEventListener('click', addChosen);
  $('langs-add').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); addChosen(); } });
  $('lang-switch').addEventListener('change', async (e) => {
    const tag = e.target.value;
    storage.set(STORAGE_KEY, tag);
    await setLocale(tag);
    applyDocument(doc);
    renderSwitch();
    renderChips();
    onLocaleChanged();
  });
  renderSwitch();
  renderChips();
  return { languages };
}
