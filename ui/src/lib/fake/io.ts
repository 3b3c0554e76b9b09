// The fake backend's import and export, following core's rules (crates/core/src/io) closely
// enough for the wizard's tests and screenshots: CSV in any of , ; tab | with quotes and BOM;
// Salesforce and HubSpot recognised by their headers; dedupe by source id, email, domain and
// normalised name; row errors with lines; one batch per commit, undoable.
import type * as T from '../types';
import type * as IO from '../io/types';
import { AppError, invalid } from '../errors';
import { blank } from '../defaults';
import { normalize, validate } from './validate';
import type { Db } from './db';

export interface FakeIoHost {
  db: Db;
  emit(kind: T.EntityKind, ids: T.Id[]): void;
  wait(): Promise<void>;
  search(query: string, kinds: T.EntityKind[], limit: number): T.SearchHit[];
}

const loose = (s: string) => s.normalize('NFKD').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
const clone = <X>(x: X): X => JSON.parse(JSON.stringify(x));

/** Reads CSV text: the delimiter most common on the first line, quotes, BOM, CRLF. */
export function readCsv(name: string, text: string): IO.Table {
  if (text.includes('\u0000')) throw invalid('file', `${name} is not a text file`);
  text = text.replace(/^\uFEFF/, '');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else { if (ch === '\n') line++; cell += ch; }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) { cells.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((c) => c !== '')) records.push({ line: start, cells });
      cells = []; cell = ''; line++; start = line;
    } else cell += ch;
  }
  const errors: IO.RowError[] = [];
  if (quoted) errors.push({ line: start, message: 'the file ends inside a quoted value; this row was dropped' });
  else if (cell !== '' || cells.length) { cells.push(cell); if (cells.some((c) => c !== '')) records.push({ line: start, cells }); }
  const [head, ...rows] = records;
  if (!head) throw invalid('file', `${name} is empty`);
  return { name, encoding: 'UTF-8', delimiter, headers: head.cells.map((h) => h.trim()), rows, errors };
}

function systemOf(headers: string[]): IO.System {
  const h = new Set(headers.map(loose));
  if (['recordid', 'associatedcompany', 'dealstage', 'associatedcompanyids'].some((x) => h.has(x))) return 'hubspot';
  if (['accountid', 'stagename', 'reportstoid', 'ownerid', 'opportunityid', 'contactid', 'opportunityname', 'accountowner'].some((x) => h.has(x))) return 'salesforce';
  if (h.has('id') && (h.has('name') || h.has('lastname')) && ['isdeleted', 'createddate', 'billingcity', 'mobilephone', 'closedate'].some((x) => h.has(x))) return 'salesforce';
  return 'other';
}

function kindOf(headers: string[]): IO.SheetKind {
  const h = new Set(headers.map(loose));
  if (['stagename', 'stage', 'dealstage', 'opportunityname', 'dealname', 'closedate'].some((x) => h.has(x))) return 'opportunity';
  if (['lastname', 'firstname', 'email', 'emailaddress', 'reportstoid', 'contactid'].some((x) => h.has(x))) return 'contact';
  return 'account';
}

const TARGETS: Record<IO.SheetKind, Record<string, IO.Target>> = {
  account: { id: 'source_id', recordid: 'source_id', accountid: 'source_id', companyid: 'source_id', name: 'name', accountname: 'name', companyname: 'name', company: 'name',
    website: 'website', companydomainname: 'website', domain: 'website', industry: 'industry', type: 'lifecycle', lifecyclestage: 'lifecycle', parentid: 'parent_ref',
    ownerid: 'owner', owner: 'owner', accountowner: 'owner', currency: 'currency', currencyisocode: 'currency', tags: 'tags' },
  contact: { id: 'source_id', recordid: 'source_id', contactid: 'source_id', accountid: 'account_ref', associatedcompanyids: 'account_ref', accountname: 'account_name',
    associatedcompany: 'account_name', company: 'account_name', firstname: 'first_name', lastname: 'last_name', name: 'full_name', fullname: 'full_name', title: 'title',
    jobtitle: 'title', email: 'email', emailaddress: 'email', phone: 'phone', phonenumber: 'phone', mobilephone: 'mobile', mobile: 'mobile', reportstoid: 'reports_to_ref',
    linkedin: 'linked_in', linkedinurl: 'linked_in', birthdate: 'birthday', birthday: 'birthday', tags: 'tags' },
  opportunity: { id: 'source_id', recordid: 'source_id', opportunityid: 'source_id', accountid: 'account_ref', associatedcompanyids: 'account_ref', accountname: 'account_name',
    associatedcompany: 'account_name', name: 'name', opportunityname: 'name', dealname: 'name', stagename: 'stage', stage: 'stage', dealstage: 'stage', amount: 'amount',
    closedate: 'close_date', probability: 'probability', type: 'opp_type', dealtype: 'opp_type', nextstep: 'next_step', lossreason: 'lost_reason', competitor: 'competitor',
    currency: 'currency', currencyisocode: 'currency', tags: 'tags' },
};

