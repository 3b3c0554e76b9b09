// Dates and money in the user's locale, through Intl.
import type { Lang } from './i18n';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function memo<X extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => X): X {
  let f = cache.get(key) as X | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** Minor units (cents) in the currency, e.g. 1234567 USD -> "$12,345.67" in en. */
export function money(cents: number, currency: string, lang: Lang, compact = false): string {
  const f = memo(`m|${lang}|${currency}|${compact}`, () => new Intl.NumberFormat(lang, {
    style: 'currency', currency, ...(compact ? { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 } : {}),
  }));
  return f.format(cents / 100);
}

export function number(n: number, lang: Lang, digits = 0): string {
  return memo(`n|${lang}|${digits}`, () => new Intl.NumberFormat(lang, { maximumFractionDigits: digits })).format(n);
}

export function percent(p: number, lang: Lang): string {
  return memo(`p|${lang}`, () => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 })).format(p / 100);
}

function toDate(x: string | number | Date): Date {
  if (x instanceof Date) return x;
  if (typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x)) return new Date(`${x}T12:00:00Z`);
  return new Date(x);
}

/** A calendar date ("2026-11-23") or instant as a medium date. */
export function date(x: string | number | Date, lang: Lang): string {
  const plain = typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x);
  return memo(`d|${lang}|${plain}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', ...(plain ? { timeZone: 'UTC' } : {}) })).format(toDate(x));
}

export function dateTime(x: string | number | Date, lang: Lang): string {
  return memo(`dt|${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' })).format(toDate(x));
}

export function time(x: string | number | Date, lang: Lang): string {
  return memo(`t|${lang}`, () => new Intl.DateTimeFormat(lang, { timeStyle: 'short' })).format(toDate(x));
}

/** "in 3 days", "2 hours ago", "yesterday": the largest unit that fits. */
export function relative(x: string | number | Date, lang: Lang, now: Date = new Date()): string {
  const diff = toDate(x).getTime() - now.getTime();
  const abs = Math.abs(diff);
  const f = memo(`r|${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })) as Intl.RelativeTimeFormat;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86_400_000], ['month', 30 * 86_400_000], ['week', 7 * 86_400_000], ['day', 86_400_000],
    ['hour', 3_600_000], ['minute', 60_000],
  ];
  for (const [unit, ms] of units) {
    if (abs >= ms) return f.format(Math.round(diff / ms), unit);
  }
  return f.format(0, 'minute');
}

/** Days from `today` to a calendar date (negative when past). */
export function daysUntil(day: string, today: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** "150.00" or "150,5" typed by the user, in minor units; null when it is not an amount. */
export function parseMoney(text: string): number | null {
  const s = text.trim().replace(/\s/g, '');
  if (!s) return null;
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(s.replace(/[.,](?=\d{3}(\D|$))/g, ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/** Minor units as the user would type them back into an amount field ("1500", "1500.50"; a
 *  decimal comma outside English). parseMoney reads it back to the same cents. */
export function amountInput(cents: number, lang: Lang): string {
  const whole = Math.trunc(cents / 100);
  const frac = Math.abs(cents % 100);
  return frac === 0 ? String(whole) : `${whole}${lang === 'en' ? '.' : ','}${String(frac).padStart(2, '0')}`;
}
