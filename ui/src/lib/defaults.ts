// Empty records, as core's `Default` makes them (serde(default) fills what a caller leaves out).
import type { EntityKind, EntityMap, Settings } from './types';

export function blank<K extends EntityKind>(kind: K): EntityMap[K] {
  const d: { [P in EntityKind]: () => EntityMap[P] } = {
    account: () => ({ name: '', domain: null, industry: null, tier: 'B', lifecycle: 'prospect', owner: null,
      annual_value_cents: null, currency: 'USD', timezone: null, cadence_days: null, competitors: [], tags: [],
      parent_id: null, source_ref: null }),
    contact: () => ({ account_id: null, first_name: '', last_name: '', title: null, email: null, phone: null,
      linkedin_url: null, reports_to: null, buying_role: null, comm_preference: null, personal_notes: '',
      birthday: null, source_ref: null }),
    note: () => ({ kind: 'note', occurred_at: new Date().toISOString(), account_id: null, contact_ids: [], title: '',
      body: '', outcome: null, next_steps: null, pinned: false, meeting_id: null }),
    meeting: () => ({ title: '', starts_at: '', ends_at: '', timezone: 'UTC', location: null, link: null,
      account_id: null, attendee_ids: [], goal: null, agenda: '', source_ref: null }),
    product: () => ({ name: '', sku: null, category: null, list_price_cents: null, currency: 'USD', active: true }),
    holding: () => ({ account_id: null, product_id: null, seats: null, tier: null, since: null }),
    opportunity: () => ({ account_id: null, name: '', kind: 'new_business', product_ids: [], amount_cents: 0,
      currency: 'USD', stage: '', probability: null, close_date: null, next_step: null, competitor: null,
      lost_reason: null, stage_changed_at: null, source_ref: null }),
    contract: () => ({ account_id: null, name: '', product_ids: [], value_cents: 0, currency: 'USD',
      start_date: null, end_date: null, notice_days: 0, auto_renew: false }),
    task: () => ({ title: '', due_date: null, priority: 'normal', account_id: null, contact_id: null,
      opportunity_id: null, meeting_id: null, done: false, done_at: null, notes: null }),
    reminder: () => ({ title: '', due_local: null, timezone: null, about_kind: null, about_id: null,
      snoozed_until: null, done: false, recurrence_days: null }),
    objection: () => ({ statement: '', category: 'other', response: '', account_id: null, contact_id: null,
      opportunity_id: null, raised_on: null, outcome: null }),
    gift: () => ({ date: null, recipient_id: null, kind: 'gift', description: '', value_cents: 0, currency: 'USD' }),
    quota: () => ({ name: '', period_start: null, period_end: null, target_cents: 0, currency: 'USD' }),
  };
  return d[kind]() as EntityMap[K];
}

export function defaultSettings(): Settings {
  return {
    language: 'en', currency: 'USD', gift_cap_cents: 10_000, gift_period: 'calendar_year',
    fiscal_year_start_month: 1, cadence_days_a: 14, cadence_days_b: 30, cadence_days_c: 90,
    renewal_window_days: 120, stalled_after_days: 30,
    stages: [
      { name: 'Qualify', probability: 10, outcome: 'open' },
      { name: 'Discover', probability: 20, outcome: 'open' },
      { name: 'Propose', probability: 50, outcome: 'open' },
      { name: 'Negotiate', probability: 75, outcome: 'open' },
      { name: 'Closed Won', probability: 100, outcome: 'won' },
      { name: 'Closed Lost', probability: 0, outcome: 'lost' },
    ],
  };
}