export function recognise(table: IO.Table): IO.Mapping {
  const system = systemOf(table.headers);
  const kind = kindOf(table.headers);
  const seen = new Set<IO.Target>();
  const columns = table.headers.map((column, i): IO.ColumnMap => {
    let target = TARGETS[kind][loose(column)] ?? 'ignore';
    if (target === 'ignore' && system === 'other') {
      const sample = table.rows.slice(0, 50).map((r) => r.cells[i] ?? '').filter(Boolean);
      if (sample.length && kind === 'contact' && sample.every((c) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c))) target = 'email';
      if (sample.length && kind === 'account' && sample.every((c) => /^(https?:\/\/|www\.)\S+$/.test(c))) target = 'website';
    }
    if (target !== 'ignore' && seen.has(target)) target = 'ignore';
    seen.add(target);
    return { column, target };
  });
  return { system, kind, columns, name: null };
}

/** "2027-03-31", "3/31/2027", "31.03.2027" -> "2027-03-31". */
export function parseDate(s: string): string | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) [y, mo, d] = [Number(m[3]), Number(m[1]), Number(m[2])];
  else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s))) [y, mo, d] = [Number(m[3]), Number(m[2]), Number(m[1])];
  else return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function sourceRef(m: IO.Mapping, kind: T.EntityKind, raw: string): string | null {
  raw = raw.trim();
  if (!raw) return null;
  if (m.system === 'salesforce') return `salesforce:${raw.slice(0, 15)}`;
  if (m.system === 'hubspot') return `hubspot:${kind === 'account' ? 'company' : kind === 'opportunity' ? 'deal' : 'contact'}:${raw.split(/[;,]/)[0].trim()}`;
  return `import:${m.name ?? 'sheet'}:${kind}:${raw}`;
}

const domainOf = (w: string) => w.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').split('/')[0] || null;
const nameKey = (n: string) => loose(n.replace(/,?\s+(inc|llc|ltd|gmbh|corp|corporation|co|sa|s\.a\.|sp\. z o\.o\.)\.?$/i, ''));

interface Batch { info: IO.BatchInfo; changes: { kind: T.EntityKind; id: T.Id; previous: unknown | null; trashed?: boolean }[] }

