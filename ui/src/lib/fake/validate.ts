// The checks core makes before a write, with the same codes and field names.
import { AppError, invalid } from '../errors';
import type { EntityKind, EntityMap, Settings } from '../types';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_RE = /^https?:\/\/\S+$/i;
const CURRENCY = /^[A-Z]{3}$/;

function required(field: string, v: string | null | undefined, max = 200) {
  if (!v || !v.trim()) throw invalid(field, 'is required');
  if (v.length > max) throw invalid(field, `is longer than ${max} characters`);
}
function nonNegative(field: string, v: number | null | undefined) {
  if (v !== null && v !== undefined && (!Number.isFinite(v) || v < 0)) throw invalid(field, 'must not be negative');
}
function currency(field: string, v: string) {
  if (!CURRENCY.test(v)) throw invalid(field, 'must be a three-letter currency code');
}
function range(field: string, v: number, lo: number, hi: number) {
  if (!Number.isInteger(v) || v < lo || v > hi) throw invalid(field, `must be between ${lo} and ${hi}`);
}

export function normalize<K extends EntityKind>(kind: K, d: EntityMap[K]): void {
  const r = d as unknown as Record<string, unknown>;
  for (const f of ['name', 'title', 'statement', 'description', 'first_name', 'last_name']) {
    if (typeof r[f] === 'string') r[f] = (r[f] as string).trim();
  }
  if (typeof r.currency === 'string') r.currency = (r.currency as string).trim().toUpperCase() || 'USD';
  if (kind === 'contact' && typeof r.email === 'string') r.email = (r.email as string).trim().toLowerCase() || null;
}

export function validate<K extends EntityKind>(kind: K, data: EntityMap[K], settings: Settings): void {
  switch (kind) {
    case 'account': {
      const a = data as EntityMap['account'];
      required('name', a.name);
      nonNegative('annual_value_cents', a.annual_value_cents);
      currency('currency', a.currency);
      if (a.cadence_days !== null) range('cadence_days', a.cadence_days, 1, 365);
      return;
    }
    case 'contact': {
      const c = data as EntityMap['contact'];
      if (!c.first_name && !c.last_name) throw invalid('last_name', 'a first or last name is required');
      if (c.email && !EMAIL.test(c.email)) throw invalid('email', 'is not an email address');
      if (c.linkedin_url && !URL_RE.test(c.linkedin_url)) throw invalid('linkedin_url', 'is not a web address');
      return;
    }
    case 'note': {
      const n = data as EntityMap['note'];
      if (!n.title && !n.body.trim()) throw invalid('body', 'a note needs a title or some text');
      if (!n.account_id && n.contact_ids.length === 0) throw invalid('account_id', 'a note belongs to an account or to at least one contact');
      return;
    }
    case 'meeting': {
      const m = data as EntityMap['meeting'];
      required('title', m.title, 300);
      if (!m.starts_at || Number.isNaN(Date.parse(m.starts_at))) throw invalid('starts_at', 'is required');
      if (!m.ends_at || Date.parse(m.ends_at) <= Date.parse(m.starts_at)) throw invalid('ends_at', 'must be after the start');
      if (m.link && !URL_RE.test(m.link)) throw invalid('link', 'is not a web address');
      return;
    }
    case 'opportunity': {
      const o = data as EntityMap['opportunity'];
      if (!o.account_id) throw invalid('account_id', 'is required');
      required('name', o.name);
      nonNegative('amount_cents', o.amount_cents);
      const stage = settings.stages.find((s) => s.name === o.stage);
      if (!stage) throw invalid('stage', `'${o.stage}' is not a pipeline stage`);
      if (stage.outcome === 'lost' && !(o.lost_reason ?? '').trim()) throw invalid('lost_reason', 'say why the deal was lost');
      return;
    }
    case 'gift': {
      const g = data as EntityMap['gift'];
      if (!g.date) throw invalid('date', 'is required');
      if (!g.recipient_id) throw invalid('recipient_id', 'is required');
      required('description', g.description, 500);
      nonNegative('value_cents', g.value_cents);
      currency('currency', g.currency);
      return;
    }
    case 'task': required('title', (data as EntityMap['task']).title, 300); return;
    case 'objection': required('statement', (data as EntityMap['objection']).statement, 2000); return;
    case 'product': required('name', (data as EntityMap['product']).name); return;
    case 'reminder': required('title', (data as EntityMap['reminder']).title, 300); return;
    case 'contract': {
      const c = data as EntityMap['contract'];
      if (!c.account_id) throw invalid('account_id', 'is required');
      if (!c.start_date) throw invalid('start_date', 'is required');
      if (!c.end_date) throw invalid('end_date', 'is required');
      if (c.end_date <= c.start_date) throw invalid('end_date', 'must be after the start date');
      return;
    }
    case 'holding': case 'quota': return;
    default: throw new AppError('invalid', `unknown kind ${String(kind)}`);
  }
}

export function validateSettings(s: Settings): void {
  if (!['en', 'es', 'pl', 'it'].includes(s.language)) throw invalid('language', 'must be one of en, es, pl, it');
  currency('currency', s.currency);
  range('gift_cap_cents', s.gift_cap_cents, 0, 100_000_000);
  range('cadence_days_a', s.cadence_days_a, 1, 365);
  range('cadence_days_b', s.cadence_days_b, 1, 365);
  range('cadence_days_c', s.cadence_days_c, 1, 365);
  if (s.stages.length === 0) throw invalid('stages', 'the pipeline needs at least one stage');
  const seen = new Set<string>();
  for (const st of s.stages) {
    if (!st.name.trim()) throw invalid('stages', 'a stage needs a name');
    if (seen.has(st.name)) throw invalid('stages', `'${st.name}' appears twice`);
    seen.add(st.name);
    range('stages', st.probability, 0, 100);
  }
  if (!s.stages.some((st) => st.outcome === 'open')) throw invalid('stages', 'the pipeline needs at least one open stage');
}
