// Core's read models (views/*.rs), computed over the fake tables with the same rules.
import type * as T from '../types';
import { AppError } from '../errors';
import { addDays, DAY, dateOnly, Db, daysBetween } from './db';

function accountName(db: Db, id: T.Id | null): string | null {
  return id ? db.tables.account.get(id)?.name ?? null : null;
}

export function cadenceOf(db: Db, a: T.Account): number {
  if (a.cadence_days) return a.cadence_days;
  const s = db.settings;
  return a.tier === 'A' ? s.cadence_days_a : a.tier === 'B' ? s.cadence_days_b : s.cadence_days_c;
}

function stageOf(db: Db, name: string): T.Stage | undefined {
  return db.settings.stages.find((s) => s.name === name);
}

export function winProbability(db: Db, o: T.Opportunity): number {
  return o.probability ?? stageOf(db, o.stage)?.probability ?? 0;
}

export function lastTouch(db: Db, accountId: T.Id): string | null {
  let last: string | null = null;
  for (const n of db.tables.note.values()) {
    if (!n.deleted && n.account_id === accountId && (!last || n.occurred_at > last)) last = n.occurred_at;
  }
  return last;
}

export function health(db: Db, id: T.Id): T.Health {
  const acc = db.tables.account.get(id);
  if (!acc) throw new AppError('not_found', 'account not found');
  const now = db.now();
  const today = dateOnly(now);
  const reasons: T.HealthReason[] = [];
  let penalty = 0;
  const touch = lastTouch(db, id) ?? acc.created_at;
  const since = Math.floor((now.getTime() - Date.parse(touch)) / DAY);
  const cadence = cadenceOf(db, acc);
  if (since > cadence) {
    reasons.push({ code: 'no_touch_within_cadence', params: { days_since_touch: since, cadence_days: cadence } });
    penalty += 30;
  }
  const overdue = db.alive('task').filter((t) => t.account_id === id && !t.done && t.due_date && t.due_date < today).length;
  if (overdue) {
    reasons.push({ code: 'overdue_tasks', params: { count: overdue } });
    penalty += 10 * Math.min(overdue, 3);
  }
  if (acc.competitors.length) {
    reasons.push({ code: 'competitor_present', params: { competitors: acc.competitors } });
    penalty += 15;
  }
  const renewal = nextRenewal(db, id);
  if (renewal && renewal.days_left <= db.settings.renewal_window_days) {
    reasons.push({ code: 'renewal_near', params: { contract_id: renewal.contract_id, end_date: renewal.end_date, days_left: renewal.days_left } });
    penalty += 15;
  }
  const stalled = db.alive('opportunity')
    .filter((o) => o.account_id === id && stageOf(db, o.stage)?.outcome === 'open' && o.stage_changed_at)
    .map((o) => ({ o, days: Math.floor((now.getTime() - Date.parse(o.stage_changed_at as string)) / DAY) }))
    .filter((x) => x.days > db.settings.stalled_after_days)
    .slice(0, 2);
  for (const s of stalled) {
    reasons.push({ code: 'stalled_opportunity', params: { opportunity_id: s.o.id, name: s.o.name, days_in_stage: s.days } });
    penalty += 15;
  }
  const score = Math.max(0, 100 - penalty);
  return { score, label: score >= 70 ? 'good' : score >= 40 ? 'attention' : 'risk', reasons };
}

function nextRenewal(db: Db, accountId: T.Id): T.NextRenewal | null {
  const today = dateOnly(db.now());
  const upcoming = db.alive('contract')
    .filter((c) => c.account_id === accountId && c.end_date && c.end_date >= today)
    .sort((a, b) => (a.end_date as string).localeCompare(b.end_date as string));
  const c = upcoming[0];
  if (!c || !c.end_date) return null;
  return { contract_id: c.id, contract_name: c.name, end_date: c.end_date, days_left: daysBetween(today, c.end_date) };
}