export function fakeIo(host: FakeIoHost): IO.IoBackend {
  const { db } = host;
  const mappings: IO.Mapping[] = [];
  const batches: Batch[] = [];
  let saved = 0;

  function index() {
    const byRef = new Map<string, { kind: T.EntityKind; id: T.Id; label: string }>();
    const email = new Map<string, { id: T.Id; label: string }>();
    const domain = new Map<string, { id: T.Id; label: string }>();
    const name = new Map<string, { id: T.Id; label: string }>();
    for (const a of db.alive('account')) {
      const label = a.domain ? `${a.name} (${a.domain})` : a.name;
      if (a.source_ref) byRef.set(a.source_ref, { kind: 'account', id: a.id, label });
      if (a.domain) domain.set(a.domain, { id: a.id, label });
      name.set(nameKey(a.name), { id: a.id, label });
    }
    for (const c of db.alive('contact')) {
      const label = `${c.first_name} ${c.last_name}`.trim() + (c.email ? ` <${c.email}>` : '');
      if (c.source_ref) byRef.set(c.source_ref, { kind: 'contact', id: c.id, label });
      if (c.email) email.set(c.email, { id: c.id, label });
    }
    for (const o of db.alive('opportunity')) if (o.source_ref) byRef.set(o.source_ref, { kind: 'opportunity', id: o.id, label: o.name });
    return { byRef, email, domain, name };
  }

  function stageOf(raw: string): string | null {
    const stages = db.settings.stages;
    const hit = stages.find((s) => loose(s.name) === loose(raw));
    if (hit) return hit.name;
    if (/closed\s*won|closedwon/i.test(raw)) return stages.find((s) => s.outcome === 'won')?.name ?? null;
    if (/closed\s*lost|closedlost/i.test(raw)) return stages.find((s) => s.outcome === 'lost')?.name ?? null;
    return null;
  }

  function planFile(file: IO.ImportFile, idx: ReturnType<typeof index>): IO.FilePreview {
    const { table, mapping } = file;
    const kind = mapping.kind as IO.SheetKind;
    const col = (t: IO.Target) => { const c = mapping.columns.find((x) => x.target === t); return c ? table.headers.findIndex((h) => loose(h) === loose(c.column)) : -1; };
    const rows: IO.PlannedRow[] = [];
    const errors: IO.RowError[] = [...table.errors];
    for (const row of table.rows) {
      const get = (t: IO.Target) => { const i = col(t); return i < 0 ? '' : (row.cells[i] ?? '').trim(); };
      const fields: Record<string, IO.Json> = {};
      const links: IO.Links = { account_ref: null, account_name: null, reports_to_ref: null, parent_ref: null };
      const fail = (field: string, message: string) => errors.push({ line: row.line, field, message });
      let label = '';
      let bad = false;
      if (kind === 'account') {
        if (!get('name')) { fail('name', 'an account needs a name'); continue; }
        fields.name = label = get('name');
        if (get('website')) fields.domain = domainOf(get('website'));
        if (get('industry')) fields.industry = get('industry');
        if (get('owner')) fields.owner = get('owner');
        const type = get('lifecycle').toLowerCase();
        if (type) fields.lifecycle = /customer/.test(type) ? 'customer' : /former|churn/.test(type) ? 'churned' : 'prospect';
        links.parent_ref = sourceRef(mapping, 'account', get('parent_ref'));
      } else if (kind === 'contact') {
        let [first, last] = [get('first_name'), get('last_name')];
        if (!first && !last && get('full_name')) { const parts = get('full_name').split(/\s+/); last = parts.pop() ?? ''; first = parts.join(' '); }
        if (!first && !last) { fail('last_name', 'a contact needs a name'); continue; }
        Object.assign(fields, { first_name: first, last_name: last });
        const email = get('email').toLowerCase();
        if (email) fields.email = email;
        if (get('title')) fields.title = get('title');
        if (get('phone') || get('mobile')) fields.phone = get('phone') || get('mobile');
        if (get('linked_in')) fields.linkedin_url = get('linked_in');
        if (get('birthday')) { const d = parseDate(get('birthday')); if (d) fields.birthday = d; else { fail('birthday', `"${get('birthday')}" is not a date`); bad = true; } }
        label = `${first} ${last}`.trim() + (email ? ` <${email}>` : '');
        links.account_ref = sourceRef(mapping, 'account', get('account_ref'));
        links.account_name = get('account_name') || null;
        links.reports_to_ref = sourceRef(mapping, 'contact', get('reports_to_ref'));
      } else {
        if (!get('name')) { fail('name', 'an opportunity needs a name'); continue; }
        fields.name = label = get('name');
        if (get('stage')) { const s = stageOf(get('stage')); if (s) fields.stage = s; else { fail('stage', `"${get('stage')}" is not a stage of your pipeline`); bad = true; } }
        if (get('amount')) { const n = Number(get('amount').replace(/[^\d.-]/g, '')); if (Number.isFinite(n) && /\d/.test(get('amount'))) fields.amount_cents = Math.round(n * 100); else { fail('amount', `"${get('amount')}" is not an amount`); bad = true; } }
        if (get('close_date')) { const d = parseDate(get('close_date')); if (d) fields.close_date = d; else { fail('close_date', `"${get('close_date')}" is not a date`); bad = true; } }
        const type = get('opp_type').toLowerCase();
        if (type) fields.kind = /renew/.test(type) ? 'renewal' : /upgrade|upsell/.test(type) ? 'upsell' : /cross/.test(type) ? 'cross_sell' : 'new_business';
        links.account_ref = sourceRef(mapping, 'account', get('account_ref'));
        links.account_name = get('account_name') || null;
      }
      if (bad) continue;
      const ref = sourceRef(mapping, kind, get('source_id'));
      let matched: IO.Match | undefined;
      const byRef = ref ? idx.byRef.get(ref) : undefined;
      if (byRef) matched = { id: byRef.id, reason: 'source_id', label: byRef.label };
      else if (kind === 'contact' && typeof fields.email === 'string' && idx.email.get(fields.email)) matched = { ...idx.email.get(fields.email)!, reason: 'same_email' };
      else if (kind === 'account' && typeof fields.domain === 'string' && idx.domain.get(fields.domain)) matched = { ...idx.domain.get(fields.domain)!, reason: 'same_domain' };
      else if (kind === 'account' && idx.name.get(nameKey(fields.name as string))) matched = { ...idx.name.get(nameKey(fields.name as string))!, reason: 'same_name' };
      let action: IO.Action = 'create';
      if (matched) {
        const old = db.tables[kind].get(matched.id) as unknown as Record<string, unknown>;
        action = Object.entries(fields).every(([k, v]) => JSON.stringify(old[k]) === JSON.stringify(v)) && old.source_ref === (ref ?? old.source_ref) ? 'unchanged' : 'update';
      }
      if (ref && !byRef) idx.byRef.set(ref, { kind, id: matched?.id ?? '00000000-0000-0000-0000-000000000000', label });
      rows.push({ line: row.line, label, action, matched, source_ref: ref, fields, links });
    }
    const sys = mapping.system === 'salesforce' ? 'Salesforce' : mapping.system === 'hubspot' ? 'HubSpot' : 'Spreadsheet';
    return { file: table.name, mapping, recognised_as: `${sys} ${kind}s`, rows, errors: errors.sort((a, b) => a.line - b.line) };
  }

  function record(kind: T.EntityKind, id: T.Id, batch: Batch, previous: unknown | null) {
    batch.changes.push({ kind, id, previous });
  }

  const order = (k: T.EntityKind) => (k === 'account' ? 0 : k === 'contact' ? 1 : 2);

  return {
    async importRead(name, bytes) {
      await host.wait();
      if (bytes[0] === 0x50 && bytes[1] === 0x4b) throw new AppError('invalid', 'file: the demo reads CSV only; the app reads .xlsx too', 'file');
      const table = readCsv(name, new TextDecoder().decode(bytes));
      const headers = new Set(table.headers.map(loose));
      const savedMapping = mappings.find((m) => m.columns.length === headers.size && m.columns.every((c) => headers.has(loose(c.column))));
      return { table, mapping: clone(savedMapping ?? recognise(table)) };
    },
    async importPreview(files) {
      await host.wait();
      const idx = index();
      const sorted = [...clone(files)].sort((a, b) => order(a.mapping.kind) - order(b.mapping.kind));
      return { files: sorted.map((f) => planFile(f, idx)) };
    },
    async importCommit(input, onProgress) {
      const preview = clone(input);
      const total = preview.files.reduce((n, f) => n + f.rows.length, 0);
      const report: IO.ImportReport = { batch: null, created: 0, updated: 0, unchanged: 0, skipped: 0, errors: [] };
      const batch: Batch = { info: { id: db.newId(), at: db.now().toISOString(), source: preview.files.map((f) => f.file).join(', '), summary: null, undone_at: null }, changes: [] };
      const refs = new Map<string, T.Id>();
      for (const k of ['account', 'contact', 'opportunity'] as const) for (const r of db.alive(k)) if (r.source_ref) refs.set(r.source_ref, r.id);
      const accountByName = new Map(db.alive('account').map((a) => [nameKey(a.name), a.id]));
      const touched = new Map<T.EntityKind, T.Id[]>();
      let done = 0;
      for (const f of [...preview.files].sort((a, b) => order(a.mapping.kind) - order(b.mapping.kind))) {
        for (const e of f.errors) report.errors.push({ file: f.file, ...e });
        const kind = f.mapping.kind as IO.SheetKind;
        for (const row of f.rows) {
          done++;
          if (done % 50 === 0) { onProgress?.({ done, total }); await host.wait(); }
          if (row.action === 'skip') { report.skipped++; continue; }
          if (row.action === 'unchanged') { report.unchanged++; continue; }
          const links: Record<string, T.Id | null> = {};
          if (kind === 'account') links.parent_id = row.links.parent_ref ? refs.get(row.links.parent_ref) ?? null : null;
          else links.account_id = (row.links.account_ref && refs.get(row.links.account_ref)) || (row.links.account_name && accountByName.get(nameKey(row.links.account_name))) || null;
          if (kind === 'contact') links.reports_to = row.links.reports_to_ref ? refs.get(row.links.reports_to_ref) ?? null : null;
          const old = row.action === 'update' && row.matched ? db.tables[kind].get(row.matched.id) : undefined;
          if (row.action === 'update' && !old) { report.errors.push({ file: f.file, line: row.line, field: 'action', message: 'there is no matching record to update' }); continue; }
          const base = old ? (({ id: _i, space: _s, created_at: _c, updated_at: _u, deleted: _d, ...rest }) => rest)(old as unknown as Record<string, unknown>) : blank(kind);
          const data = { ...base, ...row.fields, ...Object.fromEntries(Object.entries(links).filter(([, v]) => v)), source_ref: row.source_ref ?? (base as { source_ref?: string | null }).source_ref ?? null } as T.EntityMap[typeof kind];
          try {
            normalize(kind, data);
            validate(kind, data, db.settings);
          } catch (e) {
            const err = AppError.from(e);
            report.errors.push({ file: f.file, line: row.line, field: err.field, message: err.message });
            continue;
          }
          const rec = db.put(kind, data, old?.id);
          record(kind, rec.id, batch, old ? clone(old) : null);
          if (row.source_ref) refs.set(row.source_ref, rec.id);
          if (kind === 'account') accountByName.set(nameKey((rec as unknown as T.Account).name), rec.id);
          touched.set(kind, [...(touched.get(kind) ?? []), rec.id]);
          if (old) report.updated++; else report.created++;
        }
      }
      onProgress?.({ done: total, total });
      if (batch.changes.length) {
        batch.info.summary = { created: report.created, updated: report.updated };
        batches.unshift(batch);
        report.batch = batch.info.id;
      }
      for (const [k, ids] of touched) host.emit(k, ids);
      return report;
    },
    async importUndo(id) {
      await host.wait();
      const batch = batches.find((b) => b.info.id === id);
      if (!batch) throw new AppError('not_found', 'import batch not found');
      if (batch.info.undone_at) throw new AppError('conflict', 'this import was already undone');
      const out: IO.UndoReport = { trashed: 0, reverted: 0, restored: 0 };
      for (const c of [...batch.changes].reverse()) {
        const r = db.tables[c.kind].get(c.id);
        if (!r) continue;
        if (c.trashed) { db.tables[c.kind].set(c.id, { ...r, deleted: false } as never); out.restored++; }
        else if (c.previous) { db.tables[c.kind].set(c.id, clone(c.previous) as never); out.reverted++; }
        else { db.tables[c.kind].set(c.id, { ...r, deleted: true } as never); out.trashed++; }
        host.emit(c.kind, [c.id]);
      }
      batch.info.undone_at = db.now().toISOString();
      return out;
    },
    async importBatches() {
      await host.wait();
      return clone(batches.map((b) => b.info));
    },
    async importSaveMapping(name, mapping) {
      await host.wait();
      name = name.trim();
      if (!name) throw new AppError('invalid', 'name: a saved mapping needs a name', 'name');
      if (name.length > 100) throw new AppError('invalid', 'name: is longer than 100 characters', 'name');
      const m = { ...clone(mapping), name };
      const i = mappings.findIndex((x) => x.name === name);
      if (i >= 0) mappings[i] = m; else mappings.push(m);
      return clone(m);
    },
    async importMappings() {
      await host.wait();
      return clone(mappings);
    },
    async importIcs(bytes) {
      await host.wait();
      const text = new TextDecoder().decode(bytes).replace(/\r?\n[ \t]/g, '');
      if (!/BEGIN:VCALENDAR/.test(text)) throw new AppError('invalid', 'file: this is not a calendar file (.ics)', 'file');
      const report: IO.IcsReport = { batch: null, created: 0, updated: 0, unchanged: 0, cancelled: 0, outdated: 0, errors: [] };
      const batch: Batch = { info: { id: db.newId(), at: db.now().toISOString(), source: 'calendar', summary: null, undone_at: null }, changes: [] };
      const lines = text.split(/\r?\n/);
      let ev: Record<string, string> | null = null;
      let start = 0;
      lines.forEach((l, i) => {
        if (l === 'BEGIN:VEVENT') { ev = {}; start = i + 1; return; }
        if (l === 'END:VEVENT' && ev) {
          const e: Record<string, string> = ev;
          ev = null;
          const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?$/.exec(e.DTSTART ?? '');
          if (!when) { report.errors.push({ line: start, field: 'starts_at', message: 'the invite has no start time' }); return; }
          const at = new Date(Date.UTC(+when[1], +when[2] - 1, +when[3], +when[4], +when[5], +when[6]));
          const m = db.put('meeting', { ...blank('meeting'), title: e.SUMMARY || 'Meeting', starts_at: at.toISOString(), ends_at: new Date(at.getTime() + 3_600_000).toISOString(),
            location: e.LOCATION || null, source_ref: e.UID ? `ics:${e.UID}` : null });
          record('meeting', m.id, batch, null);
          host.emit('meeting', [m.id]);
          report.created++;
          return;
        }
        if (ev) { const k = l.split(/[;:]/, 1)[0]; ev[k] = l.slice(l.indexOf(':') + 1); }
      });
      if (batch.changes.length) { batches.unshift(batch); report.batch = batch.info.id; }
      return report;
    },
    async importVcard(bytes) {
      await host.wait();
      const text = new TextDecoder().decode(bytes).replace(/\r?\n[ \t]/g, '');
      if (!/BEGIN:VCARD/i.test(text)) throw new AppError('invalid', 'file: this is not a contact card file (.vcf)', 'file');
      const report: IO.VcardReport = { batch: null, created: 0, updated: 0, unchanged: 0, errors: [] };
      const batch: Batch = { info: { id: db.newId(), at: db.now().toISOString(), source: 'contact cards', summary: null, undone_at: null }, changes: [] };
      const byEmail = new Map(db.alive('contact').filter((c) => c.email).map((c) => [c.email as string, c]));
      let card: Record<string, string> | null = null;
      let start = 0;
      text.split(/\r?\n/).forEach((l, i) => {
        if (/^BEGIN:VCARD$/i.test(l)) { card = {}; start = i + 1; return; }
        if (/^END:VCARD$/i.test(l) && card) {
          const c: Record<string, string> = card;
          card = null;
          const [last = '', first = ''] = (c.N ?? '').split(';');
          const fn = c.FN ?? `${first} ${last}`.trim();
          if (!fn) { report.errors.push({ line: start, field: 'last_name', message: 'the card has no name' }); return; }
          const email = c.EMAIL?.toLowerCase() || null;
          const old = email ? byEmail.get(email) : undefined;
          if (old) { report.unchanged++; return; }
          const parts = fn.split(/\s+/);
          const rec = db.put('contact', { ...blank('contact'), first_name: first || parts.slice(0, -1).join(' '), last_name: last || parts[parts.length - 1], email, title: c.TITLE || null, phone: c.TEL || null });
          record('contact', rec.id, batch, null);
          host.emit('contact', [rec.id]);
          report.created++;
          return;
        }
        if (card) { const k = l.split(/[;:]/, 1)[0].toUpperCase(); if (!(k in card)) card[k] = l.slice(l.indexOf(':') + 1); }
      });
      if (batch.changes.length) { batches.unshift(batch); report.batch = batch.info.id; }
      return report;
    },
    async importArchive() {
      await host.wait();
      return null;
    },
    async exportList(kind, _query, format) {
      await host.wait();
      if (['product', 'holding', 'reminder', 'objection', 'quota'].includes(kind)) throw new AppError('invalid', `kind: ${kind} lists are not exported`, 'kind');
      return `/home/demo/Downloads/${kind === 'opportunity' ? 'opportunities' : `${kind}s`}.${format}`;
    },
    async exportSearch(query, kinds, limit, format) {
      await host.wait();
      host.search(query, kinds, limit);
      return `/home/demo/Downloads/search.${format}`;
    },
    async exportGiftLedger(format) {
      await host.wait();
      return `/home/demo/Downloads/gift-ledger.${format}`;
    },
    async exportArchive() {
      await host.wait();
      saved++;
      const counts: Record<string, number> = {};
      for (const k of Object.keys(db.tables) as T.EntityKind[]) counts[k] = db.tables[k].size;
      return { format: 'rapport-archive', version: 1, schema: 1, exported_at: db.now().toISOString(), device: `fake-${saved}`, counts };
    },
  };
}
