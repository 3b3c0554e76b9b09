import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { catalogs, LANGS, translate, type Entry } from '../src/lib/i18n';
import { BUYING_ROLES, GIFT_PERIODS, LIFECYCLES, OBJECTION_CATEGORIES, OPP_KINDS } from '../src/lib/types';

const en = catalogs.en;
const placeholders = (e: Entry) => new Set([...(typeof e === 'string' ? e : Object.values(e).join(' ')).matchAll(/\{(\w+)\}/g)].map((m) => m[1]));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(svelte|ts)$/.test(f) ? [p] : [];
  });
}

describe('locale files', () => {
  for (const lang of LANGS.filter((l) => l !== 'en')) {
    it(`${lang} has every English key and no others`, () => {
      const missing = Object.keys(en).filter((k) => !(k in catalogs[lang]));
      const extra = Object.keys(catalogs[lang]).filter((k) => !(k in en));
      expect(missing).toEqual([]);
      expect(extra).toEqual([]);
    });

    it(`${lang} keeps the placeholders of each English message`, () => {
      const wrong = Object.keys(en).filter((k) => k in catalogs[lang])
        .filter((k) => [...placeholders(catalogs[lang][k])].sort().join() !== [...placeholders(en[k])].sort().join());
      expect(wrong).toEqual([]);
    });
  }

  for (const lang of LANGS) {
    it(`${lang} gives every plural message the forms its plural rules use`, () => {
      const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      const wrong = Object.entries(catalogs[lang]).filter(([, e]) => typeof e !== 'string')
        .filter(([, e]) => forms.some((f) => !(f in (e as object)))).map(([k]) => k);
      expect(wrong).toEqual([]);
    });
  }

  it('has an English message for every literal key the source uses', () => {
    const used = new Set<string>();
    for (const file of sources(join(__dirname, '..', 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-z_]+(?:\.[a-z0-9_]+)+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/label: '([a-z_]+(?:\.[a-z0-9_]+)+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/key: '([a-z_]+(?:\.[a-z0-9_]+)+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(200);
    expect([...used].filter((k) => !(k in en))).toEqual([]);
  });

  it('has a message for every value of the enums shown by name', () => {
    const keys = [
      ...LIFECYCLES.map((x) => `lifecycle.${x}`), ...BUYING_ROLES.map((x) => `role.${x}`), ...OPP_KINDS.map((x) => `kind.${x}`),
      ...OBJECTION_CATEGORIES.map((x) => `objection.${x}`), ...GIFT_PERIODS.map((x) => `gift_period.${x}`),
      ...['good', 'attention', 'risk'].map((x) => `health.${x}`), ...['note', 'call', 'meeting', 'email'].map((x) => `note.kind.${x}`),
      ...['gift', 'entertainment'].map((x) => `gift.kind.${x}`), ...['low', 'normal', 'high'].map((x) => `priority.${x}`),
      ...['open', 'won', 'lost'].map((x) => `outcome.${x}`), ...['email', 'phone', 'text', 'video', 'in_person'].map((x) => `comm.${x}`),
      ...['owned', 'in_open_opportunity', 'not_owned'].map((x) => `whitespace.cell.${x}`),
      ...['overview', 'people', 'timeline', 'opportunities', 'products', 'contracts', 'gifts', 'tasks'].map((x) => `account.tab.${x}`),
      ...['account', 'contact', 'note', 'meeting', 'opportunity', 'objection', 'task', 'gift', 'contract'].map((x) => `kind_entity.${x}`),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });
});

describe('translate', () => {
  it('fills placeholders and picks the plural form of the language', () => {
    expect(translate('en', 'accounts.count', { count: 1 })).toBe('1 account');
    expect(translate('en', 'accounts.count', { count: 12345 })).toBe('12,345 accounts');
    expect(translate('pl', 'today.overdue', { count: 1 })).toBe('1 dzień po terminie');
    expect(translate('pl', 'search.count', { count: 2 })).toBe('2 wyniki');
    expect(translate('pl', 'search.count', { count: 5 })).toBe('5 wyników');
    expect(translate('pl', 'search.count', { count: 22 })).toBe('22 wyniki');
    expect(translate('es', 'search.count', { count: 1 })).toBe('1 resultado');
    expect(translate('it', 'sync.state.offline', { count: 3 })).toBe('Offline: 3 modifiche verranno sincronizzate');
  });

  it("writes numbers in each language's own way, one after another", () => {
    expect(translate('en', 'accounts.count', { count: 12345 })).toBe('12,345 accounts');
    expect(translate('pl', 'accounts.count', { count: 12345 })).toBe('12\u00a0345 klientów');
    expect(translate('es', 'accounts.count', { count: 12345 })).toBe('12.345 cuentas');
    expect(translate('en', 'accounts.count', { count: 2000 })).toBe('2,000 accounts');
  });

  it('shows the key rather than nothing when a message is unknown', () => {
    expect(translate('it', 'no.such.key')).toBe('no.such.key');
  });
});
