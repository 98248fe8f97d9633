// i18n.test.js: the page's language (i18n.js), the catalogs themselves and the languages a person speaks.
import { test, eq, ok, deepEq, includes } from './harness.js';
import {
  LOCALES, FALLBACK, pickLocale, initialLocale, setLocale, useCatalogs, t, missingKeys, isRtl, primaryTag,
  formatList, languageName, formatPercent, catalogUrl, applyDocument,
} from '../js/i18n.js';
import { statsText, sharedText, sharedLanguageText, describeServerError, cleanLanguages } from '../js/state.js';
import { PICKER_TAGS, defaultLanguages, parseSaved, addLanguage, removeLanguage } from '../js/languages.js';
import { mountLanguagePicker } from '../js/language-picker.js';

/** Runs fn with a locale in place, then puts English back for the other tests. */
async function withLocale(tag, fn) {
  try {
    eq(await setLocale(tag), tag, `${tag} loaded`);
    await fn();
  } finally {
    await setLocale('en');
  }
}

const catalog = async (tag) => (await fetch(catalogUrl(tag))).json();
const placeholders = (v) => [...new Set(JSON.stringify(v).match(/\{\w+\}/g) || [])].sort();

test('i18n: the browser\'s languages pick a shipped locale: exact, then the same language, else English', () => {
  eq(pickLocale(['es-MX', 'en']), 'es');
  eq(pickLocale(['pt-BR']), 'pt-BR');
  eq(pickLocale(['pt-PT', 'en']), 'pt-BR', 'the same primary language beats the next wanted one');
  eq(pickLocale(['AR-eg']), 'ar', 'case does not matter');
  eq(pickLocale(['ja', 'zh-CN']), FALLBACK, 'nothing shipped fits');
  eq(pickLocale(['ja', 'de-AT']), 'de', 'the first one that fits');
  eq(pickLocale(undefined), FALLBACK);
  eq(pickLocale(['', 7, 'tr']), 'tr', 'junk skipped');
  eq(initialLocale('fr', ['de']), 'fr', 'a language chosen on the landing wins');
  eq(initialLocale('xx', ['de']), 'de', 'a saved language no longer shipped is ignored');
  eq(initialLocale(null, []), 'en');
});

test('i18n: ten locales shipped; Arabic alone is right to left; primary tags', () => {
  deepEq(LOCALES.map((l) => l.tag), ['en', 'es', 'pt-BR', 'fr', 'de', 'hi', 'ar', 'ru', 'tr', 'id']);
  ok(isRtl('ar') && isRtl('ar-EG'), 'Arabic is RTL');
  ok(LOCALES.filter((l) => isRtl(l.tag)).length === 1, 'only Arabic');
  eq(primaryTag('pt-BR'), 'pt');
});

test('i18n: a key missing from a catalog falls back to English and is reported; unknown keys come back as keys', () => {
  try {
    useCatalogs('de', { 'a.b': 'Hallo {name}' }, { 'a.b': 'Hello {name}', 'c.d': 'Only English' });
    eq(t('a.b', { name: 'Ana' }), 'Hallo Ana');
    deepEq(missingKeys(), [], 'nothing missed yet');
    eq(t('c.d'), 'Only English', 'English fills the gap');
    eq(t('x.y'), 'x.y', 'a key no catalog has');
    deepEq(missingKeys(), ['c.d', 'x.y'], 'both reported');
    eq(t('a.b'), 'Hallo {name}', 'a placeholder without a value stays visible');
  } finally {
    useCatalogs('en', {}, {});
  }
  return setLocale('en');
});

test('i18n: plurals through Intl.PluralRules and numbers through Intl.NumberFormat', () => {
  try {
    const msg = { one: '{count} файл', few: '{count} файла', many: '{count} файлов', other: '{count} файла' };
    useCatalogs('ru', { f: msg }, { f: { one: '{count} file', other: '{count} files' } });
    eq(t('f', { count: 1 }), '1 файл');
    eq(t('f', { count: 3 }), '3 файла');
    eq(t('f', { count: 5 }), '5 файлов');
    eq(t('f', { count: 21 }), '21 файл');
    eq(t('f', { count: 12345 }), '12\u00a0345 файлов', 'grouped the Russian way');
    useCatalogs('en', { f: { one: '{count} file', other: '{count} files' } });
    eq(t('f', { count: 1 }), '1 file');
    eq(t('f', { count: 0 }), '0 files');
    eq(t('f', { count: 1500 }), '1500 files', 'no separator below five digits');
    eq(t('f', { count: 15000 }), '15,000 files');
    eq(formatPercent(2.5, 1), '2.5%');
  } finally {
    useCatalogs('en', {}, {});
  }
  return setLocale('en');
});

