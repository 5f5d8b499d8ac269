// The pages' language: which one is chosen, its message catalogue, and Intl formatting in it.
//
// Catalogues are JSON files under /assets/i18n/, one per language (en.json, zh-CN.json), each a
// flat object of key → text. A text may hold {name} placeholders; a plural text is an object of
// Intl.PluralRules categories ({"one": "…", "other": "…"}) chosen by the number {count}.
// Every key is used literally in a page or script as t('bell.unread') or data-i18n="bell.empty"
// (also data-i18n-aria-label, data-i18n-placeholder, data-i18n-title), so I18nCatalogueTest can
// check that every catalogue has exactly the keys the pages use.
//
// The language: ?lang=xx forces it; else the one chosen with the switcher (localStorage); else
// the first of navigator.languages that has a catalogue (by exact tag, then by its base
// language); else English. To add a language, add its catalogue and its tag to LANGUAGES.

/** The languages that have a catalogue, in the order the switcher lists them. */
export const LANGUAGES = Object.freeze(['en', 'zh-CN']);
export const DEFAULT_LANGUAGE = 'en';
const STORAGE_KEY = 'herald.lang';

let language = DEFAULT_LANGUAGE;
/** @type {Record<string, any>} */ let messages = {};
/** @type {Record<string, any>} */ let fallback = {};

/**
 * Picks the language from the query, the stored choice and the browser's languages.
 * @param {{search?: string, stored?: string | null, preferred?: readonly string[]}} sources
 */
export function chooseLanguage({ search = '', stored = null, preferred = [] } = {}) {
  const forced = new URLSearchParams(search).get('lang');
  for (const candidate of [forced, stored, ...preferred]) {
    const match = supported(candidate);
    if (match) return match;
  }
  return DEFAULT_LANGUAGE;
}

/** The supported tag for `tag` (exact, case-insensitive, then by base language), or null. */
export function supported(tag) {
  if (!tag) return null;
  const lower = String(tag).toLowerCase();
  const exact = LANGUAGES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const base = lower.split('-')[0];
  return LANGUAGES.find((l) => l.toLowerCase().split('-')[0] === base) ?? null;
}

/**
 * Chooses the language, loads its catalogue (and the English one for missing keys), sets
 * <html lang>, and translates the page's data-i18n markup. Call once before rendering anything.
 */
export async function initI18n({ fetchFn = fetch } = {}) {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage blocked: follow the browser
  }
  language = chooseLanguage({ search: location.search, stored, preferred: navigator.languages ?? [navigator.language] });
  const load = (tag) => fetchFn(`/assets/i18n/${tag}.json`).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  [messages, fallback] = await Promise.all([load(language), language === DEFAULT_LANGUAGE ? null : load(DEFAULT_LANGUAGE)]);
  fallback ??= messages;
  document.documentElement.lang = language;
  translate(document);
  return language;
}

/** Uses the given catalogue directly (for tests of the formatting, without a page). */
export function useCatalogue(tag, catalogue, english = catalogue) {
  language = tag;
  messages = catalogue;
  fallback = english;
}

/** The chosen language's tag, e.g. "zh-CN". */
export function currentLanguage() {
  return language;
}

/**
 * The text of `key` in the chosen language, with {name} placeholders filled from `params`
 * (numbers formatted with Intl.NumberFormat). A plural text is chosen by `params.count`.
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params = {}) {
  let text = messages[key] ?? fallback[key];
  if (text == null) return key;
  if (typeof text === 'object') {
    const rule = new Intl.PluralRules(language).select(Number(params.count ?? 0));
    text = text[rule] ?? text.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    const value = params[name];
    if (value == null) return whole;
    return typeof value === 'number' ? formatNumber(value) : String(value);
  });
}

/** Translates data-i18n (text) and data-i18n-<attribute> (attribute) markup under `root`. */
export function translate(root) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const attribute of ['aria-label', 'placeholder', 'title']) {
    for (const node of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      node.setAttribute(attribute, t(node.getAttribute(`data-i18n-${attribute}`)));
    }
  }
}

/**
 * Fills the language switcher (a <select>) and switches on change: the choice is stored and the
 * page loads again in the new language (a forced ?lang= is dropped from the address).
 * @param {HTMLSelectElement} select
 */
export function mountLanguageSwitcher(select) {
  for (const tag of LANGUAGES) {
    const option = document.createElement('option');
    option.value = tag;
    option.lang = tag;
    option.textContent = languageName(tag);
    option.selected = tag === language;
    select.append(option);
  }
  select.addEventListener('change', () => {
    try {
      localStorage.setItem(STORAGE_KEY, select.value);
    } catch {
      // storage blocked: the address carries the choice instead
    }
    const url = new URL(location.href);
    url.searchParams.set('lang', select.value);
    location.replace(url.href);
  });
}

/** A language's own name for itself, e.g. "中文（简体）" for zh-CN. */
function languageName(tag) {
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
    if (name) return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
  } catch {
    // no DisplayNames: the tag itself
  }
  return tag;
}

/** A number in the chosen language, e.g. 1,234 / 1,234. */
export function formatNumber(value, options) {
  return new Intl.NumberFormat(language, options).format(value);
}

/**
 * A short "how long ago" for lists: "just now", "5 min ago" / "5分钟前", "3 hr. ago", then the date.
 * @param {string} iso
 * @param {number} [now]
 */
export function timeAgo(iso, now = Date.now()) {
  const time = Date.parse(iso ?? '');
  if (Number.isNaN(time)) return '';
  const seconds = Math.round((now - time) / 1000);
  if (seconds < 45) return t('time.just_now');
  const relative = new Intl.RelativeTimeFormat(language, { numeric: 'always', style: 'short' });
  if (seconds < 3600) return relative.format(-Math.max(1, Math.round(seconds / 60)), 'minute');
  if (seconds < 86400) return relative.format(-Math.round(seconds / 3600), 'hour');
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(time);
}

/** Date and time in the chosen language, or '' when absent. */
export function dateTime(iso) {
  const time = Date.parse(iso ?? '');
  return Number.isNaN(time) ? '' : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(time);
}

/** The time of day now, e.g. for "Updated 12:03:04". */
export function timeOfDay(date = new Date()) {
  return new Intl.DateTimeFormat(language, { timeStyle: 'medium' }).format(date);
}
