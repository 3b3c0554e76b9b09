// The shapes core's import and export send across the bridge (crates/core/src/io), kept in
// step with the generated bindings by tests/io-bindings.test.ts.
import type { EntityKind, Id, Instant, ListQuery } from '../types';

export type System = 'salesforce' | 'hubspot' | 'other';
export type Target =
  | 'ignore' | 'source_id' | 'name' | 'first_name' | 'last_name' | 'full_name' | 'website' | 'industry'
  | 'owner' | 'lifecycle' | 'currency' | 'parent_ref' | 'account_ref' | 'account_name' | 'title' | 'email'
  | 'phone' | 'mobile' | 'linked_in' | 'reports_to_ref' | 'birthday' | 'stage' | 'amount' | 'close_date'
  | 'probability' | 'opp_type' | 'next_step' | 'lost_reason' | 'competitor' | 'tags';
export type Action = 'create' | 'update' | 'skip' | 'unchanged';
export type MatchReason = 'source_id' | 'same_email' | 'same_domain' | 'same_name';
export type Format = 'csv' | 'xlsx';
/** The kinds a spreadsheet imports as. */
export type SheetKind = 'account' | 'contact' | 'opportunity';

/** A JSON value (a planned row's fields, as the entity serialises them). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface RowError { line: number; field?: string | null; message: string }
export interface Row { line: number; cells: string[] }
export interface Table { name: string; encoding: string; delimiter?: string | null; headers: string[]; rows: Row[]; errors: RowError[] }
export interface ColumnMap { column: string; target: Target }
export interface Mapping { system: System; kind: EntityKind; columns: ColumnMap[]; name?: string | null }
export interface ImportFile { table: Table; mapping: Mapping }

export interface Match { id: Id; reason: MatchReason; label: string }
export interface Links { account_ref: string | null; account_name: string | null; reports_to_ref: string | null; parent_ref: string | null }
export interface PlannedRow {
  line: number; label: string; action: Action; matched?: Match | null; source_ref: string | null;
  fields: Record<string, Json>; links: Links; warnings?: string[];
}
export interface FilePreview { file: string; mapping: Mapping; recognised_as: string; rows: PlannedRow[]; errors: RowError[] }
export interface Preview { files: FilePreview[] }
export interface Counts { create: number; update: number; skip: number; unchanged: number; errors: number }

export interface Progress { done: number; total: number }
export interface FileError extends RowError { file: string }
export interface ImportReport { batch: Id | null; created: number; updated: number; unchanged: number; skipped: number; errors: FileError[] }
export interface UndoReport { trashed: number; reverted: number; restored: number }
export interface BatchInfo { id: Id; at: Instant; source: string; summary: unknown; undone_at: Instant | null }
export interface IcsReport { batch: Id | null; created: number; updated: number; unchanged: number; cancelled: number; outdated: number; errors: RowError[] }
export interface VcardReport { batch: Id | null; created: number; updated: number; unchanged: number; errors: RowError[] }
export interface Manifest { format: string; version: number; schema: number; exported_at: Instant; device: string; counts: Record<string, number> }

/** What the UI needs from the app for import and export (part of the Backend). */
export interface IoBackend {
  /** Reads a CSV or .xlsx file and proposes how to map it. */
  importRead(name: string, bytes: Uint8Array): Promise<ImportFile>;
  /** Plans the files together; writes nothing. */
  importPreview(files: ImportFile[]): Promise<Preview>;
  /** Writes a preview with the user's choices; `onProgress` hears how far it got. */
  importCommit(preview: Preview, onProgress?: (p: Progress) => void): Promise<ImportReport>;
  importUndo(batch: Id): Promise<UndoReport>;
  importBatches(): Promise<BatchInfo[]>;
  importSaveMapping(name: string, mapping: Mapping): Promise<Mapping>;
  importMappings(): Promise<Mapping[]>;
  importIcs(bytes: Uint8Array): Promise<IcsReport>;
  importVcard(bytes: Uint8Array): Promise<VcardReport>;
  /** Restores an archive from a folder the user picks; null when they cancel. */
  importArchive(): Promise<Manifest | null>;
  /** Saves a list where the user picks; the path, or null when they cancel. */
  exportList(kind: EntityKind, query: ListQuery, format: Format): Promise<string | null>;
  exportSearch(query: string, kinds: EntityKind[], limit: number, format: Format): Promise<string | null>;
  exportGiftLedger(format: Format): Promise<string | null>;
  /** Writes the whole book into a folder the user picks; null when they cancel. */
  exportArchive(): Promise<Manifest | null>;
}