test('i18n: the landing\'s counts are plural-aware in each language', async () => {
  eq(statsText({ online: 1, waiting: 3 }), '1 online · 3 waiting');
  eq(statsText({ online: 12000 }, { now: true }), '12,000 online now');
  await withLocale('ru', () => {
    eq(statsText({ online: 1 }), '1 в сети');
    eq(statsText({ waiting: 1 }), '1 ждёт');
    eq(statsText({ waiting: 3 }), '3 ждут');
    includes(t('error.waitSeconds', { count: 2 }), '2 секунды');
    includes(t('error.waitSeconds', { count: 5 }), '5 секунд ');
    includes(t('error.waitSeconds', { count: 21 }), '21 секунду');
  });
  await withLocale('ar', () => {
    eq(statsText({ online: 2 }), 'شخصان متصلان', 'Arabic dual');
    eq(statsText({ online: 3 }), '3 أشخاص متصلون', 'Arabic few');
    eq(statsText({ online: 11 }), '11 شخصًا متصلًا', 'Arabic many');
  });
});

test('i18n: every catalog has exactly English\'s keys, the same placeholders, and every plural form its language needs', async () => {
  const en = await catalog('en');
  const enKeys = Object.keys(en).sort();
  for (const { tag } of LOCALES) {
    const c = await catalog(tag);
    const keys = Object.keys(c).sort();
    deepEq(enKeys.filter((k) => !keys.includes(k)), [], `${tag}: keys missing`);
    deepEq(keys.filter((k) => !enKeys.includes(k)), [], `${tag}: keys English does not have`);
    const rules = new Intl.PluralRules(tag);
    const needed = [...new Set(Array.from({ length: 201 }, (_, i) => rules.select(i)))];
    for (const k of keys) {
      const v = c[k];
      ok(typeof v === 'string' ? v.trim().length > 0 : !!v && typeof v === 'object', `${tag} ${k}: a text or plural forms`);
      if (typeof v === 'object') {
        ok(typeof v.other === 'string', `${tag} ${k}: an "other" form`);
        for (const cat of needed) ok(typeof v[cat] === 'string', `${tag} ${k}: the "${cat}" form`);
        for (const cat of Object.keys(v)) ok(rules.resolvedOptions().pluralCategories.includes(cat), `${tag} ${k}: "${cat}" is a ${tag} category`);
      }
      deepEq(placeholders(v), placeholders(en[k]), `${tag} ${k}: placeholders`);
    }
  }
});

test('i18n: each locale loads with only its catalog and English, and has a text for every key the page uses', async () => {
  for (const { tag } of LOCALES) {
    await withLocale(tag, () => {
      for (const k of ['landing.start', 'status.connected', 'error.internal', 'quality.good']) ok(t(k) !== k, `${tag} ${k}`);
      deepEq(missingKeys(), [], `${tag}: no key fell back to English`);
    });
  }
  const loaded = performance.getEntriesByType('resource').filter((e) => e.name.includes('/i18n/')).map((e) => e.name.split('/').pop());
  ok(loaded.every((n) => /^[a-zA-Z-]+\.json$/.test(n)), `catalogs only: ${loaded}`);
});

test('i18n: lists and language names in the page\'s language', async () => {
  eq(formatList(['chess', 'music']), 'chess and music');
  eq(languageName('es'), 'Spanish');
  eq(sharedLanguageText('es'), 'You both speak Spanish.');
  eq(sharedLanguageText('Spanish'), '', 'a primary tag only');
  eq(sharedLanguageText(undefined), '');
  eq(sharedText(['chess'], 'es'), 'You both speak Spanish. You both like chess.', 'the language first');
  eq(sharedText([], undefined), '');
  await withLocale('fr', () => {
    eq(sharedLanguageText('es'), 'Vous parlez tous les deux espagnol.');
    eq(formatList(['échecs', 'musique']), 'échecs et musique');
  });
  await withLocale('es', () => eq(sharedLanguageText('es'), 'Los dos hablan español.'));
});

test('i18n: server error codes become sentences in the page\'s language, the code kept', async () => {
  eq(describeServerError({ code: 'session-gone' }), 'That chat has ended. (session-gone)');
  await withLocale('de', () => {
    const text = describeServerError({ code: 'session-gone', message: 'That call is over' });
    ok(!text.includes('That call is over'), 'not the server\'s English');
    ok(text.endsWith('(session-gone)'), text);
    ok(!text.startsWith('error.'), text);
    const field = describeServerError({ code: 'invalid-field', message: 'interests[0] too long' });
    ok(!field.includes('too long') && field.endsWith('(invalid-field)'), `the server's English detail only on English pages: ${field}`);
  });
  includes(describeServerError({ code: 'invalid-field', message: 'interests[0] too long' }), 'interests[0] too long', 'English page');
});

