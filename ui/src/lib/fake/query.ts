// ListQuery semantics of core's store/query.rs, over plain objects.
import type { Filter, ListQuery, Page, Rec } from '../types';
import { invalid } from '../errors';

type Row = Record<string, unknown>;

const collator = new Intl.Collator('en', { sensitivity: 'base' });

function cmp(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export function matches(row: Row, f: Filter): boolean {
  if (!(f.field in row) && !['id', 'created_at', 'updated_at', 'deleted'].includes(f.field)) {
    throw invalid(`filters.${f.field}`, 'no such field');
  }
  const v = row[f.field];
  switch (f.op) {
    case 'eq': return (v ?? null) === (f.value ?? null);
    case 'ne': return (v ?? null) !== (f.value ?? null);
    case 'lt': return v !== null && cmp(v, f.value) < 0;
    case 'le': return v !== null && cmp(v, f.value) <= 0;
    case 'gt': return v !== null && cmp(v, f.value) > 0;
    case 'ge': return v !== null && cmp(v, f.value) >= 0;
    case 'like': return typeof v === 'string' && v.toLowerCase().includes(String(f.value ?? '').toLowerCase());
    case 'contains': return Array.isArray(v) && v.includes(f.value);
    case 'is_null': return v === null || v === undefined;
    case 'not_null': return v !== null && v !== undefined;
  }
}

export function filtered<T>(rows: Iterable<Rec<T>>, q: ListQuery): Rec<T>[] {
  const include = q.include ?? 'alive';
  const out: Rec<T>[] = [];
  for (const r of rows) {
    if (include === 'alive' && r.deleted) continue;
    if (include === 'deleted' && !r.deleted) continue;
    if ((q.filters ?? []).every((f) => matches(r as Row, f))) out.push(r);
  }
  const sort = q.sort ?? [];
  if (sort.length) {
    out.sort((a, b) => {
      for (const s of sort) {
        const c = cmp((a as Row)[s.field], (b as Row)[s.field]);
        if (c !== 0) return s.desc ? -c : c;
      }
      return 0;
    });
  }
  return out;
}

export function page<T>(rows: Iterable<Rec<T>>, q: ListQuery): Page<Rec<T>> {
  const all = filtered(rows, q);
  const offset = q.offset ?? 0;
  const limit = Math.min(q.limit ?? 50, 1000);
  const items = all.slice(offset, offset + limit);
  return { items, next_offset: offset + limit < all.length ? offset + limit : null };
}
