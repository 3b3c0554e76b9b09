import { describe, expect, it } from 'vitest';
import { parseRoute, section } from '../src/lib/routes';
import { KeyMap, strokeName, shortcutLabel, isTyping } from '../src/lib/keys';
import { routes } from '../src/testids';
import { matchCommands } from '../src/lib/commands.svelte';
import { visibleRange } from '../src/components/virtual';

describe('routes', () => {
  it('opens Today when there is no route', () => {
    expect(parseRoute('').name).toBe('today');
    expect(parseRoute('#/').name).toBe('today');
  });

  it('reads an account with its tab, defaulting to the overview', () => {
    expect(parseRoute('#/accounts/abc')).toMatchObject({ name: 'account', params: { id: 'abc', tab: 'overview' } });
    expect(parseRoute('#/accounts/abc/timeline')).toMatchObject({ name: 'account', params: { id: 'abc', tab: 'timeline' } });
    expect(parseRoute('#/accounts/abc/nonsense').name).toBe('not_found');
  });

  it('keeps the query of a search', () => {
    const r = parseRoute('#/search?q=price%20increase');
    expect(r.name).toBe('search');
    expect(r.query.get('q')).toBe('price increase');
  });

  it('understands every route the e2e suite is told about', () => {
    for (const path of [routes.today, routes.accounts, routes.account('x'), routes.account('x', 'people'), routes.meeting('m'),
      routes.pipeline, routes.renewals, routes.whitespace, routes.objections, routes.gifts, routes.search('a b'), routes.trash,
      routes.sync, routes.settings]) {
      expect(parseRoute(`#${path}`).name, path).not.toBe('not_found');
    }
  });

  it('highlights the sidebar section a record belongs to', () => {
    expect(section(parseRoute('#/accounts/x/people'))).toBe('accounts');
    expect(section(parseRoute('#/pipeline'))).toBe('pipeline');
  });
});

describe('keyboard map', () => {
  const map = () => new KeyMap([
    { keys: 'g t', command: 'go-today' }, { keys: 'g a', command: 'go-accounts' }, { keys: 'n', command: 'new' },
    { keys: 'mod+k', command: 'palette' }, { keys: 'alt+arrowleft', command: 'back' },
  ]);

  it('runs two-key sequences like "g t"', () => {
    const m = map();
    expect(m.feed('g', 0)).toBe('pending');
    expect(m.feed('t', 100)).toBe('go-today');
  });

  it('forgets the first key of a sequence after a pause', () => {
    const m = map();
    expect(m.feed('g', 0)).toBe('pending');
    expect(m.feed('a', 5000)).toBeNull();
  });

  it('runs single keys and chords directly', () => {
    const m = map();
    expect(m.feed('n', 0)).toBe('new');
    expect(m.feed('mod+k', 0)).toBe('palette');
    expect(m.feed('alt+arrowleft', 0)).toBe('back');
    expect(m.feed('x', 0)).toBeNull();
  });

  it('names strokes with Cmd on macOS and Ctrl elsewhere', () => {
    expect(strokeName({ key: 'k', metaKey: true }, true)).toBe('mod+k');
    expect(strokeName({ key: 'k', ctrlKey: true }, false)).toBe('mod+k');
    expect(strokeName({ key: 'k', metaKey: true }, false)).toBe('k');
    expect(strokeName({ key: 'ArrowLeft', altKey: true }, false)).toBe('alt+arrowleft');
    expect(strokeName({ key: 'ArrowRight', shiftKey: true }, false)).toBe('shift+arrowright');
  });

  it('shows shortcuts the way the platform writes them', () => {
    expect(shortcutLabel('mod+k', true)).toEqual(['⌘ K']);
    expect(shortcutLabel('mod+k', false)).toEqual(['Ctrl K']);
    expect(shortcutLabel('g t', false)).toEqual(['G', 'T']);
  });

  it('leaves single keys alone while the user types in a field', () => {
    expect(isTyping(document.createElement('input'))).toBe(true);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(document.createElement('div'))).toBe(false);
  });
});

describe('palette', () => {
  it('finds commands by any words of their label, ignoring case and accents', () => {
    const cmds = [{ label: 'Nueva cuenta' }, { label: 'Ir a Oportunidades' }, { label: 'Przejdź do Odnowień' }];
    expect(matchCommands(cmds, 'cuenta').map((c) => c.label)).toEqual(['Nueva cuenta']);
    expect(matchCommands(cmds, 'przejdz odn').map((c) => c.label)).toEqual(['Przejdź do Odnowień']);
    expect(matchCommands(cmds, '')).toHaveLength(3);
  });
});

describe('virtual list', () => {
  it('renders only the rows in view of a 100,000-row list', () => {
    const r = visibleRange(40 * 50_000, 800, 40, 100_000, 4);
    expect(r.start).toBe(49_996);
    expect(r.end - r.start).toBeLessThan(40);
  });

  it('stays inside the list at either end', () => {
    expect(visibleRange(0, 800, 40, 5)).toEqual({ start: 0, end: 5 });
    expect(visibleRange(99_999 * 40, 800, 40, 100_000).end).toBe(100_000);
    expect(visibleRange(0, 800, 40, 0)).toEqual({ start: 0, end: 0 });
  });
});

describe('command registry', () => {
  it('lists the current screen\'s commands before the global ones, and lets their keys win', async () => {
    const { registerCommands, allCommands } = await import('../src/lib/commands.svelte');
    const offGlobal = registerCommands('global', [{ id: 'g', label: 'nav.today', keys: 'n', group: 'go', run: () => {} }]);
    const offScreen = registerCommands('accounts', [{ id: 's', label: 'cmd.new_account', keys: 'n', group: 'create', run: () => {} }]);
    expect(allCommands().map((c) => c.id)).toEqual(['s', 'g']);
    offScreen();
    expect(allCommands().map((c) => c.id)).toEqual(['g']);
    offGlobal();
  });
});
