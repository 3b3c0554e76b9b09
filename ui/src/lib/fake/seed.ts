// Realistic demo data for the fake backend: a handful of well-known accounts with people,
// notes, meetings today, a pipeline, contracts near renewal and gifts near the cap; plus, on
// request, many plain accounts to exercise the virtualised list.
import type * as T from '../types';
import { blank } from '../defaults';
import { addDays, dateOnly, Db, DAY } from './db';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMPANIES = [
  ['Northwind Traders', 'northwind.example', 'Wholesale'], ['Contoso Pharma', 'contoso.example', 'Life sciences'],
  ['Fabrikam Logistics', 'fabrikam.example', 'Logistics'], ['Tailspin Airlines', 'tailspin.example', 'Aviation'],
  ['Litware Bank', 'litware.example', 'Banking'], ['Adatum Energy', 'adatum.example', 'Energy'],
  ['Wingtip Retail', 'wingtip.example', 'Retail'], ['Proseware Health', 'proseware.example', 'Healthcare'],
  ['Lucerne Publishing', 'lucerne.example', 'Media'], ['Blue Yonder Foods', 'blueyonder.example', 'Food'],
  ['Coho Winery', 'coho.example', 'Beverages'], ['Alpine Ski House', 'alpineski.example', 'Leisure'],
  ['Woodgrove Insurance', 'woodgrove.example', 'Insurance'], ['Trey Research', 'treyresearch.example', 'Research'],
  ['Humongous Motors', 'humongous.example', 'Automotive'], ['Relecloud', 'relecloud.example', 'Software'],
] as const;
const FIRST = ['Anna', 'Marco', 'Lucía', 'Piotr', 'Sofia', 'James', 'Chen', 'Amara', 'Tomasz', 'Giulia', 'Diego', 'Priya', 'Oliver', 'Ewa', 'Mateo', 'Hannah'];
const LAST = ['Kowalska', 'Rossi', 'García', 'Nowak', 'Bianchi', 'Smith', 'Wang', 'Okafor', 'Wiśniewski', 'Romano', 'López', 'Patel', 'Brown', 'Zielińska', 'Fernández', 'Müller'];
const TITLES = ['Chief Financial Officer', 'VP Operations', 'Head of IT', 'Procurement Lead', 'Director of Sales Ops', 'Security Architect'];
const ROLES: T.BuyingRole[] = ['economic_buyer', 'decision_maker', 'champion', 'influencer', 'user', 'blocker'];
const PRODUCTS = ['Analytics Suite', 'Data Connectors', 'Forecasting', 'Secure Vault', 'Mobile Field Kit', 'Premium Support'];
const OWNERS = ['Sam Rivera', 'Alex Chen', 'Jordan Lee'];
const TAGS = ['strategic', 'expansion', 'at-risk', 'reference', 'emea', 'na'];
const NOTES = [
  ['Quarterly business review', 'Walked through **adoption**: 82% of seats active. The CFO asked about the price increase next year; promised a multi-year option.\n\n- Send the usage report\n- Invite their ops lead to the roadmap session'],
  ['Discovery call', 'Pain: forecasting takes a week every month. They run spreadsheets from three regions. Budget is set in January.'],
  ['Lunch with the champion', 'She is moving to a new role in spring; wants us to meet her successor before then. Loves trail running.'],
  ['Security review', 'Their architect needs SSO with SCIM and the data residency letter. Blocker until the pen-test summary arrives.'],
  ['Pricing pushback', 'Procurement compared us with a cheaper competitor. Positioned total cost: the connectors save two FTEs.'],
];
const OBJECTIONS: [T.ObjectionCategory, string, string][] = [
  ['price', 'Your price is 20% above the competitor.', 'Compare total cost over three years: connectors and support are included, so the two-FTE saving pays for the difference in the first year.'],
  ['timing', 'We cannot start before the new fiscal year.', 'Sign now with a start date in the new year; the price is locked and onboarding can begin in parallel.'],
  ['competitor', 'We already use a BI tool.', 'Keep it: our connectors feed it. We replace the spreadsheets, not the dashboards.'],
  ['authority', 'The CFO has to approve anything above 50k.', 'Let us prepare a one-page business case for the CFO together, with their numbers.'],
  ['need', 'Our team is happy with spreadsheets.', 'Ask how long month-end forecasting takes today; show the Litware example that cut it from five days to one.'],
];

