import type { SearchHit } from './types';

/** Where a search hit opens: the account (on the tab that shows the hit) or the record. */
export function hitRoute(h: SearchHit): string {
  if (h.kind === 'account') return `/accounts/${h.id}`;
  if (h.kind === 'meeting') return `/meetings/${h.id}`;
  if (h.kind === 'objection' && !h.account_id) return '/objections';
  if (!h.account_id) return `/search`;
  const tab = h.kind === 'contact' ? 'people' : h.kind === 'note' ? 'timeline' : h.kind === 'opportunity' ? 'opportunities' : '';
  return `/accounts/${h.account_id}${tab ? `/${tab}` : ''}`;
}
