// Display names of accounts and people by id, fetched once each and kept for the session, so a
// screen can show "Acme" for an account_id without loading every account of a 100k book.
import { untrack } from 'svelte';
import { api } from './api';

const names = $state<Record<string, string>>({});
const pending = new Set<string>();

function fetchName(kind: 'account' | 'contact', id: string): void {
  const key = `${kind}:${id}`;
  if (pending.has(key)) return;
  pending.add(key);
  const done = (name: string) => { names[key] = name; };
  if (kind === 'account') api().get('account', id).then((a) => done(a.name), () => done(''));
  else api().get('contact', id).then((c) => done(`${c.first_name} ${c.last_name}`.trim()), () => done(''));
}

/** The name, or '' while it loads (the caller re-renders when it arrives). */
export function nameOf(kind: 'account' | 'contact', id: string | null | undefined): string {
  if (!id) return '';
  const key = `${kind}:${id}`;
  const known = names[key];
  if (known === undefined) untrack(() => fetchName(kind, id));
  return known ?? '';
}

/** Seeds the cache with names a screen already has (a loaded page of records). */
export function knowNames(kind: 'account' | 'contact', entries: [string, string][]): void {
  for (const [id, name] of entries) {
    const key = `${kind}:${id}`;
    if (names[key] === undefined) { names[key] = name; pending.add(key); }
  }
}
