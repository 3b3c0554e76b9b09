// Every action the user can take, for the Cmd/Ctrl-K palette and the keyboard map.
// Screens add their own (e.g. "New note" on an account) while they are shown.
import type { Key } from './i18n';

export interface Command {
  id: string;
  label: Key;
  labelParams?: Record<string, string | number>;
  /** Keyboard binding, see keys.ts ("g t", "mod+k", "n"). */
  keys?: string;
  group: 'go' | 'create' | 'screen' | 'app';
  run: () => void | Promise<void>;
}

const scopes = $state<{ list: { scope: string; commands: Command[] }[] }>({ list: [] });

export function registerCommands(scope: string, commands: Command[]): () => void {
  scopes.list = [...scopes.list.filter((s) => s.scope !== scope), { scope, commands }];
  return () => { scopes.list = scopes.list.filter((s) => s.scope !== scope); };
}

/** All commands: the current screen's first (their keys win over global ones), then global. */
export function allCommands(): Command[] {
  const seen = new Set<string>();
  const out: Command[] = [];
  const ordered = [...scopes.list.filter((s) => s.scope !== 'global').reverse(), ...scopes.list.filter((s) => s.scope === 'global')];
  for (const s of ordered) {
    for (const c of s.commands) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
    }
  }
  return out;
}

/** Palette filtering: every word of the query appears in the label (case- and accent-insensitive). */
export function matchCommands<C extends { label: string }>(cmds: C[], query: string): C[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  return cmds.filter((c) => { const l = fold(c.label); return words.every((w) => l.includes(w)); });
}
