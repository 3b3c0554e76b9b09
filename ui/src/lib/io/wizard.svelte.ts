// The import wizard's state and rules, apart from its screen (views/Import.svelte) so Vitest
// drives it against the fake backend: files -> (mapping) -> preview with per-row choices ->
// import with progress -> result, and the history of batches with Undo.
import type { Backend } from '../backend';
import { AppError } from '../errors';
import type { EntityKind, Id } from '../types';
import type * as IO from './types';

export type FileType = 'sheet' | 'calendar' | 'cards';
export type Step = 'files' | 'preview' | 'importing' | 'done';

/** How a file was recognised, for its badge ("Salesforce Contact", "unknown: map the columns"). */
export type Recognised =
  | { by: 'salesforce' | 'hubspot'; kind: IO.SheetKind }
  | { by: 'saved'; name: string; kind: IO.SheetKind }
  | { by: 'unknown'; kind: IO.SheetKind };

export interface SheetEntry { id: number; name: string; type: 'sheet'; file: IO.ImportFile; recognised: Recognised }
export interface CardEntry { id: number; name: string; type: 'calendar' | 'cards'; bytes: Uint8Array }
export interface FailedEntry { id: number; name: string; type: 'failed'; error: AppError }
export type Entry = SheetEntry | CardEntry | FailedEntry;

export interface CardResult { name: string; type: 'calendar' | 'cards'; report?: IO.IcsReport | IO.VcardReport; error?: AppError }
export interface Result { report: IO.ImportReport | null; cards: CardResult[] }

/** The targets a column of each kind of file can be mapped to, in the mapper's order. */
export const TARGETS: Record<IO.SheetKind, IO.Target[]> = {
  account: ['ignore', 'source_id', 'name', 'website', 'industry', 'owner', 'lifecycle', 'currency', 'parent_ref', 'tags'],
  contact: ['ignore', 'source_id', 'first_name', 'last_name', 'full_name', 'title', 'email', 'phone', 'mobile', 'linked_in', 'birthday', 'account_ref', 'account_name', 'reports_to_ref', 'tags'],
  opportunity: ['ignore', 'source_id', 'name', 'stage', 'amount', 'currency', 'close_date', 'probability', 'opp_type', 'next_step', 'lost_reason', 'competitor', 'account_ref', 'account_name', 'tags'],
};
export const SHEET_KINDS: IO.SheetKind[] = ['account', 'contact', 'opportunity'];

/** What a file is, by its name and, failing that, its first bytes. */
export function fileType(name: string, bytes: Uint8Array): FileType | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'ics' || ext === 'ical') return 'calendar';
  if (ext === 'vcf' || ext === 'vcard') return 'cards';
  if (['csv', 'tsv', 'txt', 'xlsx'].includes(ext)) return 'sheet';
  const head = new TextDecoder().decode(bytes.slice(0, 64)).replace(/^\uFEFF/, '').trimStart().toUpperCase();
  if (head.startsWith('BEGIN:VCALENDAR')) return 'calendar';
  if (head.startsWith('BEGIN:VCARD')) return 'cards';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'sheet';
  return null;
}

export function recognisedAs(m: IO.Mapping): Recognised {
  const kind = (SHEET_KINDS as string[]).includes(m.kind) ? (m.kind as IO.SheetKind) : 'account';
  if (m.name) return { by: 'saved', name: m.name, kind };
  if (m.system === 'salesforce' || m.system === 'hubspot') return { by: m.system, kind };
  return { by: 'unknown', kind };
}

export type ColumnType = 'empty' | 'date' | 'number' | 'email' | 'url' | 'phone' | 'text';