export function overview(db: Db, id: T.Id): T.AccountOverview {
  const acc = db.tables.account.get(id);
  if (!acc || acc.deleted) throw new AppError('not_found', 'account not found');
  const touch = lastTouch(db, id);
  const since = Math.floor((db.now().getTime() - Date.parse(touch ?? acc.created_at)) / DAY);
  const pipeline: T.PipelineTotal[] = [];
  for (const o of db.alive('opportunity')) {
    if (o.account_id !== id || stageOf(db, o.stage)?.outcome !== 'open') continue;
    let row = pipeline.find((p) => p.kind === o.kind);
    if (!row) pipeline.push((row = { kind: o.kind, count: 0, amount_cents: 0, weighted_cents: 0 }));
    row.count += 1;
    row.amount_cents += o.amount_cents;
    row.weighted_cents += Math.round((o.amount_cents * winProbability(db, o)) / 100);
  }
  return {
    account_id: id, name: acc.name, health: health(db, id), last_touch: touch, days_since_touch: since,
    cadence_days: cadenceOf(db, acc), next_renewal: nextRenewal(db, id), pipeline,
  };
}

function capped<X>(items: X[], limit = 100): T.Capped<X> {
  return { items: items.slice(0, limit), total: items.length };
}

export function today(db: Db): T.Today {
  const now = db.now();
  const date = dateOnly(now);
  const dayStart = `${date}T00:00:00.000Z`;
  const dayEnd = `${addDays(date, 1)}T00:00:00.000Z`;
  const meetings = db.alive('meeting')
    .filter((m) => m.starts_at >= dayStart && m.starts_at < dayEnd)
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at))
    .map((m) => ({ id: m.id, title: m.title, starts_at: m.starts_at, ends_at: m.ends_at, timezone: m.timezone,
      link: m.link, location: m.location, account_id: m.account_id, account_name: accountName(db, m.account_id) }));
  const tasks = db.alive('task')
    .filter((t) => !t.done && t.due_date && t.due_date <= date)
    .sort((a, b) => (a.due_date as string).localeCompare(b.due_date as string))
    .map((t) => {
      const days = daysBetween(t.due_date as string, date);
      return { id: t.id, title: t.title, due_date: t.due_date, priority: t.priority, overdue: days > 0, days_overdue: days,
        account_id: t.account_id, account_name: accountName(db, t.account_id), contact_id: t.contact_id, opportunity_id: t.opportunity_id };
    });
  const reminders = db.alive('reminder')
    .filter((r) => !r.done && r.due_local)
    .map((r) => {
      const due = new Date(`${r.due_local}Z`).toISOString();
      const at = r.snoozed_until && r.snoozed_until > due ? r.snoozed_until : due;
      return { id: r.id, title: r.title, due_at: at, about_kind: r.about_kind, about_id: r.about_id };
    })
    .filter((r) => r.due_at <= now.toISOString())
    .sort((a, b) => a.due_at.localeCompare(b.due_at));
  const renewals = renewalsInWindow(db);
  const going_cold = db.alive('account')
    .filter((a) => a.lifecycle !== 'churned')
    .map((a) => {
      const touch = lastTouch(db, a.id);
      const since = Math.floor((now.getTime() - Date.parse(touch ?? a.created_at)) / DAY);
      const cadence = cadenceOf(db, a);
      return { account_id: a.id, name: a.name, tier: a.tier, cadence_days: cadence, last_touch: touch,
        days_since_touch: since, days_past_cadence: since - cadence };
    })
    .filter((c) => c.days_past_cadence > 0)
    .sort((a, b) => b.days_past_cadence - a.days_past_cadence);
  return { date, meetings: capped(meetings), tasks: capped(tasks), reminders: capped(reminders),
    renewals: capped(renewals), going_cold: capped(going_cold, 50) };
}

