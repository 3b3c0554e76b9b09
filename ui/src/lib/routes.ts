// Hash routes: "#/accounts/<id>/timeline" -> { name: 'account', params: { id, tab } }.
export type RouteName =
  | 'today' | 'accounts' | 'account' | 'meeting' | 'pipeline' | 'renewals' | 'whitespace'
  | 'objections' | 'gifts' | 'search' | 'trash' | 'sync' | 'settings' | 'import' | 'not_found';

export interface Route {
  name: RouteName;
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
}

const TABS = ['overview', 'people', 'timeline', 'opportunities', 'products', 'contracts', 'gifts', 'tasks'];
const SIMPLE: RouteName[] = ['today', 'accounts', 'pipeline', 'renewals', 'whitespace', 'objections', 'gifts', 'search', 'trash', 'sync', 'settings', 'import'];

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/today';
  const [pathPart, queryPart = ''] = raw.split('?');
  const path = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  const query = new URLSearchParams(queryPart);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const route = (name: RouteName, params: Record<string, string> = {}): Route => ({ name, params, query, path: raw });
  if (parts.length === 0) return route('today');
  const [head, id, tab] = parts;
  if (head === 'accounts' && id) {
    if (parts.length > 3 || (tab && !TABS.includes(tab))) return route('not_found');
    return route('account', { id, tab: tab ?? 'overview' });
  }
  if (head === 'meetings' && id && parts.length === 2) return route('meeting', { id });
  if (parts.length === 1 && (SIMPLE as string[]).includes(head)) return route(head as RouteName);
  return route('not_found');
}

/** The top-level section a route belongs to, for the sidebar's current item. */
export function section(r: Route): RouteName {
  if (r.name === 'account') return 'accounts';
  if (r.name === 'meeting') return 'today';
  return r.name;
}