/** The type most of a column's non-empty sample cells have (shown beside the column). */
export function detectType(cells: string[]): ColumnType {
  const sample = cells.map((c) => c.trim()).filter(Boolean).slice(0, 50);
  if (!sample.length) return 'empty';
  const tests: [ColumnType, RegExp][] = [
    ['email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
    ['url', /^(https?:\/\/|www\.)\S+$/i],
    ['date', /^(\d{4}-\d{1,2}-\d{1,2}([T ][\d:.]+Z?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})$/],
    ['number', /^[-+]?[$€£]?\s?\d{1,3}([,.\s]?\d{3})*([.,]\d+)?%?$/],
    ['phone', /^\+?[\d\s().-]{7,}$/],
  ];
  for (const [type, re] of tests) if (sample.filter((c) => re.test(c)).length >= Math.ceil(sample.length * 0.8)) return type;
  return 'text';
}

/** A column's first few non-empty values. */
export function samples(table: IO.Table, column: number, n = 3): string[] {
  const out: string[] = [];
  for (const r of table.rows) {
    const v = (r.cells[column] ?? '').trim();
    if (v && !out.includes(v)) out.push(v);
    if (out.length >= n) break;
  }
  return out;
}

/** The choices a row offers: a matched row can update, skip or still create; a new one create or skip. */
export function choicesFor(row: IO.PlannedRow): IO.Action[] {
  if (row.matched && row.action !== 'unchanged') return ['update', 'skip', 'create'];
  if (row.matched) return ['unchanged', 'skip', 'create'];
  return ['create', 'skip'];
}

/** Counts of what the preview will do with the user's current choices. */
export function countActions(p: IO.Preview): IO.Counts {
  const c: IO.Counts = { create: 0, update: 0, skip: 0, unchanged: 0, errors: 0 };
  for (const f of p.files) {
    c.errors += f.errors.length;
    for (const r of f.rows) c[r.action] += 1;
  }
  return c;
}

/** Reads a dropped or picked File's bytes (File.arrayBuffer, with a FileReader fallback). */
export async function bytesOfFile(f: Blob): Promise<Uint8Array> {
  if (typeof f.arrayBuffer === 'function') return new Uint8Array(await f.arrayBuffer());
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(f);
  });
}

/** How long an import must run before its progress bar shows. */
export const PROGRESS_AFTER_MS = 500;

export class Wizard {
  step = $state<Step>('files');
  entries = $state<Entry[]>([]);
  preview = $state<IO.Preview | null>(null);
  progress = $state<IO.Progress | null>(null);
  showProgress = $state(false);
  result = $state<Result | null>(null);
  batches = $state<IO.BatchInfo[]>([]);
  error = $state<AppError | null>(null);
  busy = $state(false);
  private seq = 0;

  constructor(private readonly api: () => Backend) {}

  get sheets(): SheetEntry[] { return this.entries.filter((e): e is SheetEntry => e.type === 'sheet'); }
  get cards(): CardEntry[] { return this.entries.filter((e): e is CardEntry => e.type === 'calendar' || e.type === 'cards'); }
  get counts(): IO.Counts | null { return this.preview ? countActions(this.preview) : null; }
  /** Something to import: a readable file, and no sheet left without a name column. */
  get ready(): boolean { return this.entries.some((e) => e.type !== 'failed'); }

  /** Adds files (picked or dropped): each is read and recognised, or listed with why it cannot be. */
  async add(files: { name: string; bytes: Uint8Array }[]): Promise<void> {
    this.error = null;
    this.busy = true;
    try {
      for (const f of files) {
        const id = ++this.seq;
        const type = fileType(f.name, f.bytes);
        if (!type) {
          this.entries.push({ id, name: f.name, type: 'failed', error: new AppError('invalid', `${f.name}: not a CSV, .xlsx, .ics or .vcf file`, 'file') });
          continue;
        }
        if (type !== 'sheet') {
          this.entries.push({ id, name: f.name, type, bytes: f.bytes });
          continue;
        }
        try {
          const file = await this.api().importRead(f.name, f.bytes);
          this.entries.push({ id, name: f.name, type: 'sheet', file, recognised: recognisedAs(file.mapping) });
        } catch (e) {
          this.entries.push({ id, name: f.name, type: 'failed', error: AppError.from(e) });
        }
      }
      this.preview = null;
    } finally {
      this.busy = false;
    }
  }

  remove(id: number): void {
    this.entries = this.entries.filter((e) => e.id !== id);
    this.preview = null;
  }

  private sheet(id: number): SheetEntry {
    const e = this.entries.find((x) => x.id === id);
    if (!e || e.type !== 'sheet') throw new AppError('not_found', 'no such file');
    return e;
  }

