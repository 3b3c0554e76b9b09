import { describe, expect, it, vi, afterEach } from 'vitest';
import { buildQuery, emptyFilter, isFiltered, loadViews, saveViews } from '../src/lib/accounts/query';
import { reportCandidates } from '../src/lib/accounts/people';
import { amountInput, parseMoney } from '../src/lib/format';
import { columns, neighbour } from '../src/lib/pipeline/board';
import { ordered, orgChart } from '../src/lib/accounts/timeline';
import { statusWords } from '../src/lib/sync/status';
import { renderMarkdown } from '../src/components/markdown';
import { hitRoute } from '../src/lib/search';
import { defaultSettings } from '../src/lib/defaults';
import { AppError } from '../src/lib/errors';
import { fieldErrors, errorMessage } from '../src/lib/messages';
import { setLang } from '../src/lib/locale.svelte';
import { app, withProgress } from '../src/lib/app.svelte';
import type { Contact, Note, Opportunity, Rec } from '../src/lib/types';

const rec = <T>(id: string, data: T): Rec<T> => ({ ...data, id, space: 's', created_at: '', updated_at: '', deleted: false });

describe('accounts list query', () => {
  it('turns the filters into core list filters and sort keys', () => {
    const q = buildQuery({ text: ' acme ', tier: 'A', lifecycle: '', owner: 'Sam', tag: 'emea', sort: 'value' });
    expect(q.filters).toEqual([
      { field: 'name', op: 'like', value: 'acme' }, { field: 'tier', op: 'eq', value: 'A' },
      { field: 'owner', op: 'like', value: 'Sam' }, { field: 'tags', op: 'contains', value: 'emea' },
    ]);
    expect(q.sort?.[0]).toEqual({ field: 'annual_value_cents', desc: true });
  });

  it('keeps saved views across restarts and ignores a damaged store', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const view = { name: 'Tier A', filter: { text: '', tier: 'A', lifecycle: '', owner: '', tag: '', sort: 'name' as const } };
    saveViews([view], storage);
    // A view saved before the health filter existed comes back with it unset.
    expect(loadViews(storage)).toEqual([{ ...view, filter: { ...view.filter, health: '' } }]);
    store.set('rapport.accountViews', '{not json');
    expect(loadViews(storage)).toEqual([]);
  });
});

describe('forms', () => {
  it('filters accounts by health band alongside the other filters', () => {
    const q = buildQuery({ ...emptyFilter('name'), tier: 'A', health: 'risk' });
    expect(q.filters).toEqual([{ field: 'tier', op: 'eq', value: 'A' }, { field: 'health', op: 'eq', value: 'risk' }]);
    expect(isFiltered(emptyFilter())).toBe(false);
    expect(isFiltered({ ...emptyFilter(), health: 'good' })).toBe(true);
  });

  it('offers as a manager only people who do not report to the person, directly or not', () => {
    const p = (id: string, boss: string | null) => rec(id, { first_name: id, last_name: '', reports_to: boss } as unknown as Contact);
    const people = [p('ceo', null), p('vp', 'ceo'), p('mgr', 'vp'), p('ic', 'mgr'), p('peer', 'ceo')];
    expect(reportCandidates(people, 'vp').map((c) => c.id)).toEqual(['ceo', 'peer']);
    expect(reportCandidates(people).map((c) => c.id)).toEqual(['ceo', 'vp', 'mgr', 'ic', 'peer']);
  });

  it('puts an amount back in its field the way parseMoney reads it', () => {
    for (const cents of [0, 150_000, 150_050, 5]) {
      for (const lang of ['en', 'pl'] as const) expect(parseMoney(amountInput(cents, lang))).toBe(cents);
    }
    expect(amountInput(150_050, 'es')).toBe('1500,50');
  });

  it('says what to fix for a field core refused, in the user\'s language', () => {
    setLang('en');
    expect(errorMessage(new AppError('invalid', 'reports_to: this would make a reporting loop', 'reports_to'))).toMatch(/loop/);
    setLang('pl');
    expect(errorMessage(new AppError('invalid', 'email: bad', 'email'))).toMatch(/adres e-mail/);
    expect(errorMessage(new AppError('invalid', 'statement: is required', 'statement'))).toContain('Obiekcja');
    setLang('en');
  });
});

