// An in-memory backend with core's rules, for Vitest and for the UI in a plain browser.
import type { Backend, Unlisten } from '../backend';
import type * as T from '../types';
import { AppError } from '../errors';
import { blank } from '../defaults';
import { Db } from './db';
import { filtered, page } from './query';
import { normalize, validate, validateSettings } from './validate';
import * as V from './views';
import { seed, type SeedOptions } from './seed';
import { fakeIo } from './io';
import type { IoBackend } from '../io/types';

export interface FakeOptions extends SeedOptions {
  now?: () => Date;
  /** Start with an empty book instead of the demo data. */
  empty?: boolean;
  /** Milliseconds each call waits, to see progress indicators. */
  latency?: number;
}

const clone = <X>(x: X): X => structuredClone(x);
/** What crosses the bridge is JSON: inputs arrive as plain data, never as the screen's live state. */
const plain = <X>(x: X): X => (x === undefined ? x : JSON.parse(JSON.stringify(x)));

// Import and export (./io.ts) are mixed in: `this` gets every IoBackend method.
export interface FakeBackend extends IoBackend {}
export class FakeBackend implements Backend {
  readonly name = 'fake' as const;
  readonly db: Db;
  private status: T.SyncStatus = { state: 'needs_sign_in', changes: 0 };
  private syncListeners = new Set<(s: T.SyncStatus) => void>();
  private changeListeners = new Set<(k: T.EntityKind, ids: T.Id[]) => void>();
  private reminderListeners = new Set<(r: { title: string; due_at: T.Instant }) => void>();
  private conflicts: T.Conflict[] = [];
  private account: string | null = null;
  private latency: number;

  constructor(opts: FakeOptions = {}) {
    this.db = new Db(opts.now);
    this.latency = opts.latency ?? 0;
    if (!opts.empty) {
      seed(this.db, opts);
      this.status = { state: 'offline', changes: 14, last_synced_at: this.db.now().getTime() - 2 * 3_600_000 };
      this.account = 'sam@example.com';
      this.seedConflicts();
    }
    Object.assign(this, fakeIo({ db: this.db, emit: (k, ids) => this.emit(k, ids), wait: () => this.run(() => undefined), search: (q, k, n) => V.search(this.db, q, k, n) }));
  }

  private async run<X>(f: () => X): Promise<X> {
    if (this.latency) await new Promise((r) => setTimeout(r, this.latency));
    try {
      return clone(f());
    } catch (e) {
      throw AppError.from(e);
    }
  }

  private emit(kind: T.EntityKind, ids: T.Id[]) {
    for (const l of this.changeListeners) l(kind, ids);
    if (this.status.state !== 'local_only' && this.status.state !== 'synced') {
      this.setStatus({ ...this.status, changes: this.status.changes + ids.length } as T.SyncStatus);
    } else if (this.status.state === 'synced') {
      this.setStatus({ state: 'waiting', changes: ids.length, last_synced_at: this.status.at });
    }
  }

  private setStatus(s: T.SyncStatus) {
    this.status = s;
    for (const l of this.syncListeners) l(clone(s));
  }

  private found<K extends T.EntityKind>(kind: K, id: T.Id): T.Rec<T.EntityMap[K]> {
    const r = this.db.tables[kind].get(id);
    if (!r) throw new AppError('not_found', `${kind} not found`);
    return r;
  }

  list<K extends T.EntityKind>(kind: K, q: T.ListQuery) {
    return this.run(() => { const [rows, rest] = this.byHealth(kind, q); return page(rows, rest); });
  }
  count<K extends T.EntityKind>(kind: K, q: T.ListQuery) {
    return this.run(() => { const [rows, rest] = this.byHealth(kind, q); return filtered(rows, { ...rest, sort: [] }).length; });
  }

