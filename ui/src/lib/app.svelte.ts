// App-wide state: settings, sync status, progress, toasts, theme, sidebar.
import { untrack } from 'svelte';
import { api } from './api';
import { AppError } from './errors';
import { defaultSettings } from './defaults';
import type { Settings, SyncStatus, Today } from './types';
import { isLang, translate } from './i18n';
import { setLang } from './locale.svelte';

export type Theme = 'system' | 'light' | 'dark';

export const app = $state({
  settings: defaultSettings() as Settings,
  sync: { state: 'local_only' } as SyncStatus,
  ready: false,
  busy: 0,
  showBusy: false,
  toasts: [] as { id: number; text: string; kind: 'ok' | 'error' }[],
  theme: 'system' as Theme,
  sidebarCollapsed: false,
  paletteOpen: false,
  /** Bumped when data changes, so screens reload. */
  version: 0,
});

const store = typeof localStorage === 'undefined' ? null : localStorage;

export function applyTheme(theme: Theme): void {
  app.theme = theme;
  store?.setItem('rapport.theme', theme);
  if (typeof document === 'undefined') return;
  const dark = theme === 'dark' || (theme === 'system' && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function toggleSidebar(): void {
  app.sidebarCollapsed = !app.sidebarCollapsed;
  store?.setItem('rapport.sidebar', app.sidebarCollapsed ? 'collapsed' : 'open');
}

export function useSettings(s: Settings): void {
  app.settings = s;
  if (isLang(s.language)) setLang(s.language);
}

let toastSeq = 0;
export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const id = ++toastSeq;
  app.toasts = [...app.toasts, { id, text, kind }];
  setTimeout(() => { app.toasts = app.toasts.filter((x) => x.id !== id); }, 4000);
}

/** Runs a call, showing the progress indicator if it takes more than half a second. */
export async function withProgress<X>(p: Promise<X>): Promise<X> {
  untrack(() => { app.busy += 1; });
  const timer = setTimeout(() => { if (app.busy > 0) app.showBusy = true; }, 500);
  try {
    return await p;
  } finally {
    clearTimeout(timer);
    app.busy -= 1;
    if (app.busy === 0) app.showBusy = false;
  }
}

export async function boot(firstScreen?: string): Promise<void> {
  const saved = store?.getItem('rapport.theme');
  applyTheme(saved === 'light' || saved === 'dark' ? saved : 'system');
  app.sidebarCollapsed = store?.getItem('rapport.sidebar') === 'collapsed';
  const b = api();
  const startedAt = Date.now();
  // Settings, the sync state and the three subscriptions are independent: one round trip.
  const [settings, sync] = await Promise.all([
    b.settings(),
    b.syncStatus().catch(() => ({ state: 'local_only' }) as SyncStatus),
    b.onSyncStatus((s) => { app.sync = s; }),
    b.onChanged(() => { app.version += 1; }),
    b.onReminderDue((r) => {
      if (cameDueWhileOpen(r.due_at, startedAt)) toast(translate(isLang(app.settings.language) ? app.settings.language : 'en', 'today.reminder_due', { title: r.title }));
      app.version += 1;
    }),
  ]);
  useSettings(settings);
  app.sync = sync;
  // Today is asked for now, while the page draws its frame; asked after the subscriptions, so a
  // change after this read still reaches the screen as an event.
  if (firstScreen === 'today') {
    earlyToday = b.today();
    earlyToday.catch(() => {});
  }
}

/**
 * Whether a reminder announced now came due while the app was open (a toast says so) rather than
 * while it was closed: those are listed on Today, and the engine announces them all just after
 * the first screen shows, which would bury it under a stack of toasts.
 */
export function cameDueWhileOpen(dueAt: string, startedAt: number): boolean {
  const due = Date.parse(dueAt);
  return !Number.isFinite(due) || due >= startedAt;
}

let earlyToday: Promise<Today> | undefined;
/** Today as boot asked for it, once (the Today screen's first load); later loads ask again. */
export function takeEarlyToday(): Promise<Today> | undefined {
  const p = earlyToday;
  earlyToday = undefined;
  return p;
}

export function errorOf(e: unknown): AppError {
  return AppError.from(e);
}

let interactive = false;
let resolveInteractive: () => void = () => {};
/** Settles once the first screen has rendered its data (work that can wait waits for it). */
export const whenInteractive = new Promise<void>((resolve) => { resolveInteractive = resolve; });
/** Once, when the first screen has rendered its data: tells the app (the bench times this). */
export function markInteractive(): void {
  if (interactive) return;
  interactive = true;
  requestAnimationFrame(() => {
    api().uiReady().catch(() => {});
    resolveInteractive();
  });
}
