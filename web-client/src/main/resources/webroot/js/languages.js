// languages.js: the languages a person speaks (issue 26): up to MAX_LANGUAGES primary tags, the page's
// language by default, edited on the landing and remembered in localStorage. They go with the token
// request and join-queue as `languages`; the matchmaker prefers a stranger who shares one. Pure functions.
import { cleanLanguages, MAX_LANGUAGES } from './state.js';
import { primaryTag } from './i18n.js';

export { MAX_LANGUAGES };

/** localStorage key of the chosen languages (a JSON array); absent: they follow the page's language. */
export const LANGUAGES_KEY = 'tandem.languages';

/**
 * The languages the landing's picker offers: the ten the page is written in, then other widely spoken ones
 * (primary tags, named in the page's language through Intl.DisplayNames).
 */
export const PICKER_TAGS = Object.freeze(['en', 'es', 'pt', 'fr', 'de', 'hi', 'ar', 'ru', 'tr', 'id',
  'zh', 'ja', 'ko', 'it', 'bn', 'ur', 'fa', 'vi', 'pl', 'uk', 'nl', 'th', 'sw']);

/** The default: the page's language. */
export function defaultLanguages(locale) { return [primaryTag(locale)]; }

/** The saved choice (only tags the picker knows), or null when none was saved (or it is unreadable). */
export function parseSaved(text) {
  if (typeof text !== 'string' || !text) return null;
  try {
    const list = cleanLanguages(JSON.parse(text)).filter((tag) => PICKER_TAGS.includes(tag));
    return list.length ? list : null;
  } catch {
    return null;
  }
}

/** `list` with `tag` added at the end (unchanged when already there, unknown or full). */
export function addLanguage(list, tag) {
  if (!PICKER_TAGS.includes(tag) || list.includes(tag) || list.length >= MAX_LANGUAGES) return list;
  return [...list, tag];
}

/** `list` without `tag`; the last one cannot be removed (a person speaks at least one language). */
export function removeLanguage(list, tag) {
  return list.length > 1 ? list.filter((x) => x !== tag) : list;
}