const ascii = (s: string) => s.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '');

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export interface SeedOptions {
  /** Extra plain accounts for list-performance work (e.g. 100000). */
  bulkAccounts?: number;
}

export function seed(db: Db, opts: SeedOptions = {}): void {
  const r = rng(42);
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(r() * xs.length)];
  const now = db.now().getTime();
  const today = dateOnly(db.now());
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY);

  const products = PRODUCTS.map((name, i) =>
    db.put('product', { ...blank('product'), name, sku: `RP-${100 + i}`, category: i < 3 ? 'Platform' : 'Add-on', list_price_cents: (12 + i * 7) * 100_000 }));

  db.put('quota', { ...blank('quota'), name: `FY${today.slice(0, 4)}`, period_start: `${today.slice(0, 4)}-01-01`,
    period_end: `${today.slice(0, 4)}-12-31`, target_cents: 150_000_000 });

  COMPANIES.forEach(([name, domain, industry], i) => {
    const tier = (['A', 'B', 'C'] as T.Tier[])[i % 3];
    const lifecycle: T.Lifecycle = i % 5 === 4 ? 'prospect' : i === 11 ? 'churned' : 'customer';
    const created = at(400 - i * 7);
    const acc = db.put('account', { ...blank('account'), name, domain, industry, tier, lifecycle, owner: OWNERS[i % 3],
      annual_value_cents: (5 + Math.floor(r() * 90)) * 1_000_000, competitors: i % 4 === 1 ? ['Globex'] : [],
      tags: [pick(TAGS), ...(i % 2 ? [pick(TAGS)] : [])].filter((t, k, a) => a.indexOf(t) === k) }, undefined, created);

    const people: T.Rec<T.Contact>[] = [];
    for (let p = 0; p < 4; p++) {
      const first = FIRST[(i * 3 + p) % FIRST.length];
      const last = LAST[(i * 5 + p * 3) % LAST.length];
      people.push(db.put('contact', { ...blank('contact'), account_id: acc.id, first_name: first, last_name: last,
        title: TITLES[(i + p) % TITLES.length], email: `${ascii(first)}.${ascii(last)}@${domain}`,
        phone: `+1 555 01${String(i).padStart(2, '0')}${p}`, buying_role: ROLES[(p + i) % ROLES.length],
        comm_preference: (['email', 'video', 'phone', 'in_person'] as T.CommPreference[])[p],
        reports_to: p === 0 ? null : p === 3 ? people[1].id : people[0].id,
        personal_notes: p === 0 ? 'Prefers short agendas sent the day before. Two kids; coaches football on Saturdays.' : '' }, undefined, created));
    }

    const touchAgo = [2, 9, 21, 45, 70, 120][i % 6];
    NOTES.forEach(([title, body], n) => {
      if (n > 1 + (i % 4)) return;
      db.put('note', { ...blank('note'), kind: (['meeting', 'call', 'note', 'email', 'call'] as T.NoteKind[])[n], occurred_at: iso(now - (touchAgo + n * 11) * DAY),
        account_id: acc.id, contact_ids: [people[n % 4].id], title, body, pinned: n === 3 && i % 2 === 0 });
    });

    const stages = db.settings.stages;
    const oppCount = lifecycle === 'churned' ? 0 : 1 + (i % 3);
    for (let o = 0; o < oppCount; o++) {
      const stage = stages[(i + o * 2) % stages.length];
      db.put('opportunity', { ...blank('opportunity'), account_id: acc.id, name: `${name.split(' ')[0]} ${PRODUCTS[(i + o) % PRODUCTS.length]}`,
        kind: (['new_business', 'upsell', 'cross_sell', 'renewal'] as T.OppKind[])[(i + o) % 4],
        product_ids: [products[(i + o) % products.length].id], amount_cents: (20 + Math.floor(r() * 200)) * 100_000,
        stage: stage.name, close_date: addDays(today, -20 + ((i * 13 + o * 29) % 150)),
        next_step: o === 0 ? 'Send the business case' : null, competitor: o === 1 ? 'Globex' : null,
        lost_reason: stage.outcome === 'lost' ? 'Budget moved to next year' : null,
        stage_changed_at: iso(now - (5 + ((i * 7) % 50)) * DAY) });
    }

    if (lifecycle === 'customer') {
      const end = addDays(today, [25, 60, 95, 200, 330][i % 5]);
      db.put('contract', { ...blank('contract'), account_id: acc.id, name: `${name} master agreement`, product_ids: [products[i % products.length].id],
        value_cents: (40 + Math.floor(r() * 300)) * 100_000, start_date: addDays(end, -365), end_date: end, notice_days: 60, auto_renew: i % 2 === 0 });
      for (let h = 0; h < 1 + (i % 4); h++) {
        db.put('holding', { ...blank('holding'), account_id: acc.id, product_id: products[(i + h * 2) % products.length].id,
          seats: 25 * (1 + h), since: addDays(today, -300) });
      }
    }

    if (i < 4) {
      const start = new Date(`${today}T${String(9 + i * 2).padStart(2, '0')}:30:00Z`).getTime();
      db.put('meeting', { ...blank('meeting'), title: `${name}: ${['renewal strategy', 'security review', 'QBR', 'pricing workshop'][i]}`,
        starts_at: iso(start), ends_at: iso(start + 45 * 60_000), timezone: 'Europe/Warsaw', account_id: acc.id,
        attendee_ids: people.slice(0, 2 + (i % 2)).map((p) => p.id), link: i % 2 === 0 ? `https://zoom.example/j/8${i}4512` : null,
        location: i % 2 ? 'Their office, 4th floor' : null, goal: 'Agree the next step and a date for the decision.',
        agenda: '1. Where we stand\n2. Open questions\n3. Next steps' });
    }
    if (i < 7) {
      db.put('task', { ...blank('task'), title: ['Send the usage report', 'Book the security review', 'Draft the renewal quote', 'Intro the new CSM',
        'Follow up on the pen-test summary', 'Confirm the QBR date', 'Share the case study'][i], due_date: addDays(today, [-3, -1, 0, 0, 2, 5, -8][i]),
        priority: (['high', 'normal', 'high', 'low', 'normal', 'normal', 'high'] as T.Priority[])[i], account_id: acc.id, contact_id: people[0].id });
    }
    if (i < 5) {
      const [category, statement, response] = OBJECTIONS[i];
      db.put('objection', { ...blank('objection'), statement, category, response, account_id: acc.id, contact_id: people[1].id,
        raised_on: addDays(today, -10 * (i + 1)), outcome: i % 2 ? 'Accepted the answer' : null });
    }
    if (i < 6) {
      db.put('gift', { ...blank('gift'), date: addDays(today, -20 - i * 9), recipient_id: people[0].id, kind: i % 3 === 2 ? 'entertainment' : 'gift',
        description: ['Conference dinner', 'Book: The Challenger Sale', 'Concert tickets', 'Coffee sampler', 'Branded jacket', 'Team lunch'][i],
        value_cents: [4500, 2800, 15000, 3500, 9000, 6000][i] });
    }
  });

  const accounts = db.alive('account');
  db.put('reminder', { ...blank('reminder'), title: `Call ${accounts[0].name} about the renewal`, due_local: iso(now - 3_600_000).slice(0, 19),
    about_kind: 'account', about_id: accounts[0].id });
  db.put('reminder', { ...blank('reminder'), title: 'Send the QBR deck', due_local: iso(now - 7_200_000).slice(0, 19) });

  const trashed = db.put('account', { ...blank('account'), name: 'Old Duplicate Ltd', tier: 'C' });
  db.tables.account.set(trashed.id, { ...trashed, deleted: true });

  const bulk = opts.bulkAccounts ?? 0;
  for (let n = 0; n < bulk; n++) {
    const name = `${pick(FIRST)} ${pick(LAST)} ${['Holdings', 'Group', 'Labs', 'Systems', 'Partners'][n % 5]} ${n + 1}`;
    db.put('account', { ...blank('account'), name, tier: (['A', 'B', 'C'] as T.Tier[])[n % 3], lifecycle: (['prospect', 'customer', 'churned'] as T.Lifecycle[])[n % 3],
      owner: OWNERS[n % 3], annual_value_cents: (n % 97) * 1_000_000, tags: [TAGS[n % TAGS.length]] }, undefined, at(n % 365));
  }
}
