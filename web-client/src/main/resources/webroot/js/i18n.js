// i18n.js: the page's language. Every text a person sees comes from a message catalog (i18n/<locale>.json):
// the page picks the browser's language (navigator.languages) or the one chosen on the landing (remembered in
// localStorage), falls back to English key by key, and formats numbers, plurals, lists and language names
// through Intl. Only the chosen catalog and English are loaded. Rules for adding a language: docs/i18n.md.

/** The shipped catalogs, each with its name in its own language (what the language switch lists). */
export const LOCALES = Object.freeze([
  { tag: 'en', name: 'English' },
  { tag: 'es', name: 'Español' },
  { tag: 'pt-BR', name: 'Português (Brasil)' },
  { tag: 'fr', name: 'Français' },
  { tag: 'de', name: 'Deutsch' },
  { tag: 'hi', name: 'हिन्दी' },
  { tag: 'ar', name: 'العربية' },
  { tag: 'ru', name: 'Русский' },
  { tag: 'tr', name: 'Türkçe' },
  { tag: 'id', name: 'Bahasa Indonesia' },
]);

/** The catalog every other one falls back to, key by key. */
export const FALLBACK = 'en';
/** Locales written right to left (the page gets dir="rtl"). */
const RTL = new Set(['ar']);
/** localStorage key of the language chosen on the landing. */
export const STORAGE_KEY = 'tandem.lang';

const catalogs = new Map();   // tag → messages
const missed = new Set();     // keys asked for but absent from the current catalog (or from all)
let locale = FALLBACK;
let messages = {};
let fallback = {};
let plurals = null;
let numbers = null;

/**
 * The shipped locale for a list of wanted ones (navigator.languages order): an exact tag first ("pt-BR"),
 * else the same primary language ("pt-PT" → "pt-BR", "es-MX" → "es"); English when none fits.
 */
export function pickLocale(wanted, shipped = LOCALES.map((l) => l.tag)) {
  for (const raw of Array.isArray(wanted) ? wanted : []) {
    if (typeof raw !== 'string' || !raw.trim()) continue;
    const want = raw.trim().toLowerCase();
    const exact = shipped.find((t) => t.toLowerCase() === want);
    if (exact) return exact;
    const primary = want.split('-')[0];
    const same = shipped.find((t) => t.toLowerCase().split('-')[0] === primary);
    if (same) return same;
  }
  return FALLBACK;
}

/**
 * A server's own words (always English: the server sends codes, and English detail for developers), shown
 * only to an English page; other pages show their catalog's sentence for the code alone.
 */
export function serverDetail(text) {
  return primaryTag(locale) === FALLBACK && typeof text === 'string' ? text : '';
}

/** The primary language subtag of a locale ("pt-BR" → "pt"), lowercase. */
export function primaryTag(tag) { return String(tag || '').split('-')[0].toLowerCase(); }

export function isRtl(tag = locale) { return RTL.has(primaryTag(tag)); }

export function currentLocale() { return locale; }

/** Where a catalog is served from (next to this module's folder: /i18n/<tag>.json). */
export function catalogUrl(tag) { return new URL(`../i18n/${tag}.json`, import.meta.url).href; }

async function fetchCatalog(tag) {
  const res = await fetch(catalogUrl(tag), { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`catalog ${tag}: HTTP ${res.status}`);
  return res.json();
}

async function load(tag, fetchJson) {
  if (!catalogs.has(tag)) catalogs.set(tag, await fetchJson(tag));
  return catalogs.get(tag);
}

/**
 * Makes `tag` the page's language (a shipped one; anything else becomes English), loading its catalog and
 * English at once. A catalog that cannot be loaded leaves English. → the locale in use.
 */
export async function setLocale(tag, fetchJson = fetchCatalog) {
  const want = LOCALES.some((l) => l.tag === tag) ? tag : FALLBACK;
  const [base, own] = await Promise.all([
    load(FALLBACK, fetchJson),
    want === FALLBACK ? null : load(want, fetchJson).catch(() => null),
  ]);
  fallback = base;
  locale = own ? want : FALLBACK;
  messages = own || base;
  plurals = new Intl.PluralRules(locale);
  numbers = numberFormat(locale);
  missed.clear();
  return locale;
}

/** Installs a catalog directly (unit tests): `msgs` for `tag`, `base` as the English fallback. */
export function useCatalogs(tag, msgs, base = msgs) {
  fallback = base;
  locale = tag;
  messages = msgs;
  plurals = new Intl.PluralRules(tag);
  numbers = numberFormat(tag);
  missed.clear();
}

/** The key exists in the current catalog or in English. */
export function has(key) { return key in messages || key in fallback; }

/** Counts as the locale writes them; a separator from five digits on ("1000 characters", "12,000 online"). */
const numberFormat = (tag) => new Intl.NumberFormat(tag, { useGrouping: 'min2' });

export function formatNumber(n) { return (numbers || numberFormat(locale)).format(n); }

/** A percentage (42 → "42%", "42 %" or "%42" by locale) with at most `digits` decimals. */
export function formatPercent(pct, digits = 0) {
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits })
    .format(pct / 100);
}

/** "chess, music and films" in the page's language. */
export function formatList(items) {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items.map(String));
}

/** A language's name in the page's language ("es" → "Spanish" on an English page, "espagnol" on a French one). */
export function languageName(tag, inLocale = locale) {
  try {
    const name = new Intl.DisplayNames([inLocale], { type: 'language' }).of(tag);
    return name || tag;
  } catch {
    return tag;
  }
}

function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (m, k) => {
    if (!(k in params)) return m;
    const v = params[k];
    return typeof v === 'number' ? formatNumber(v) : String(v);
  });
}

/**
 * The text for `key` with {placeholders} filled from `params` (numbers formatted for the locale). A plural
 * message is an object of Intl.PluralRules categories ({"one": …, "other": …}) chosen by params.count.
 * A key the catalog lacks falls back to English and is reported by missingKeys(); one English lacks too
 * comes back as the key itself.
 */
export function t(key, params = {}) {
  let v = messages[key];
  if (v === undefined) {
    missed.add(key);
    v = fallback[key];
    if (v === undefined) return key;
  }
  if (typeof v === 'object' && v) {
    const n = Number(params.count);
    const rules = plurals || new Intl.PluralRules(locale);
    v = v[rules.select(Number.isFinite(n) ? n : 0)] ?? v.other ?? key;
  }
  return fill(String(v), params);
}

/** Keys asked for since the locale was set that its catalog lacks (the browser tests read it). */
export function missingKeys() { return [...missed].sort(); }

/**
 * Translates a document: <html lang dir>, every [data-i18n] element's text and every
 * [data-i18n-attr="attr:key;attr:key"] attribute.
 */
export function applyDocument(doc = document) {
  doc.documentElement.lang = locale;
  doc.documentElement.dir = isRtl() ? 'rtl' : 'ltr';
  doc.documentElement.dataset.i18nReady = '';
  for (const el of doc.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of doc.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((x) => x.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/** The locale to start with: the one chosen before (if still shipped), else the browser's languages. */
export function initialLocale(saved, browserLanguages) {
  if (saved && LOCALES.some((l) => l.tag === saved)) return saved;
  return pickLocale(browserLanguages);
}
