// The accounts list's filters as a core ListQuery, and saved views.
import type { Filter, ListQuery, Sort } from '../types';

export interface AccountFilter { text: string; tier: string; lifecycle: string; owner: string; tag: string; health?: HealthBand | ''; sort: 'name' | 'value' | 'recent' }
/** The bands core stores per account and filters on (HealthLabel's names). */
export type HealthBand = 'good' | 'attention' | 'risk';
export const HEALTH_BANDS: HealthBand[] = ['good', 'attention', 'risk'];
export const emptyFilter = (sort: AccountFilter['sort'] = 'name'): AccountFilter => ({ text: '', tier: '', lifecycle: '', owner: '', tag: '', health: '', sort });
/** Whether any filter (not the sort) is set. */
export const isFiltered = (f: AccountFilter) => !!(f.text.trim() || f.tier || f.lifecycle || f.owner.trim() || f.tag.trim() || f.health);
export interface SavedView { name: string; filter: AccountFilter }

export function buildQuery(f: AccountFilter): ListQuery {
  const filters: Filter[] = [];
  if (f.text.trim()) filters.push({ field: 'name', op: 'like', value: f.text.trim() });
  if (f.tier) filters.push({ field: 'tier', op: 'eq', value: f.tier });
  if (f.lifecycle) filters.push({ field: 'lifecycle', op: 'eq', value: f.lifecycle });
  if (f.owner.trim()) filters.push({ field: 'owner', op: 'like', value: f.owner.trim() });
  if (f.tag.trim()) filters.push({ field: 'tags', op: 'contains', value: f.tag.trim() });
  if (f.health) filters.push({ field: 'health', op: 'eq', value: f.health });
  const sort: Sort[] = f.sort === 'value' ? [{ field: 'annual_value_cents', desc: true }, { field: 'name' }]
    : f.sort === 'recent' ? [{ field: 'created_at', desc: true }] : [{ field: 'name' }];
  return { filters, sort };
}

const KEY = 'rapport.accountViews';

export function loadViews(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): SavedView[] {
  try {
    const raw = storage?.getItem(KEY);
    const v = raw ? JSON.parse(raw) : [];
    return Array.isArray(v) ? v.filter((x) => x && typeof x.name === 'string' && x.filter).map((x) => ({ ...x, filter: { ...emptyFilter(), ...x.filter } })) : [];
  } catch {
    return [];
  }
}

export function saveViews(views: SavedView[], storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  storage?.setItem(KEY, JSON.stringify(views));
}
