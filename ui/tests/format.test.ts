import { describe, expect, it } from 'vitest';
import { money, date, relative, parseMoney, daysUntil, percent } from '../src/lib/format';

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money', () => {
  it('formats minor units in the currency and the locale', () => {
    expect(money(1234567, 'USD', 'en')).toBe('$12,345.67');
    expect(nbsp(money(1234567, 'PLN', 'pl'))).toBe('12 345,67 zł');
    expect(nbsp(money(150000, 'EUR', 'it'))).toBe('1500,00 €');
  });

  it('shortens large amounts in compact form', () => {
    expect(money(150_000_000, 'USD', 'en', true)).toBe('$1.5M');
  });
});

describe('dates', () => {
  it('formats a calendar date without shifting it by the time zone', () => {
    expect(date('2026-01-01', 'en')).toBe('Jan 1, 2026');
  });

  it('says how far away a time is, in words', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(relative('2026-11-26T12:00:00Z', 'en', now)).toBe('in 3 days');
    expect(relative('2026-11-09T12:00:00Z', 'en', now)).toBe('2 weeks ago');
    expect(relative('2026-11-22T12:00:00Z', 'en', now)).toBe('yesterday');
    expect(relative('2026-11-26T12:00:00Z', 'pl', now)).toBe('za 3 dni');
  });

  it('counts days to a date', () => {
    expect(daysUntil('2026-12-01', '2026-11-23')).toBe(8);
    expect(daysUntil('2026-11-20', '2026-11-23')).toBe(-3);
  });
});

describe('parseMoney', () => {
  it('reads amounts the way people type them', () => {
    expect(parseMoney('150')).toBe(15000);
    expect(parseMoney('150.5')).toBe(15050);
    expect(parseMoney('150,50')).toBe(15050);
    expect(parseMoney('1,500.00')).toBe(150000);
    expect(parseMoney(' 12 000 ')).toBe(1200000);
  });

  it('refuses what is not an amount', () => {
    expect(parseMoney('')).toBeNull();
    expect(parseMoney('abc')).toBeNull();
    expect(parseMoney('-5')).toBeNull();
    expect(parseMoney('1.234')).toBe(123400);
  });
});

it('formats percentages', () => {
  expect(percent(7.2, 'en')).toBe('7%');
});

it('drops a trailing .0 in compact amounts, whatever the engine', () => {
  expect(money(8_700_000, 'USD', 'en', true)).toBe('$87K');
  expect(money(0, 'USD', 'en', true)).toBe('$0');
});
