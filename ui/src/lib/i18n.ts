// Translations: flat keys in src/locales/<lang>.json, `{name}` placeholders, and plural forms
// chosen by Intl.PluralRules ({"one": "...", "few": "...", "other": "..."}).
import en from '../locales/en.json';
import es from '../locales/es.json';
import pl from '../locales/pl.json';
import it from '../locales/it.json';
// Import and export keep their strings apart (locales/io/) so they merge without collisions.
import ioEn from '../locales/io/en.json';
import ioEs from '../locales/io/es.json';
import ioPl from '../locales/io/pl.json';
import ioIt from '../locales/io/it.json';

export type Lang = 'en' | 'es' | 'pl' | 'it';
export const LANGS: Lang[] = ['en', 'es', 'pl', 'it'];
export type Entry = string | Partial<Record<Intl.LDMLPluralRule, string>>;
export type Messages = Record<string, Entry>;

export const catalogs: Record<Lang, Messages> = {
  en: { ...en, ...ioEn }, es: { ...es, ...ioEs }, pl: { ...pl, ...ioPl }, it: { ...it, ...ioIt },
} as Record<Lang, Messages>;
export type Key = keyof typeof en | keyof typeof ioEn;
export type Params = Record<string, string | number>;

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGS as string[]).includes(x);
}

const pluralRules = new Map<Lang, Intl.PluralRules>();
// One number formatter per language: making one costs some 75 µs, formatting with it under 1.
const numberFormats = new Map<Lang, Intl.NumberFormat>();

function interpolate(s: string, params: Params, lang: Lang): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) return `{${k}}`;
    if (typeof v !== 'number') return v;
    let f = numberFormats.get(lang);
    if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(lang)));
    return f.format(v);
  });
}

/** The message for `key` in `lang` (English if missing there), with its placeholders filled. */
export function translate(lang: Lang, key: string, params: Params = {}): string {
  const entry = catalogs[lang][key] ?? catalogs.en[key];
  if (entry === undefined) return key;
  if (typeof entry === 'string') return interpolate(entry, params, lang);
  const n = typeof params.count === 'number' ? params.count : 0;
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  const form = entry[rules.select(n)] ?? entry.other ?? '';
  return interpolate(form, params, lang);
}
