// What the UI needs from the app, shaped like core's API. api.ts provides it over Tauri;
// lib/fake provides it in memory for Vitest and the browser screenshots.
import type * as T from './types';
import type { IoBackend } from './io/types';

export type Unlisten = () => void;

export interface Backend extends IoBackend {
  readonly name: 'tauri' | 'fake';

  list<K extends T.EntityKind>(kind: K, q: T.ListQuery): Promise<T.Page<T.Rec<T.EntityMap[K]>>>;
  count<K extends T.EntityKind>(kind: K, q: T.ListQuery): Promise<number>;
  get<K extends T.EntityKind>(kind: K, id: T.Id): Promise<T.Rec<T.EntityMap[K]>>;
  create<K extends T.EntityKind>(kind: K, data: Partial<T.EntityMap[K]>): Promise<T.Rec<T.EntityMap[K]>>;
  update<K extends T.EntityKind>(kind: K, id: T.Id, data: T.EntityMap[K]): Promise<T.Rec<T.EntityMap[K]>>;
  remove(kind: T.EntityKind, id: T.Id): Promise<void>;
  restore(kind: T.EntityKind, id: T.Id): Promise<void>;

  settings(): Promise<T.Settings>;
  updateSettings(s: T.Settings): Promise<T.Settings>;

  today(): Promise<T.Today>;
  accountOverview(id: T.Id): Promise<T.AccountOverview>;
  meetingBrief(id: T.Id): Promise<T.MeetingBrief>;
  meetingBriefMarkdown(id: T.Id): Promise<string>;
  wrapUpMeeting(id: T.Id, wrap: T.WrapUp): Promise<T.WrappedUp>;
  giftTotals(recipient: T.Id | null): Promise<T.GiftTotal[]>;
  giftCheck(draft: T.Gift): Promise<T.GiftCheck>;
  quotaSummary(id: T.Id): Promise<T.QuotaSummary>;
  whitespace(offset: number, limit: number): Promise<T.Whitespace>;
  whitespaceSuggestions(accountId: T.Id, limit: number): Promise<T.Suggestion[]>;
  search(query: string, kinds: T.EntityKind[], limit: number): Promise<T.SearchHit[]>;
  reminderDone(id: T.Id): Promise<void>;
  reminderSnooze(id: T.Id, until: T.Instant): Promise<void>;
  /** Tells the app the first screen has rendered its data (the bench's start-to-interactive). */
  uiReady(): Promise<void>;

  syncStatus(): Promise<T.SyncStatus>;
  syncSignIn(s: T.SignIn): Promise<T.SyncStatus>;
  syncSignUp(s: T.SignIn): Promise<T.SyncStatus>;
  syncSignOut(): Promise<void>;
  syncNow(): Promise<void>;
  syncPending(): Promise<T.PendingChange[]>;
  syncConflicts(): Promise<T.Conflict[]>;
  syncResolveConflict(id: string, pick: T.ConflictPick): Promise<void>;

  onSyncStatus(cb: (s: T.SyncStatus) => void): Promise<Unlisten>;
  onChanged(cb: (kind: T.EntityKind, ids: T.Id[]) => void): Promise<Unlisten>;
  /** A reminder fell due (the app also shows an OS notification). */
  onReminderDue(cb: (r: { title: string; due_at: T.Instant }) => void): Promise<Unlisten>;
}