export function renewalsInWindow(db: Db): T.Renewal[] {
  const date = dateOnly(db.now());
  return db.alive('contract')
    .filter((c) => c.end_date && c.end_date >= date && daysBetween(date, c.end_date) <= db.settings.renewal_window_days)
    .sort((a, b) => (a.end_date as string).localeCompare(b.end_date as string))
    .map((c) => ({ contract_id: c.id, contract_name: c.name, account_id: c.account_id, account_name: accountName(db, c.account_id),
      end_date: c.end_date as string, days_left: daysBetween(date, c.end_date as string),
      notice_by: addDays(c.end_date as string, -c.notice_days), value_cents: c.value_cents, currency: c.currency, auto_renew: c.auto_renew }));
}

export function giftPeriod(db: Db, day: string): [string, string] {
  const s = db.settings;
  const y = Number(day.slice(0, 4));
  if (s.gift_period === 'rolling12_months') return [addDays(day, -364), day];
  if (s.gift_period === 'fiscal_year') {
    const m = s.fiscal_year_start_month;
    const startYear = Number(day.slice(5, 7)) >= m ? y : y - 1;
    const start = `${startYear}-${String(m).padStart(2, '0')}-01`;
    const nextStart = `${startYear + 1}-${String(m).padStart(2, '0')}-01`;
    return [start, addDays(nextStart, -1)];
  }
  return [`${y}-01-01`, `${y}-12-31`];
}

function contactName(c: T.Contact): string {
  return `${c.first_name} ${c.last_name}`.trim();
}

export function giftTotals(db: Db, recipient: T.Id | null): T.GiftTotal[] {
  const [start, end] = giftPeriod(db, dateOnly(db.now()));
  const by = new Map<T.Id, { total: number; ent: number; currency: string }>();
  for (const g of db.alive('gift')) {
    if (!g.recipient_id || !g.date || g.date < start || g.date > end) continue;
    if (recipient && g.recipient_id !== recipient) continue;
    const row = by.get(g.recipient_id) ?? { total: 0, ent: 0, currency: g.currency };
    if (g.kind === 'gift') row.total += g.value_cents; else row.ent += g.value_cents;
    by.set(g.recipient_id, row);
  }
  const cap = db.settings.gift_cap_cents;
  return [...by.entries()]
    .map(([id, r]) => {
      const c = db.tables.contact.get(id);
      return { recipient_id: id, recipient_name: c ? contactName(c) : null, period_start: start, period_end: end,
        total_cents: r.total, entertainment_cents: r.ent, cap_cents: cap, currency: db.settings.currency,
        remaining_cents: Math.max(0, cap - r.total), over_cap: r.total > cap };
    })
    .sort((a, b) => b.total_cents - a.total_cents);
}

export function giftCheck(db: Db, draft: T.Gift): T.GiftCheck {
  if (!draft.recipient_id) throw new AppError('invalid', 'recipient_id: is required', 'recipient_id');
  const day = draft.date ?? dateOnly(db.now());
  const [start, end] = giftPeriod(db, day);
  let soFar = 0;
  for (const g of db.alive('gift')) {
    if (g.recipient_id === draft.recipient_id && g.kind === 'gift' && g.date && g.date >= start && g.date <= end) soFar += g.value_cents;
  }
  const counts = draft.kind === 'gift';
  const withGift = soFar + (counts ? draft.value_cents : 0);
  const cap = db.settings.gift_cap_cents;
  return { recipient_id: draft.recipient_id, period_start: start, period_end: end, counts_toward_cap: counts,
    total_so_far_cents: soFar, total_with_gift_cents: withGift, cap_cents: cap, currency: db.settings.currency,
    would_exceed: counts && withGift > cap };
}

