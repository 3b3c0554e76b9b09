import { describe, expect, it } from 'vitest';
import { AppError, TauriBackend, wantsFake } from '../src/lib/api';
import { FakeBackend } from '../src/lib/fake/index';

const now = () => new Date('2026-11-23T08:00:00Z');

describe('choosing the backend', () => {
  it('uses the fake without Tauri or when asked with ?fake', () => {
    expect(wantsFake({ location: { search: '' } })).toBe(true);
    expect(wantsFake({ location: { search: '' }, __TAURI__: {} })).toBe(false);
    expect(wantsFake({ location: { search: '' }, __TAURI_INTERNALS__: {} })).toBe(false);
    expect(wantsFake({ location: { search: '?fake' }, __TAURI__: {} })).toBe(true);
  });
});

describe('the Tauri backend', () => {
  type Call = [string, unknown[]];
  /** Generated commands that record their calls and answer with `reply`. */
  function generated(reply: (name: string) => unknown, calls: Call[] = []) {
    return new Proxy({}, {
      get: (_, name: string) => async (...args: unknown[]) => {
        calls.push([name, args]);
        const r = reply(name);
        return r instanceof Error ? { status: 'error', error: { code: 'invalid', message: r.message, field: 'name' } } : { status: 'ok', data: r };
      },
    }) as never;
  }
  const noEvents = { dataChanged: { listen: async () => () => {} }, reminderDue: { listen: async () => () => {} } };
  const noInvoke = async () => { throw new Error('unexpected invoke'); };
  const noListen = async () => () => {};

  it('turns a command error into one AppError with its code and field', async () => {
    const b = new TauriBackend(generated(() => new Error('name: is required')), noEvents, noInvoke, noListen);
    const err = await b.create('account', { name: '' }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid', field: 'name', message: 'name: is required' });
  });

  it('calls the generated command of the record kind and returns its data', async () => {
    const calls: Call[] = [];
    const b = new TauriBackend(generated(() => ({ items: [], next_offset: null }), calls), noEvents, noInvoke, noListen);
    expect(await b.list('opportunity', { limit: 5 })).toEqual({ items: [], next_offset: null });
    await b.count('gift', {});
    expect(calls).toEqual([['opportunityList', [{ limit: 5 }]], ['giftCount', [{}]]]);
  });

  it('sends an update without the record metadata, which core owns', async () => {
    const calls: Call[] = [];
    const b = new TauriBackend(generated(() => ({}), calls), noEvents, noInvoke, noListen);
    await b.update('task', 't1', { id: 't1', space: 's', created_at: 'x', updated_at: 'y', deleted: false, title: 'Call' } as never);
    expect(calls).toEqual([['taskUpdate', ['t1', { title: 'Call' }]]]);
  });

  it('reaches sync commands by their agreed names until the bindings have them', async () => {
    const invoked: [string, unknown][] = [];
    const commands = { today: async () => ({ status: 'ok', data: {} }) } as never;
    const b = new TauriBackend(commands, noEvents, async (cmd, args) => { invoked.push([cmd, args]); return { state: 'local_only' }; }, noListen);
    expect(await b.syncStatus()).toEqual({ state: 'local_only' });
    await b.syncResolveConflict('c1', 'theirs');
    expect(invoked).toEqual([['sync_status', undefined], ['sync_resolve_conflict', { id: 'c1', pick: 'theirs' }]]);
  });

  it('turns a rejected call (a missing command, say) into an AppError', async () => {
    const b = new TauriBackend({} as never, noEvents, async () => { throw 'command sync_now not found'; }, noListen);
    await expect(b.syncNow()).rejects.toMatchObject({ code: 'internal', message: 'command sync_now not found' });
  });
});

describe('the fake backend', () => {
  it('refuses an account without a name, naming the field', async () => {
    const b = new FakeBackend({ now, empty: true });
    await expect(b.create('account', { name: '  ' })).rejects.toMatchObject({ code: 'invalid', field: 'name' });
  });

  it('creates, finds by filter, sorts and pages accounts', async () => {
    const b = new FakeBackend({ now, empty: true });
    for (const name of ['Gamma', 'alpha', 'Beta']) await b.create('account', { name, tier: name === 'Beta' ? 'A' : 'B' });
    const page = await b.list('account', { sort: [{ field: 'name' }], limit: 2 });
    expect(page.items.map((a) => a.name)).toEqual(['alpha', 'Beta']);
    expect(page.next_offset).toBe(2);
    expect((await b.list('account', { filters: [{ field: 'tier', op: 'eq', value: 'A' }] })).items.map((a) => a.name)).toEqual(['Beta']);
    expect(await b.count('account', { filters: [{ field: 'name', op: 'like', value: 'MM' }] })).toBe(1);
  });

  it('filters accounts by health band as the overview shows it, and refuses an unknown band', async () => {
    const b = new FakeBackend({ now, empty: true });
    const fine = await b.create('account', { name: 'Fine' });
    const risky = await b.create('account', { name: 'Risky', competitors: ['Globex'] });
    for (const due of ['2026-01-01', '2026-01-02', '2026-01-03']) await b.create('task', { title: 'Late', due_date: due, account_id: risky.id });
    for (const a of [fine, risky]) {
      const band = (await b.accountOverview(a.id)).health.label;
      const q = { filters: [{ field: 'health', op: 'eq' as const, value: band }] };
      expect((await b.list('account', q)).items.map((x) => x.id)).toContain(a.id);
      expect(await b.count('account', q)).toBe(1);
    }
    await expect(b.list('account', { filters: [{ field: 'health', op: 'eq', value: 'fine' }] })).rejects.toMatchObject({ code: 'invalid', field: 'health' });
  });

  it('refuses a reporting loop, naming reports_to', async () => {
    const b = new FakeBackend({ now, empty: true });
    const a = await b.create('account', { name: 'Acme' });
    const boss = await b.create('contact', { account_id: a.id, last_name: 'Boss' });
    const me = await b.create('contact', { account_id: a.id, last_name: 'Me', reports_to: boss.id });
    await expect(b.update('contact', boss.id, { ...boss, reports_to: me.id })).rejects.toMatchObject({ code: 'invalid', field: 'reports_to' });
  });

  it('moves deleted records to Trash and restores them', async () => {
    const b = new FakeBackend({ now, empty: true });
    const a = await b.create('account', { name: 'Acme' });
    await b.remove('account', a.id);
    expect(await b.count('account', {})).toBe(0);
    expect((await b.list('account', { include: 'deleted' })).items.map((x) => x.name)).toEqual(['Acme']);
    await b.restore('account', a.id);
    expect(await b.count('account', {})).toBe(1);
  });

  it('warns before a gift that goes over the cap', async () => {
    const b = new FakeBackend({ now, empty: true });
    const acc = await b.create('account', { name: 'Acme' });
    const c = await b.create('contact', { account_id: acc.id, first_name: 'Ana', last_name: 'Nowak' });
    await b.create('gift', { recipient_id: c.id, description: 'Dinner', value_cents: 8000, date: '2026-11-01' });
    const check = await b.giftCheck({ recipient_id: c.id, description: 'Wine', value_cents: 3000, date: '2026-11-20', kind: 'gift', currency: 'USD' });
    expect(check).toMatchObject({ would_exceed: true, total_so_far_cents: 8000, total_with_gift_cents: 11000, cap_cents: 10000 });
    const fine = await b.giftCheck({ recipient_id: c.id, description: 'Tickets', value_cents: 3000, date: '2026-11-20', kind: 'entertainment', currency: 'USD' });
    expect(fine.would_exceed).toBe(false);
  });

  it('turns a meeting wrap-up into a note and one task per next step', async () => {
    const b = new FakeBackend({ now, empty: true });
    const acc = await b.create('account', { name: 'Acme' });
    const m = await b.create('meeting', { title: 'QBR', starts_at: '2026-11-23T09:00:00Z', ends_at: '2026-11-23T10:00:00Z', account_id: acc.id });
    const r = await b.wrapUpMeeting(m.id, { body: 'Went well', outcome: null, next_steps: [{ title: 'Send deck', due_date: '2026-11-25', contact_id: null }] });
    expect(r.note).toMatchObject({ kind: 'meeting', account_id: acc.id, body: 'Went well', next_steps: '- Send deck' });
    expect(r.tasks.map((t) => t.title)).toEqual(['Send deck']);
    await expect(b.wrapUpMeeting(m.id, { body: '', outcome: null, next_steps: [{ title: ' ', due_date: null, contact_id: null }] }))
      .rejects.toMatchObject({ code: 'invalid', field: 'next_steps[0].title' });
  });

  it('needs a reason to mark a deal lost', async () => {
    const b = new FakeBackend({ now, empty: true });
    const acc = await b.create('account', { name: 'Acme' });
    const o = await b.create('opportunity', { account_id: acc.id, name: 'Deal', stage: 'Qualify', amount_cents: 100 });
    await expect(b.update('opportunity', o.id, { ...o, stage: 'Closed Lost' })).rejects.toMatchObject({ field: 'lost_reason' });
    const moved = await b.update('opportunity', o.id, { ...o, stage: 'Discover' });
    expect(moved.stage).toBe('Discover');
  });

  it('refuses settings core would refuse', async () => {
    const b = new FakeBackend({ now, empty: true });
    const s = await b.settings();
    await expect(b.updateSettings({ ...s, language: 'de' })).rejects.toMatchObject({ field: 'language' });
    await expect(b.updateSettings({ ...s, stages: [] })).rejects.toMatchObject({ field: 'stages' });
    expect((await b.updateSettings({ ...s, language: 'pl' })).language).toBe('pl');
  });

  it('finds a note by a word from its body, with the word marked', async () => {
    const b = new FakeBackend({ now, empty: true });
    const acc = await b.create('account', { name: 'Acme' });
    await b.create('note', { account_id: acc.id, title: 'Call', body: 'They worry about the migration timeline.' });
    const hits = await b.search('migration', [], 10);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: 'note', account_id: acc.id });
    expect(hits[0].snippet.filter((p) => p.hit).map((p) => p.text)).toEqual(['migration']);
  });

  it('reports sync status changes to listeners, and sign-in errors by field', async () => {
    const b = new FakeBackend({ now, empty: true });
    const seen: string[] = [];
    await b.onSyncStatus((s) => seen.push(s.state));
    await expect(b.syncSignIn({ server: 'nope', email: 'a@b.c', password: 'longenough' })).rejects.toMatchObject({ field: 'server' });
    await b.syncSignIn({ server: 'https://sync.example', email: 'a@b.c', password: 'longenough' });
    await b.syncSignOut();
    expect(seen).toEqual(['synced', 'needs_sign_in']);
  });

  it('seeds demo data with meetings today and a list of 100,000 accounts on request', async () => {
    const b = new FakeBackend({ now, bulkAccounts: 100_000 });
    const today = await b.today();
    expect(today.meetings.total).toBeGreaterThan(0);
    expect(await b.count('account', {})).toBeGreaterThan(100_000);
    const page = await b.list('account', { offset: 99_000, limit: 200, sort: [{ field: 'name' }] });
    expect(page.items).toHaveLength(200);
  }, 60_000);

  it('accepts a screen\'s live (proxied) state as input, as the real bridge does', async () => {
    const b = new FakeBackend({ now, empty: true });
    const acc = await b.create('account', { name: 'Acme' });
    const live = new Proxy({ account_id: acc.id, name: 'Deal', stage: 'Qualify', product_ids: new Proxy([], {}) }, {});
    const o = await b.create('opportunity', live);
    expect((await b.get('opportunity', o.id)).product_ids).toEqual([]);
  });

  it('returns copies, so the screen cannot change the book by accident', async () => {
    const b = new FakeBackend({ now, empty: true });
    const a = await b.create('account', { name: 'Acme' });
    a.name = 'Changed';
    expect((await b.get('account', a.id)).name).toBe('Acme');
  });
});

describe('reminders announced at start', () => {
  it('toasts a reminder that comes due while the app is open, not those that came due while it was closed', async () => {
    const { app, boot } = await import('../src/lib/app.svelte');
    const { setBackend } = await import('../src/lib/api');
    const b = new FakeBackend({ empty: true });
    setBackend(b);
    app.toasts = [];
    await boot('today');
    const version = app.version;
    // Due yesterday: listed on Today; the engine announces it just after the first screen.
    b.announceReminder({ title: 'Send the QBR deck', due_at: new Date(Date.now() - 86_400_000).toISOString() });
    expect(app.toasts).toEqual([]);
    expect(app.version).toBe(version + 1);
    // Comes due now, with the app open.
    b.announceReminder({ title: 'Call Ana about the renewal', due_at: new Date(Date.now() + 1).toISOString() });
    expect(app.toasts.map((t) => t.text)).toEqual(['Reminder: Call Ana about the renewal']);
  });
});
