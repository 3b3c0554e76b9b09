// The shapes core sends across the bridge (crates/core/src/domain, views, settings, store).
// Kept in step with the generated ui/src/lib/bindings.ts; the api wrapper (api.ts) is the
// only module that converts between the two.

export type Id = string;
/** RFC 3339 instant, e.g. "2026-11-23T15:00:00Z". */
export type Instant = string;
/** Calendar date, "2026-11-23". */
export type DateStr = string;

export type EntityKind =
  | 'account' | 'contact' | 'note' | 'meeting' | 'product' | 'holding' | 'opportunity'
  | 'contract' | 'task' | 'reminder' | 'objection' | 'gift' | 'quota';

export type Tier = 'A' | 'B' | 'C';
export type Lifecycle = 'prospect' | 'customer' | 'churned';
export type BuyingRole = 'economic_buyer' | 'decision_maker' | 'champion' | 'influencer' | 'user' | 'blocker';
export type CommPreference = 'email' | 'phone' | 'text' | 'video' | 'in_person';
export type NoteKind = 'meeting' | 'call' | 'email' | 'note';
export type OppKind = 'new_business' | 'upsell' | 'cross_sell' | 'renewal';
export type Priority = 'low' | 'normal' | 'high';
export type GiftKind = 'gift' | 'entertainment';
export type ObjectionCategory = 'price' | 'timing' | 'competitor' | 'authority' | 'need' | 'other';
export type StageOutcome = 'open' | 'won' | 'lost';
export type GiftPeriod = 'calendar_year' | 'fiscal_year' | 'rolling12_months';

export const TIERS: Tier[] = ['A', 'B', 'C'];
export const LIFECYCLES: Lifecycle[] = ['prospect', 'customer', 'churned'];
export const BUYING_ROLES: BuyingRole[] = ['economic_buyer', 'decision_maker', 'champion', 'influencer', 'user', 'blocker'];
export const COMM_PREFERENCES: CommPreference[] = ['email', 'phone', 'text', 'video', 'in_person'];
export const OPP_KINDS: OppKind[] = ['new_business', 'upsell', 'cross_sell', 'renewal'];
export const OBJECTION_CATEGORIES: ObjectionCategory[] = ['price', 'timing', 'competitor', 'authority', 'need', 'other'];
export const GIFT_PERIODS: GiftPeriod[] = ['calendar_year', 'fiscal_year', 'rolling12_months'];

export interface Account {
  name: string; domain: string | null; industry: string | null; tier: Tier; lifecycle: Lifecycle;
  owner: string | null; annual_value_cents: number | null; currency: string; timezone: string | null;
  cadence_days: number | null; competitors: string[]; tags: string[]; parent_id: Id | null;
  source_ref: string | null;
}
export interface Contact {
  account_id: Id | null; first_name: string; last_name: string; title: string | null;
  email: string | null; phone: string | null; linkedin_url: string | null; reports_to: Id | null;
  buying_role: BuyingRole | null; comm_preference: CommPreference | null; personal_notes: string;
  birthday: DateStr | null; source_ref: string | null;
}
export interface Note {
  kind: NoteKind; occurred_at: Instant; account_id: Id | null; contact_ids: Id[]; title: string;
  body: string; outcome: string | null; next_steps: string | null; pinned: boolean; meeting_id: Id | null;
}
export interface Meeting {
  title: string; starts_at: Instant; ends_at: Instant; timezone: string; location: string | null;
  link: string | null; account_id: Id | null; attendee_ids: Id[]; goal: string | null; agenda: string;
  source_ref: string | null;
}
export interface Product {
  name: string; sku: string | null; category: string | null; list_price_cents: number | null;
  currency: string; active: boolean;
}
export interface Holding {
  account_id: Id | null; product_id: Id | null; seats: number | null; tier: string | null; since: DateStr | null;
}
export interface Opportunity {
  account_id: Id | null; name: string; kind: OppKind; product_ids: Id[]; amount_cents: number;
  currency: string; stage: string; probability: number | null; close_date: DateStr | null;
  next_step: string | null; competitor: string | null; lost_reason: string | null;
  stage_changed_at: Instant | null; source_ref: string | null;
}
export interface Contract {
  account_id: Id | null; name: string; product_ids: Id[]; value_cents: number; currency: string;
  start_date: DateStr | null; end_date: DateStr | null; notice_days: number; auto_renew: boolean;
}
export interface Task {
  title: string; due_date: DateStr | null; priority: Priority; account_id: Id | null;
  contact_id: Id | null; opportunity_id: Id | null; meeting_id: Id | null; done: boolean;
  done_at: Instant | null; notes: string | null;
}
export interface Reminder {
  title: string; due_local: string | null; timezone: string | null; about_kind: EntityKind | null;
  about_id: Id | null; snoozed_until: Instant | null; done: boolean; recurrence_days: number | null;
}
export interface Objection {
  statement: string; category: ObjectionCategory; response: string; account_id: Id | null;
  contact_id: Id | null; opportunity_id: Id | null; raised_on: DateStr | null; outcome: string | null;
}
export interface Gift {
  date: DateStr | null; recipient_id: Id | null; kind: GiftKind; description: string;
  value_cents: number; currency: string;
}
export interface Quota {
  name: string; period_start: DateStr | null; period_end: DateStr | null; target_cents: number; currency: string;
}