export function quotaSummary(db: Db, id: T.Id): T.QuotaSummary {
  const q = db.tables.quota.get(id);
  if (!q || !q.period_start || !q.period_end) throw new AppError('not_found', 'quota not found');
  let attained = 0, won = 0, open = 0, openCount = 0, weighted = 0;
  for (const o of db.alive('opportunity')) {
    if (!o.close_date || o.close_date < q.period_start || o.close_date > q.period_end) continue;
    const outcome = stageOf(db, o.stage)?.outcome;
    if (outcome === 'won') { attained += o.amount_cents; won += 1; }
    if (outcome === 'open') { open += o.amount_cents; openCount += 1; weighted += Math.round((o.amount_cents * winProbability(db, o)) / 100); }
  }
  const remaining = Math.max(0, q.target_cents - attained);
  return { quota_id: id, name: q.name, period_start: q.period_start, period_end: q.period_end, currency: q.currency,
    target_cents: q.target_cents, attained_cents: attained, won_count: won,
    attainment_percent: q.target_cents > 0 ? (attained * 100) / q.target_cents : 0, remaining_cents: remaining,
    open_pipeline_cents: open, open_count: openCount, weighted_pipeline_cents: weighted,
    coverage: remaining > 0 ? open / remaining : null };
}

export function whitespace(db: Db, offset: number, limit: number): T.Whitespace {
  const products = db.alive('product').filter((p) => p.active).sort((a, b) => a.name.localeCompare(b.name));
  const owned = new Set<string>();
  const owners = new Map<T.Id, number>();
  for (const h of db.alive('holding')) {
    if (!h.account_id || !h.product_id) continue;
    owned.add(`${h.account_id}/${h.product_id}`);
    owners.set(h.product_id, (owners.get(h.product_id) ?? 0) + 1);
  }
  const inOpp = new Set<string>();
  for (const o of db.alive('opportunity')) {
    if (stageOf(db, o.stage)?.outcome !== 'open') continue;
    for (const p of o.product_ids) inOpp.add(`${o.account_id}/${p}`);
  }
  const accounts = db.alive('account').sort((a, b) => a.name.localeCompare(b.name));
  const slice = accounts.slice(offset, offset + limit);
  return {
    products: products.map((p) => ({ id: p.id, name: p.name, owners: owners.get(p.id) ?? 0 })),
    rows: slice.map((a) => ({ account_id: a.id, account_name: a.name, cells: products.map((p): T.Cell =>
      owned.has(`${a.id}/${p.id}`) ? 'owned' : inOpp.has(`${a.id}/${p.id}`) ? 'in_open_opportunity' : 'not_owned') })),
    next_offset: offset + limit < accounts.length ? offset + limit : null,
  };
}

export function suggestions(db: Db, accountId: T.Id, limit: number): T.Suggestion[] {
  const holdings = db.alive('holding');
  const byAccount = new Map<T.Id, Set<T.Id>>();
  for (const h of holdings) {
    if (!h.account_id || !h.product_id) continue;
    const s = byAccount.get(h.account_id) ?? new Set();
    s.add(h.product_id);
    byAccount.set(h.account_id, s);
  }
  const mine = byAccount.get(accountId) ?? new Set<T.Id>();
  const out: T.Suggestion[] = [];
  for (const because of mine) {
    const owners = [...byAccount.values()].filter((s) => s.has(because));
    for (const p of db.alive('product')) {
      if (mine.has(p.id) || !p.active) continue;
      const support = owners.filter((s) => s.has(p.id)).length;
      if (support < 1) continue;
      const prev = out.find((x) => x.product_id === p.id);
      const confidence = support / owners.length;
      if (prev && (prev.confidence ?? 0) >= confidence) continue;
      if (prev) out.splice(out.indexOf(prev), 1);
      out.push({ product_id: p.id, product_name: p.name, because_of_id: because,
        because_of_name: db.tables.product.get(because)?.name ?? '', confidence, support, owners_of_because: owners.length });
    }
  }
  return out.sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0) || b.support - a.support).slice(0, limit);
}

const SEARCH_FIELDS: Partial<Record<T.EntityKind, string[]>> = {
  account: ['name', 'domain', 'industry'],
  contact: ['first_name', 'last_name', 'title', 'email', 'personal_notes'],
  note: ['title', 'body'],
  opportunity: ['name', 'next_step'],
  objection: ['statement', 'response'],
};