describe('pipeline board', () => {
  const stages = defaultSettings().stages;
  const opp = (id: string, stage: string, kind: Opportunity['kind'], amount: number) =>
    rec(id, { stage, kind, amount_cents: amount, probability: null, close_date: null } as Opportunity);

  it('groups by stage with totals and weighted totals, filtered by kind', () => {
    const cols = columns([opp('1', 'Propose', 'upsell', 1000), opp('2', 'Propose', 'renewal', 3000), opp('3', 'Qualify', 'upsell', 500)], stages, new Set());
    const propose = cols.find((c) => c.stage.name === 'Propose');
    expect(propose).toMatchObject({ total_cents: 4000, weighted_cents: 2000 });
    const upsellOnly = columns([opp('1', 'Propose', 'upsell', 1000), opp('2', 'Propose', 'renewal', 3000)], stages, new Set(['upsell']));
    expect(upsellOnly.find((c) => c.stage.name === 'Propose')?.items.map((o) => o.id)).toEqual(['1']);
  });

  it('moves one stage left or right, and not past either end', () => {
    expect(neighbour(stages, 'Discover', 1)?.name).toBe('Propose');
    expect(neighbour(stages, 'Discover', -1)?.name).toBe('Qualify');
    expect(neighbour(stages, 'Qualify', -1)).toBeNull();
    expect(neighbour(stages, 'Closed Lost', 1)).toBeNull();
  });
});

describe('timeline and org chart', () => {
  it('puts pinned notes first, then the newest', () => {
    const n = (id: string, at: string, pinned = false) => rec(id, { occurred_at: at, pinned } as Note);
    expect(ordered([n('old', '2026-01-01'), n('new', '2026-06-01'), n('pin', '2025-01-01', true)]).map((x) => x.id)).toEqual(['pin', 'new', 'old']);
  });

  it('builds the org chart from reports-to, surviving a cycle', () => {
    const c = (id: string, reports_to: string | null) => rec(id, { first_name: id, last_name: '', reports_to } as Contact);
    const tree = orgChart([c('ceo', null), c('cfo', 'ceo'), c('ap', 'cfo'), c('x', 'y'), c('y', 'x')]);
    expect(tree[0].contact.id).toBe('ceo');
    expect(tree[0].reports[0].reports[0].contact.id).toBe('ap');
    expect(tree.flatMap(function all(n): string[] { return [n.contact.id, ...n.reports.flatMap(all)]; }).sort()).toEqual(['ap', 'ceo', 'cfo', 'x', 'y']);
  });
});

describe('sync status in words', () => {
  it('shows offline calmly, in grey, and sign-in as something to do', () => {
    expect(statusWords({ state: 'offline', changes: 14 })).toMatchObject({ key: 'sync.state.offline', params: { count: 14 }, tone: 'muted' });
    expect(statusWords({ state: 'needs_sign_in', changes: 0 }).tone).toBe('attention');
    expect(statusWords({ state: 'synced', at: 5 })).toMatchObject({ tone: 'ok', since: 5 });
    expect(statusWords({ state: 'error', changes: 1, message: 'x' }).tone).toBe('risk');
  });
});

describe('markdown', () => {
  it('renders lists, emphasis and links, and escapes HTML', () => {
    const html = renderMarkdown('**Hi** <script>alert(1)</script>\n\n- one\n- [two](https://x.example)');
    expect(html).toContain('<strong>Hi</strong> &lt;script&gt;');
    expect(html).toContain('<ul><li>one</li><li><a href="https://x.example"');
    expect(renderMarkdown('[x](javascript:alert(1))')).not.toContain('href');
  });
});

describe('search hits', () => {
  it('open the account tab that shows them', () => {
    expect(hitRoute({ kind: 'note', id: 'n', account_id: 'a', title: '', snippet: [], score: 0 })).toBe('/accounts/a/timeline');
    expect(hitRoute({ kind: 'account', id: 'a', account_id: 'a', title: '', snippet: [], score: 0 })).toBe('/accounts/a');
    expect(hitRoute({ kind: 'contact', id: 'c', account_id: 'a', title: '', snippet: [], score: 0 })).toBe('/accounts/a/people');
  });
});

describe('errors in the user language', () => {
  it('puts an invalid field error next to its field, translated', () => {
    setLang('en');
    expect(fieldErrors(new AppError('invalid', 'name: is required', 'name'))).toEqual({ name: 'Check Name: it is missing or not valid.' });
    setLang('pl');
    expect(fieldErrors({ code: 'invalid', message: 'x', field: 'email' }).email).not.toContain('Check');
    setLang('en');
  });

  it('maps codes, never message text', () => {
    expect(errorMessage(new AppError('offline', 'whatever the server said'))).toBe('You are offline. Your change is kept and will sync later.');
    expect(fieldErrors(new AppError('storage', 'disk full'))._form).toContain('could not be written');
  });
});

describe('progress', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the busy indicator only once a call has taken half a second', async () => {
    vi.useFakeTimers();
    let finish!: () => void;
    const p = withProgress(new Promise<void>((r) => { finish = r; }));
    vi.advanceTimersByTime(499);
    expect(app.showBusy).toBe(false);
    vi.advanceTimersByTime(1);
    expect(app.showBusy).toBe(true);
    finish();
    await p;
    expect(app.showBusy).toBe(false);
  });
});