  /** Accounts' virtual `health` filter (core's stored band): the rows it keeps, and the rest of the query. */
  private byHealth<K extends T.EntityKind>(kind: K, q: T.ListQuery): [Iterable<T.Rec<T.EntityMap[K]>>, T.ListQuery] {
    const all = this.db.tables[kind].values();
    const health = (q.filters ?? []).filter((f) => f.field === 'health');
    if (kind !== 'account' || health.length === 0) return [all, q];
    for (const f of health) {
      if (!['good', 'attention', 'risk'].includes(String(f.value))) throw new AppError('invalid', 'health: a health filter is one of good, attention, risk', 'health');
      if (f.op !== 'eq' && f.op !== 'ne') throw new AppError('invalid', "health: health can be filtered by 'eq' or 'ne' a band", 'health');
    }
    const keep = [...all].filter((r) => r.deleted || health.every((f) => (V.health(this.db, r.id).label === f.value) === (f.op === 'eq')));
    return [keep, { ...q, filters: (q.filters ?? []).filter((f) => f.field !== 'health') }];
  }
  get<K extends T.EntityKind>(kind: K, id: T.Id) {
    return this.run(() => this.found(kind, id));
  }
  create<K extends T.EntityKind>(kind: K, data: Partial<T.EntityMap[K]>) {
    return this.run(() => {
      const full = { ...blank(kind), ...plain(data) } as T.EntityMap[K];
      normalize(kind, full);
      validate(kind, full, this.db.settings);
      if (kind === 'opportunity') (full as T.Opportunity).stage_changed_at = this.db.now().toISOString();
      const rec = this.db.put(kind, full);
      this.emit(kind, [rec.id]);
      return rec;
    });
  }
  update<K extends T.EntityKind>(kind: K, id: T.Id, data: T.EntityMap[K]) {
    return this.run(() => {
      const old = this.found(kind, id);
      const full = { ...blank(kind), ...stripMeta(plain(data)) } as T.EntityMap[K];
      normalize(kind, full);
      validate(kind, full, this.db.settings);
      if (kind === 'contact') this.noReportingLoop(id, full as T.Contact);
      if (kind === 'opportunity' && (old as unknown as T.Opportunity).stage !== (full as T.Opportunity).stage) {
        (full as T.Opportunity).stage_changed_at = this.db.now().toISOString();
      }
      const rec = this.db.put(kind, full, id);
      this.emit(kind, [id]);
      return rec;
    });
  }
  /** Core's rule: nobody reports to themselves or to someone who (indirectly) reports to them. */
  private noReportingLoop(id: T.Id, c: T.Contact) {
    let cur = c.reports_to;
    for (let i = 0; cur && i < 1000; i++) {
      if (cur === id) throw new AppError('invalid', 'reports_to: this would make a reporting loop', 'reports_to');
      cur = this.db.tables.contact.get(cur)?.reports_to ?? null;
    }
  }
  remove(kind: T.EntityKind, id: T.Id) {
    return this.run(() => {
      const r = this.found(kind, id);
      this.db.tables[kind].set(id, { ...r, deleted: true } as never);
      this.emit(kind, [id]);
    });
  }
  restore(kind: T.EntityKind, id: T.Id) {
    return this.run(() => {
      const r = this.found(kind, id);
      this.db.tables[kind].set(id, { ...r, deleted: false } as never);
      this.emit(kind, [id]);
    });
  }

  settings() {
    return this.run(() => this.db.settings);
  }
  updateSettings(s: T.Settings) {
    return this.run(() => {
      validateSettings(s);
      this.db.settings = plain(s);
      return this.db.settings;
    });
  }

  today() { return this.run(() => V.today(this.db)); }
  accountOverview(id: T.Id) { return this.run(() => V.overview(this.db, id)); }
  meetingBrief(id: T.Id) { return this.run(() => V.brief(this.db, id)); }
  meetingBriefMarkdown(id: T.Id) { return this.run(() => V.briefMarkdown(V.brief(this.db, id))); }
  giftTotals(recipient: T.Id | null) { return this.run(() => V.giftTotals(this.db, recipient)); }
  giftCheck(draft: T.Gift) { return this.run(() => V.giftCheck(this.db, plain(draft))); }
  quotaSummary(id: T.Id) { return this.run(() => V.quotaSummary(this.db, id)); }
  whitespace(offset: number, limit: number) { return this.run(() => V.whitespace(this.db, offset, limit)); }
  whitespaceSuggestions(accountId: T.Id, limit: number) { return this.run(() => V.suggestions(this.db, accountId, limit)); }
  search(query: string, kinds: T.EntityKind[], limit: number) { return this.run(() => V.search(this.db, query, kinds, limit)); }

  wrapUpMeeting(id: T.Id, input: T.WrapUp) {
    const wrap = plain(input);
    return this.run(() => {
      const m = this.found('meeting', id);
      wrap.next_steps.forEach((s, i) => {
        if (!s.title.trim()) throw new AppError('invalid', `next_steps[${i}].title: a next step needs a title`, `next_steps[${i}].title`);
      });
      const steps = wrap.next_steps.map((s) => `- ${s.title.trim()}`).join('\n');
      const note = this.db.put('note', { ...blank('note'), kind: 'meeting', occurred_at: m.starts_at, account_id: m.account_id,
        contact_ids: [...m.attendee_ids], title: m.title, body: wrap.body, outcome: wrap.outcome, next_steps: steps || null, meeting_id: id });
      const tasks = wrap.next_steps.map((s) => this.db.put('task', { ...blank('task'), title: s.title.trim(), due_date: s.due_date,
        account_id: m.account_id, contact_id: s.contact_id, meeting_id: id }));
      this.emit('note', [note.id]);
      if (tasks.length) this.emit('task', tasks.map((t) => t.id));
      return { note, tasks };
    });
  }