export function search(db: Db, query: string, kinds: T.EntityKind[], limit: number): T.SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const hits: T.SearchHit[] = [];
  const wanted = kinds.length ? kinds : (Object.keys(SEARCH_FIELDS) as T.EntityKind[]);
  for (const kind of wanted) {
    const fields = SEARCH_FIELDS[kind];
    if (!fields) continue;
    for (const r of db.tables[kind].values()) {
      if (r.deleted) continue;
      const rec = r as unknown as Record<string, unknown>;
      const text = fields.map((f) => (typeof rec[f] === 'string' ? rec[f] : '')).join(' \u2014 ');
      const lower = text.toLowerCase();
      if (!words.every((w) => lower.includes(w))) continue;
      const at = lower.indexOf(words[0]);
      const from = Math.max(0, at - 40);
      const window = text.slice(from, at + 80);
      const snippet: T.SnippetPart[] = [];
      let rest = window;
      const re = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'i');
      while (rest) {
        const m = re.exec(rest);
        if (!m) { snippet.push({ text: rest, hit: false }); break; }
        if (m.index) snippet.push({ text: rest.slice(0, m.index), hit: false });
        snippet.push({ text: m[0], hit: true });
        rest = rest.slice(m.index + m[0].length);
      }
      if (from > 0) snippet.unshift({ text: '\u2026', hit: false });
      const title = kind === 'contact' ? contactName(r as unknown as T.Contact)
        : String(rec.title || rec.name || rec.statement || '');
      const accountId = kind === 'account' ? r.id : (rec.account_id as T.Id | null) ?? null;
      hits.push({ kind, id: r.id, title, account_id: accountId, snippet, score: -words.length });
      if (hits.length >= limit) return hits;
    }
  }
  return hits;
}