export interface EntityMap {
  account: Account; contact: Contact; note: Note; meeting: Meeting; product: Product;
  holding: Holding; opportunity: Opportunity; contract: Contract; task: Task; reminder: Reminder;
  objection: Objection; gift: Gift; quota: Quota;
}

export type Rec<T> = T & { id: Id; space: Id; created_at: Instant; updated_at: Instant; deleted: boolean };

export type FilterOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'like' | 'contains' | 'is_null' | 'not_null';
export interface Filter { field: string; op: FilterOp; value?: unknown }
export interface Sort { field: string; desc?: boolean }
export type Include = 'alive' | 'deleted' | 'all';
export interface ListQuery { filters?: Filter[]; sort?: Sort[]; offset?: number; limit?: number; include?: Include }
export interface Page<T> { items: T[]; next_offset: number | null }

export interface Stage { name: string; probability: number; outcome: StageOutcome }
export interface Settings {
  language: string; currency: string; gift_cap_cents: number; gift_period: GiftPeriod;
  fiscal_year_start_month: number; cadence_days_a: number; cadence_days_b: number; cadence_days_c: number;
  renewal_window_days: number; stalled_after_days: number; stages: Stage[];
}

// ---- views ----
// Floats may arrive as null (core sends NaN/infinity as null).
export interface Capped<T> { items: T[]; total: number }
export interface TodayMeeting {
  id: Id; title: string; starts_at: Instant | null; ends_at: Instant | null; timezone: string;
  link: string | null; location: string | null; account_id: Id | null; account_name: string | null;
}
export interface DueTask {
  id: Id; title: string; due_date: DateStr | null; priority: Priority; overdue: boolean; days_overdue: number;
  account_id: Id | null; account_name: string | null; contact_id: Id | null; opportunity_id: Id | null;
}
export interface ReminderDue { id: Id; title: string; due_at: Instant; about_kind: EntityKind | null; about_id: Id | null }
export interface Renewal {
  contract_id: Id; contract_name: string; account_id: Id | null; account_name: string | null;
  end_date: DateStr; days_left: number; notice_by: DateStr; value_cents: number; currency: string; auto_renew: boolean;
}
export interface ColdAccount {
  account_id: Id; name: string; tier: Tier; cadence_days: number; last_touch: Instant | null;
  days_since_touch: number; days_past_cadence: number;
}
export interface Today {
  date: DateStr; meetings: Capped<TodayMeeting>; tasks: Capped<DueTask>; reminders: Capped<ReminderDue>;
  renewals: Capped<Renewal>; going_cold: Capped<ColdAccount>;
}

export type HealthLabel = 'good' | 'attention' | 'risk';
export type HealthReason =
  | { code: 'no_touch_within_cadence'; params: { days_since_touch: number; cadence_days: number } }
  | { code: 'overdue_tasks'; params: { count: number } }
  | { code: 'competitor_present'; params: { competitors: string[] } }
  | { code: 'renewal_near'; params: { contract_id: Id; end_date: DateStr; days_left: number } }
  | { code: 'stalled_opportunity'; params: { opportunity_id: Id; name: string; days_in_stage: number } };
export interface Health { score: number; label: HealthLabel; reasons: HealthReason[] }
export interface NextRenewal { contract_id: Id; contract_name: string; end_date: DateStr; days_left: number }
export interface PipelineTotal { kind: OppKind; count: number; amount_cents: number; weighted_cents: number }
export interface AccountOverview {
  account_id: Id; name: string; health: Health; last_touch: Instant | null; days_since_touch: number;
  cadence_days: number; next_renewal: NextRenewal | null; pipeline: PipelineTotal[];
}