  reminderDone(id: T.Id) {
    return this.run(() => {
      const r = this.found('reminder', id);
      this.db.put('reminder', { ...stripMeta(r), done: true } as T.Reminder, id);
      this.emit('reminder', [id]);
    });
  }
  reminderSnooze(id: T.Id, until: T.Instant) {
    return this.run(() => {
      const r = this.found('reminder', id);
      this.db.put('reminder', { ...stripMeta(r), snoozed_until: until } as T.Reminder, id);
      this.emit('reminder', [id]);
    });
  }

  async uiReady() {}

  // ---- sync, as the lead's engine will expose it ----
  syncStatus() { return this.run(() => this.status); }
  syncSignIn(input: T.SignIn) {
    const s = plain(input);
    return this.run(() => {
      checkSignIn(s);
      if (s.password === 'wrong') throw new AppError('unauthorized', 'wrong email or password', 'password');
      this.account = s.email;
      this.setStatus({ state: 'synced', at: this.db.now().getTime() });
      return this.status;
    });
  }
  syncSignUp(s: T.SignIn) {
    return this.syncSignIn(s);
  }
  syncSignOut() {
    return this.run(() => {
      this.account = null;
      this.setStatus({ state: 'needs_sign_in', changes: 'changes' in this.status ? this.status.changes : 0 });
    });
  }
  syncNow() {
    return this.run(() => {
      if (!this.account) throw new AppError('unauthorized', 'sign in to sync');
      this.setStatus({ state: 'synced', at: this.db.now().getTime() });
    });
  }
  syncPending() {
    return this.run((): T.PendingChange[] => {
      const changes = 'changes' in this.status ? this.status.changes : 0;
      return this.db.alive('note').slice(0, Math.min(changes, 20)).map((n, i) => ({ table: 'notes', row: n.id, label: n.title,
        field: i % 2 ? 'body' : 'title', value: i % 2 ? n.body.slice(0, 60) : n.title, at: Date.parse(n.updated_at) }));
    });
  }
  syncConflicts() { return this.run(() => this.conflicts); }
  syncResolveConflict(id: string, pick: T.ConflictPick) {
    return this.run(() => {
      const c = this.conflicts.find((x) => x.id === id);
      if (!c) throw new AppError('not_found', 'conflict not found');
      if (!['mine', 'theirs', 'both'].includes(pick)) throw new AppError('invalid', 'pick: must be mine, theirs or both', 'pick');
      this.conflicts = this.conflicts.filter((x) => x.id !== id);
    });
  }

  async onSyncStatus(cb: (s: T.SyncStatus) => void): Promise<Unlisten> {
    this.syncListeners.add(cb);
    return () => this.syncListeners.delete(cb);
  }
  async onChanged(cb: (k: T.EntityKind, ids: T.Id[]) => void): Promise<Unlisten> {
    this.changeListeners.add(cb);
    return () => this.changeListeners.delete(cb);
  }

  async onReminderDue(cb: (r: { title: string; due_at: T.Instant }) => void): Promise<Unlisten> {
    this.reminderListeners.add(cb);
    return () => this.reminderListeners.delete(cb);
  }

  /** For tests: announce a due reminder, as core's engine does. */
  announceReminder(r: { title: string; due_at: T.Instant }) {
    for (const cb of this.reminderListeners) cb(r);
  }

  /** For tests and screenshots: put the sync engine in a given state. */
  setSyncStatus(s: T.SyncStatus) {
    this.setStatus(s);
  }

  private seedConflicts() {
    const acc = this.db.alive('account')[0];
    const contact = this.db.alive('contact')[0];
    if (!acc || !contact) return;
    const t = this.db.now().getTime();
    this.conflicts = [
      { id: 'c1', table: 'accounts', row: acc.id, label: acc.name, field: 'owner',
        mine: { value: 'Sam Rivera', device: 'MacBook Air', at: t - 3_600_000 }, theirs: { value: 'Alex Chen', device: 'Work PC', at: t - 5_400_000 } },
      { id: 'c2', table: 'contacts', row: contact.id, label: `${contact.first_name} ${contact.last_name}`, field: 'title',
        mine: { value: 'CFO', device: 'MacBook Air', at: t - 7_200_000 }, theirs: { value: 'Chief Financial Officer', device: 'iPad', at: t - 7_000_000 } },
    ];
  }
}

function stripMeta<X extends object>(r: X): X {
  const { id: _i, space: _s, created_at: _c, updated_at: _u, deleted: _d, ...rest } = r as Record<string, unknown>;
  return rest as X;
}

function checkSignIn(s: T.SignIn) {
  if (!/^https?:\/\/\S+$/.test(s.server.trim())) throw new AppError('invalid', 'server: is not a web address', 'server');
  if (!/^[^\s@]+@[^\s@]+$/.test(s.email.trim())) throw new AppError('invalid', 'email: is not an email address', 'email');
  if (s.password.length < 8 && s.password !== 'wrong') throw new AppError('invalid', 'password: at least 8 characters', 'password');
}