export function brief(db: Db, id: T.Id): T.MeetingBrief {
  const m = db.tables.meeting.get(id);
  if (!m || m.deleted) throw new AppError('not_found', 'meeting not found');
  const today = dateOnly(db.now());
  const acc = m.account_id ? db.tables.account.get(m.account_id) : undefined;
  const noteOf = (n: T.Rec<T.Note>): T.BriefNote => ({ id: n.id, kind: n.kind, occurred_at: n.occurred_at, title: n.title,
    excerpt: n.body.length > 280 ? `${n.body.slice(0, 279)}\u2026` : n.body, outcome: n.outcome, next_steps: n.next_steps });
  const notes = db.alive('note').sort((a, b) => b.occurred_at.localeCompare(a.occurred_at));
  const totals = giftTotals(db, null);
  const [ps, pe] = giftPeriod(db, today);
  const attendees = m.attendee_ids.map((cid) => db.tables.contact.get(cid)).filter((c): c is T.Rec<T.Contact> => !!c && !c.deleted)
    .map((c) => ({ id: c.id, name: contactName(c), title: c.title, email: c.email, phone: c.phone, buying_role: c.buying_role,
      comm_preference: c.comm_preference, personal_notes: c.personal_notes,
      last_touch: notes.find((n) => n.contact_ids.includes(c.id))?.occurred_at ?? null,
      gift_total: totals.find((g) => g.recipient_id === c.id) ?? { recipient_id: c.id, recipient_name: contactName(c), period_start: ps,
        period_end: pe, total_cents: 0, entertainment_cents: 0, cap_cents: db.settings.gift_cap_cents, currency: db.settings.currency,
        remaining_cents: db.settings.gift_cap_cents, over_cap: false },
      gifts: db.alive('gift').filter((g) => g.recipient_id === c.id).map((g) => ({ date: g.date, kind: g.kind, description: g.description,
        value_cents: g.value_cents, currency: g.currency })) }));
  const accId = m.account_id;
  return {
    meeting: { id: m.id, title: m.title, starts_at: m.starts_at, ends_at: m.ends_at, timezone: m.timezone, link: m.link,
      location: m.location, goal: m.goal, agenda: m.agenda },
    account: acc ? { id: acc.id, name: acc.name, tier: acc.tier, lifecycle: acc.lifecycle, industry: acc.industry,
      last_touch: lastTouch(db, acc.id), health: health(db, acc.id) } : null,
    attendees,
    account_notes: notes.filter((n) => accId && n.account_id === accId).slice(0, 5).map(noteOf),
    attendee_notes: notes.filter((n) => n.account_id !== accId && n.contact_ids.some((c) => m.attendee_ids.includes(c))).slice(0, 5).map(noteOf),
    opportunities: db.alive('opportunity').filter((o) => accId && o.account_id === accId && stageOf(db, o.stage)?.outcome === 'open')
      .map((o) => ({ id: o.id, name: o.name, kind: o.kind, stage: o.stage, probability: winProbability(db, o), amount_cents: o.amount_cents,
        currency: o.currency, close_date: o.close_date, next_step: o.next_step, competitor: o.competitor })),
    contracts: db.alive('contract').filter((c) => accId && c.account_id === accId)
      .map((c) => ({ id: c.id, name: c.name, end_date: c.end_date, days_left: c.end_date ? daysBetween(today, c.end_date) : null,
        value_cents: c.value_cents, currency: c.currency, auto_renew: c.auto_renew, notice_days: c.notice_days })),
    tasks: db.alive('task').filter((t) => accId && t.account_id === accId && !t.done)
      .map((t) => ({ id: t.id, title: t.title, due_date: t.due_date, priority: t.priority, overdue: !!t.due_date && t.due_date < today })),
    objections: db.alive('objection').filter((o) => accId && o.account_id === accId)
      .map((o) => { const c = o.contact_id ? db.tables.contact.get(o.contact_id) : undefined;
        return { id: o.id, statement: o.statement, category: o.category, response: o.response, raised_by: c ? contactName(c) : null,
          raised_on: o.raised_on, outcome: o.outcome }; }),
    suggestions: accId ? suggestions(db, accId, 3) : [],
    today,
  };
}

export function briefMarkdown(b: T.MeetingBrief): string {
  const lines = [`# ${b.meeting.title}`, ''];
  if (b.meeting.link) lines.push(`Join: ${b.meeting.link}`, '');
  lines.push(`${b.meeting.starts_at} \u2013 ${b.meeting.ends_at} (${b.meeting.timezone})`, '');
  if (b.meeting.goal) lines.push(`**Goal:** ${b.meeting.goal}`, '');
  if (b.account) lines.push(`## ${b.account.name}`, '', `Tier ${b.account.tier}, ${b.account.lifecycle}, health ${b.account.health.score} (${b.account.health.label})`, '');
  if (b.attendees.length) {
    lines.push('## Who is coming', '');
    for (const a of b.attendees) lines.push(`- **${a.name}**${a.title ? `, ${a.title}` : ''}${a.buying_role ? ` (${a.buying_role.replace('_', ' ')})` : ''}`);
    lines.push('');
  }
  if (b.opportunities.length) {
    lines.push('## Open opportunities', '');
    for (const o of b.opportunities) lines.push(`- ${o.name}: ${o.stage}, ${(o.amount_cents / 100).toFixed(2)} ${o.currency}`);
    lines.push('');
  }
  if (b.objections.length) {
    lines.push('## Objections and answers', '');
    for (const o of b.objections) lines.push(`- ${o.statement}`, `  - ${o.response}`);
    lines.push('');
  }
  if (b.tasks.length) {
    lines.push('## Open tasks', '');
    for (const t of b.tasks) lines.push(`- [ ] ${t.title}${t.due_date ? ` (due ${t.due_date})` : ''}`);
    lines.push('');
  }
  return lines.join('\n');
}
