// The only module that talks to Tauri. Everything else imports `api` from here and gets values
// or one `AppError`; with no Tauri (a plain browser, Vitest) or with `?fake` in the URL it runs
// against the in-memory fake backend.
//
// Until shell's generated ui/src/lib/bindings.ts lands, the Tauri side calls commands through
// `invoke` with the names below; when it lands these become calls to the typed wrappers.
import type { Backend, Unlisten } from './backend';
import type * as T from './types';
import { AppError } from './errors';

export { AppError } from './errors';
export type { Backend } from './backend';

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
type Listen = (event: string, cb: (e: { payload: unknown }) => void) => Promise<Unlisten>;

interface TauriGlobal {
  core: { invoke: Invoke };
  event: { listen: Listen };
}

export class TauriBackend implements Backend {
  readonly name = 'tauri' as const;
  constructor(private readonly invoke: Invoke, private readonly listen: Listen) {}

  private async call<X>(cmd: string, args?: Record<string, unknown>): Promise<X> {
    try {
      return (await this.invoke(cmd, args)) as X;
    } catch (e) {
      throw AppError.from(e);
    }
  }

  // Record commands are one per kind: `<kind>_list`, `<kind>_count`, `<kind>_get`, ...
  list<K extends T.EntityKind>(kind: K, query: T.ListQuery) { return this.call<T.Page<T.Rec<T.EntityMap[K]>>>(`${kind}_list`, { query }); }
  count<K extends T.EntityKind>(kind: K, query: T.ListQuery) { return this.call<number>(`${kind}_count`, { query }); }
  get<K extends T.EntityKind>(kind: K, id: T.Id) { return this.call<T.Rec<T.EntityMap[K]>>(`${kind}_get`, { id }); }
  create<K extends T.EntityKind>(kind: K, data: Partial<T.EntityMap[K]>) { return this.call<T.Rec<T.EntityMap[K]>>(`${kind}_create`, { data }); }
  update<K extends T.EntityKind>(kind: K, id: T.Id, data: T.EntityMap[K]) { return this.call<T.Rec<T.EntityMap[K]>>(`${kind}_update`, { id, data: withoutMeta(data) }); }
  remove(kind: T.EntityKind, id: T.Id) { return this.call<void>(`${kind}_delete`, { id }); }
  restore(kind: T.EntityKind, id: T.Id) { return this.call<void>(`${kind}_restore`, { id }); }

  settings() { return this.call<T.Settings>('settings_get'); }
  updateSettings(settings: T.Settings) { return this.call<T.Settings>('settings_update', { settings }); }

  today() { return this.call<T.Today>('today'); }
  accountOverview(id: T.Id) { return this.call<T.AccountOverview>('account_overview', { id }); }
  meetingBrief(id: T.Id) { return this.call<T.MeetingBrief>('meeting_brief', { meetingId: id }); }
  meetingBriefMarkdown(id: T.Id) { return this.call<string>('meeting_brief_markdown', { meetingId: id }); }
  wrapUpMeeting(id: T.Id, wrap: T.WrapUp) { return this.call<T.WrappedUp>('meeting_wrap_up', { meetingId: id, wrap }); }
  giftTotals(recipient: T.Id | null) { return this.call<T.GiftTotal[]>('gift_totals', { recipientId: recipient }); }
  giftCheck(draft: T.Gift) { return this.call<T.GiftCheck>('gift_check', { draft }); }
  quotaSummary(id: T.Id) { return this.call<T.QuotaSummary>('quota_summary', { quotaId: id }); }
  whitespace(offset: number, limit: number) { return this.call<T.Whitespace>('whitespace', { offset, limit }); }
  whitespaceSuggestions(accountId: T.Id, limit: number) { return this.call<T.Suggestion[]>('whitespace_suggestions', { accountId, limit }); }
  search(query: string, kinds: T.EntityKind[], limit: number) { return this.call<T.SearchHit[]>('search', { query, kinds, limit }); }
  async reminderDone(id: T.Id) { await this.call<unknown>('reminder_complete', { id }); }
  async reminderSnooze(id: T.Id, until: T.Instant) { await this.call<unknown>('reminder_snooze', { id, until }); }
  async uiReady() { await this.call<void>('ui_ready'); }

  syncStatus() { return this.call<T.SyncStatus>('sync_status'); }
  syncSignIn(s: T.SignIn) { return this.call<T.SyncStatus>('sync_sign_in', { ...s }); }
  syncSignUp(s: T.SignIn) { return this.call<T.SyncStatus>('sync_sign_up', { ...s }); }
  syncSignOut() { return this.call<void>('sync_sign_out'); }
  syncNow() { return this.call<void>('sync_now'); }
  syncPending() { return this.call<T.PendingChange[]>('sync_pending'); }
  syncConflicts() { return this.call<T.Conflict[]>('sync_conflicts'); }
  syncResolveConflict(id: string, pick: T.ConflictPick) { return this.call<void>('sync_resolve_conflict', { id, pick }); }

  onSyncStatus(cb: (s: T.SyncStatus) => void) {
    return this.listen('sync-status', (e) => cb(e.payload as T.SyncStatus));
  }
  onChanged(cb: (kind: T.EntityKind, ids: T.Id[]) => void) {
    return this.listen('data-changed', (e) => {
      const p = e.payload as { kind: T.EntityKind; ids: T.Id[] };
      cb(p.kind, p.ids);
    });
  }
  onReminderDue(cb: (r: { title: string; due_at: T.Instant }) => void) {
    return this.listen('reminder-due', (e) => cb(e.payload as { title: string; due_at: T.Instant }));
  }
}

/** Core's records carry id, space and timestamps; an update sends only the entity's own fields. */
function withoutMeta<X extends object>(r: X): X {
  const { id: _i, space: _s, created_at: _c, updated_at: _u, deleted: _d, ...rest } = r as Record<string, unknown>;
  return rest as X;
}

/** Which backend this window uses: the real app, or the fake when Tauri is absent or `?fake`. */
export function wantsFake(win: { location?: { search: string }; __TAURI__?: unknown } | undefined): boolean {
  if (!win || !win.__TAURI__) return true;
  return new URLSearchParams(win.location?.search ?? '').has('fake');
}

let current: Backend | null = null;

export async function selectBackend(win: Window & { __TAURI__?: TauriGlobal } = window): Promise<Backend> {
  if (wantsFake(win)) {
    const { FakeBackend } = await import('./fake/index');
    const params = new URLSearchParams(win.location.search);
    const bulk = Number(params.get('accounts') ?? 0);
    const empty = params.has('empty');
    const latency = Number(params.get('latency') ?? 0);
    const fake = new FakeBackend({ bulkAccounts: Number.isFinite(bulk) ? bulk : 0, empty, latency });
    const lang = params.get('lang');
    if (lang && ['en', 'es', 'pl', 'it'].includes(lang)) fake.db.settings.language = lang;
    current = fake;
  } else {
    const tauri = win.__TAURI__ as TauriGlobal;
    current = new TauriBackend(tauri.core.invoke, tauri.event.listen);
  }
  return current;
}

export function setBackend(b: Backend): void {
  current = b;
}

/** The backend in use; selectBackend (or setBackend in tests) must have run. */
export function api(): Backend {
  if (!current) throw new AppError('internal', 'the backend is not selected yet');
  return current;
}