  /** Maps one column to a target; a target already used by another column is taken from it. */
  setTarget(id: number, column: string, target: IO.Target): void {
    const e = this.sheet(id);
    for (const c of e.file.mapping.columns) {
      if (c.column === column) c.target = target;
      else if (target !== 'ignore' && c.target === target) c.target = 'ignore';
    }
    this.preview = null;
  }

  /** Reads a file as another kind of record; its targets are cleared for the user to map. */
  setKind(id: number, kind: IO.SheetKind): void {
    const e = this.sheet(id);
    if (e.file.mapping.kind === kind) return;
    e.file.mapping.kind = kind;
    for (const c of e.file.mapping.columns) if (!TARGETS[kind].includes(c.target)) c.target = 'ignore';
    e.recognised = { ...e.recognised, kind } as Recognised;
    this.preview = null;
  }

  /** Saves the file's mapping under a name, so a file with the same columns is read the same way. */
  async saveMapping(id: number, name: string): Promise<IO.Mapping> {
    const e = this.sheet(id);
    const saved = await this.api().importSaveMapping(name, $state.snapshot(e.file.mapping as unknown) as IO.Mapping);
    e.file.mapping = saved;
    e.recognised = recognisedAs(saved);
    this.preview = null;
    return saved;
  }

  /** Plans the sheets together (calendar and card files have no preview: they import as they are). */
  async makePreview(): Promise<void> {
    this.error = null;
    this.busy = true;
    try {
      const files = this.sheets.map((s) => $state.snapshot(s.file as unknown) as IO.ImportFile);
      this.preview = files.length ? await this.api().importPreview(files) : { files: [] };
      this.step = 'preview';
    } catch (e) {
      this.error = AppError.from(e);
    } finally {
      this.busy = false;
    }
  }

  setAction(file: number, line: number, action: IO.Action): void {
    const row = this.preview?.files[file]?.rows.find((r) => r.line === line);
    if (row && choicesFor(row).includes(action)) row.action = action;
  }

  /** Sets every matched row of the preview that offers `action` to it ("update all", "skip all"). */
  setAllMatched(action: 'update' | 'skip'): void {
    for (const f of this.preview?.files ?? []) for (const r of f.rows) if (r.matched && r.action !== 'unchanged' && choicesFor(r).includes(action)) r.action = action;
  }

  back(): void {
    this.step = 'files';
    this.preview = null;
  }

  /** Imports: the sheets' preview in one batch, then each calendar or card file; progress shows after half a second. */
  async commit(): Promise<void> {
    if (!this.preview) return;
    this.error = null;
    this.step = 'importing';
    this.progress = null;
    const timer = setTimeout(() => { this.showProgress = true; }, PROGRESS_AFTER_MS);
    try {
      const preview = $state.snapshot(this.preview as unknown) as IO.Preview;
      const report = preview.files.length ? await this.api().importCommit(preview, (p) => { this.progress = p; }) : null;
      const cards: CardResult[] = [];
      for (const c of this.cards) {
        try {
          const r = c.type === 'calendar' ? await this.api().importIcs(c.bytes) : await this.api().importVcard(c.bytes);
          cards.push({ name: c.name, type: c.type, report: r });
        } catch (e) {
          cards.push({ name: c.name, type: c.type, error: AppError.from(e) });
        }
      }
      this.result = { report, cards };
      this.step = 'done';
      await this.loadHistory();
    } catch (e) {
      this.error = AppError.from(e);
      this.step = 'preview';
    } finally {
      clearTimeout(timer);
      this.showProgress = false;
    }
  }

  async loadHistory(): Promise<void> {
    try {
      this.batches = await this.api().importBatches();
    } catch (e) {
      this.error = AppError.from(e);
    }
  }

  async undo(batch: Id): Promise<IO.UndoReport | null> {
    this.error = null;
    try {
      const r = await this.api().importUndo(batch);
      await this.loadHistory();
      return r;
    } catch (e) {
      this.error = AppError.from(e);
      return null;
    }
  }

  /** Starts again with no files (the history stays). */
  reset(): void {
    this.step = 'files';
    this.entries = [];
    this.preview = null;
    this.result = null;
    this.progress = null;
    this.error = null;
  }
}