test('i18n: the document is translated: text, attributes, lang and dir', async () => {
  const doc = document.implementation.createHTMLDocument('x');
  doc.body.innerHTML = '<button data-i18n="landing.start" data-i18n-attr="aria-label:controls.nextAria;title:controls.stop"></button>';
  await withLocale('ar', () => {
    applyDocument(doc);
    eq(doc.documentElement.lang, 'ar');
    eq(doc.documentElement.dir, 'rtl');
    const b = doc.querySelector('button');
    ok(b.textContent && b.textContent !== 'landing.start' && b.textContent !== 'Start Video Chat', b.textContent);
    ok(b.getAttribute('aria-label') && b.getAttribute('aria-label') !== 'Next stranger', 'aria-label translated');
    ok(b.title, 'title translated');
  });
  applyDocument(doc);
  eq(doc.documentElement.dir, 'ltr');
  eq(doc.querySelector('button').textContent, 'Start Video Chat');
});

test('languages: the page\'s language by default, up to three primary tags, remembered only when valid', () => {
  deepEq(defaultLanguages('pt-BR'), ['pt']);
  deepEq(cleanLanguages(['ES', 'es-MX', 'pt-BR', 'x', 'english', 'de', 'fr']), ['es', 'pt', 'de']);
  deepEq(parseSaved('["es","en"]'), ['es', 'en']);
  eq(parseSaved('not json'), null);
  eq(parseSaved('["xx"]'), null, 'unknown tags are dropped');
  eq(parseSaved(null), null);
  deepEq(addLanguage(['es'], 'en'), ['es', 'en']);
  deepEq(addLanguage(['es', 'en', 'fr'], 'de'), ['es', 'en', 'fr'], 'three at most');
  deepEq(addLanguage(['es'], 'es'), ['es']);
  deepEq(addLanguage(['es'], 'klingon'), ['es']);
  deepEq(removeLanguage(['es', 'en'], 'es'), ['en']);
  deepEq(removeLanguage(['es'], 'es'), ['es'], 'one language stays');
  ok(['en', 'es', 'pt', 'fr', 'de', 'hi', 'ar', 'ru', 'tr', 'id'].every((x) => PICKER_TAGS.includes(x)), 'the ten page languages');
  ok(PICKER_TAGS.every((x) => /^[a-z]{2,3}$/.test(x)), 'primary tags only');
});

test('language picker: the page\'s language by default; choose then Add (choosing alone adds nothing); remove; three at most', () => {
  const doc = document.implementation.createHTMLDocument('x');
  doc.body.innerHTML = '<select id="lang-switch"></select><ul id="langs-list"></ul><select id="langs-add"></select><button id="langs-add-button"></button>';
  const saved = {};
  const storage = { get: (k) => saved[k] ?? null, set: (k, v) => { saved[k] = v; } };
  const picker = mountLanguagePicker({ doc, storage });
  const chips = () => [...doc.querySelectorAll('#langs-list [data-tag]')].map((li) => li.dataset.tag);
  deepEq(chips(), ['en']);
  eq(doc.getElementById('lang-switch').options.length, 10, 'the ten page languages');
  eq(doc.querySelector('#langs-list li').textContent, 'English', 'named in the page\'s language; the only one cannot be removed');
  const add = doc.getElementById('langs-add');
  add.value = 'es';
  add.dispatchEvent(new Event('change'));
  deepEq(chips(), ['en'], 'a change of the list alone adds nothing (arrow keys step through it)');
  doc.getElementById('langs-add-button').click();
  deepEq(chips(), ['en', 'es']);
  eq(saved['tandem.languages'], '["en","es"]', 'remembered');
  deepEq(picker.languages(), ['en', 'es']);
  eq(doc.querySelector('#langs-list [data-tag="es"] button').getAttribute('aria-label'), 'Remove Spanish');
  add.value = 'ar';
  add.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
  deepEq(chips(), ['en', 'es', 'ar'], 'Enter on the list adds too');
  ok(add.disabled && doc.getElementById('langs-add-button').disabled, 'full at three');
  eq(add.options[0].textContent, 'Up to 3 languages');
  doc.querySelector('#langs-list [data-tag="en"] button').click();
  deepEq(chips(), ['es', 'ar']);
  ok(!add.disabled, 'room again');
});