export interface GiftTotal {
  recipient_id: Id; recipient_name: string | null; period_start: DateStr; period_end: DateStr;
  total_cents: number; entertainment_cents: number; cap_cents: number; currency: string;
  remaining_cents: number; over_cap: boolean;
}
export interface GiftCheck {
  recipient_id: Id; period_start: DateStr; period_end: DateStr; counts_toward_cap: boolean;
  total_so_far_cents: number; total_with_gift_cents: number; cap_cents: number; currency: string;
  would_exceed: boolean;
}

export interface QuotaSummary {
  quota_id: Id; name: string; period_start: DateStr; period_end: DateStr; currency: string;
  target_cents: number; attained_cents: number; won_count: number; attainment_percent: number | null;
  remaining_cents: number; open_pipeline_cents: number; open_count: number;
  weighted_pipeline_cents: number; coverage: number | null;
}

export type Cell = 'owned' | 'in_open_opportunity' | 'not_owned';
export interface WhitespaceProduct { id: Id; name: string; owners: number }
export interface WhitespaceRow { account_id: Id; account_name: string; cells: Cell[] }
export interface Whitespace { products: WhitespaceProduct[]; rows: WhitespaceRow[]; next_offset: number | null }
export interface Suggestion {
  product_id: Id; product_name: string; because_of_id: Id; because_of_name: string;
  confidence: number | null; support: number; owners_of_because: number;
}

export interface BriefMeeting {
  id: Id; title: string; starts_at: Instant; ends_at: Instant; timezone: string; link: string | null;
  location: string | null; goal: string | null; agenda: string;
}
export interface BriefAccount {
  id: Id; name: string; tier: Tier; lifecycle: Lifecycle; industry: string | null;
  last_touch: Instant | null; health: Health;
}
export interface BriefGift { date: DateStr | null; kind: GiftKind; description: string; value_cents: number; currency: string }
export interface BriefAttendee {
  id: Id; name: string; title: string | null; email: string | null; phone: string | null;
  buying_role: BuyingRole | null; comm_preference: CommPreference | null; personal_notes: string;
  last_touch: Instant | null; gift_total: GiftTotal; gifts: BriefGift[];
}
export interface BriefNote {
  id: Id; kind: NoteKind; occurred_at: Instant | null; title: string; excerpt: string;
  outcome: string | null; next_steps: string | null;
}
export interface BriefOpportunity {
  id: Id; name: string; kind: OppKind; stage: string; probability: number; amount_cents: number;
  currency: string; close_date: DateStr | null; next_step: string | null; competitor: string | null;
}
export interface BriefContract {
  id: Id; name: string; end_date: DateStr | null; days_left: number | null; value_cents: number;
  currency: string; auto_renew: boolean; notice_days: number;
}
export interface BriefTask { id: Id; title: string; due_date: DateStr | null; priority: Priority; overdue: boolean }
export interface BriefObjection {
  id: Id; statement: string; category: ObjectionCategory; response: string; raised_by: string | null;
  raised_on: DateStr | null; outcome: string | null;
}
export interface MeetingBrief {
  meeting: BriefMeeting; account: BriefAccount | null; attendees: BriefAttendee[];
  account_notes: BriefNote[]; attendee_notes: BriefNote[]; opportunities: BriefOpportunity[];
  contracts: BriefContract[]; tasks: BriefTask[]; objections: BriefObjection[];
  suggestions: Suggestion[]; today: DateStr;
}

export interface NextStep { title: string; due_date: DateStr | null; contact_id: Id | null }
export interface WrapUp { body: string; outcome: string | null; next_steps: NextStep[] }
export interface WrappedUp { note: Rec<Note>; tasks: Rec<Task>[] }

export interface SnippetPart { text: string; hit: boolean }
export interface SearchHit {
  kind: EntityKind; id: Id; title: string; account_id: Id | null; snippet: SnippetPart[]; score: number | null;
}

// ---- sync (the lead's engine; times are ms since epoch) ----
export type SyncStatus =
  | { state: 'local_only' }
  | { state: 'synced'; at: number }
  | { state: 'waiting'; changes: number; last_synced_at?: number | null }
  | { state: 'offline'; changes: number; last_synced_at?: number | null }
  | { state: 'needs_sign_in'; changes: number }
  | { state: 'too_old'; changes: number }
  | { state: 'error'; changes: number; message: string };
export interface PendingChange { table: string; row: Id; label: string; field: string; value: unknown; at: number }
export interface ConflictSide { value: unknown; device: string; at: number }
export interface Conflict {
  id: string; table: string; row: Id; label: string; field: string; mine: ConflictSide; theirs: ConflictSide;
}
export type ConflictPick = 'mine' | 'theirs' | 'both';
export interface SignIn { server: string; email: string; password: string }
