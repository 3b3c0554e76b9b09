// The sync state in words, for the status strip: which message and how calm it is.
import type { SyncStatus } from '../types';
import type { Key } from '../i18n';

export type Tone = 'ok' | 'muted' | 'attention' | 'risk' | 'info';
export interface StatusWords { key: Key; params: Record<string, string | number>; tone: Tone; since?: number }

export function statusWords(s: SyncStatus): StatusWords {
  switch (s.state) {
    case 'local_only': return { key: 'sync.state.local_only', params: {}, tone: 'muted' };
    case 'synced': return { key: 'sync.state.synced', params: {}, tone: 'ok', since: s.at };
    case 'waiting': return { key: 'sync.state.waiting', params: { count: s.changes }, tone: 'info' };
    // Offline is a normal state: grey, never red.
    case 'offline': return { key: 'sync.state.offline', params: { count: s.changes }, tone: 'muted' };
    case 'needs_sign_in': return { key: 'sync.state.needs_sign_in', params: { count: s.changes }, tone: 'attention' };
    case 'too_old': return { key: 'sync.state.too_old', params: { count: s.changes }, tone: 'attention' };
    case 'error': return { key: 'sync.state.error', params: { count: s.changes, message: s.message }, tone: 'risk' };
  }
}

export function pendingCount(s: SyncStatus): number {
  return 'changes' in s ? s.changes : 0;
}
