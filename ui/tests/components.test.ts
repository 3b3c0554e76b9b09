import { describe, expect, it, beforeEach, afterEach, vi } from 'vitest';
import { mount, unmount, flushSync, tick } from 'svelte';
import { setBackend } from '../src/lib/api';
import { FakeBackend } from '../src/lib/fake/index';
import { setLang } from '../src/lib/locale.svelte';
import { app, useSettings } from '../src/lib/app.svelte';
import GiftForm from '../src/lib/gifts/GiftForm.svelte';
import Settings from '../src/views/Settings.svelte';
import Today from '../src/views/Today.svelte';
import Accounts from '../src/views/Accounts.svelte';
import type { Contact, Rec } from '../src/lib/types';

const now = () => new Date('2026-11-23T08:00:00Z');
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 50 && !cond(); i++) { await new Promise((r) => setTimeout(r, 10)); flushSync(); }
  expect(cond()).toBe(true);
};
const q = <E extends Element = HTMLElement>(sel: string) => document.querySelector<E & HTMLElement>(sel);
const type = (el: HTMLInputElement | null, value: string) => {
  if (!el) throw new Error('no such field');
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
};

let fake: FakeBackend;
let component: ReturnType<typeof mount> | null = null;
beforeEach(() => {
  fake = new FakeBackend({ now, empty: true });
  setBackend(fake);
  setLang('en');
  document.body.innerHTML = '';
});
afterEach(() => { if (component) unmount(component); component = null; });

describe('logging a gift', () => {
  async function person(): Promise<Rec<Contact>> {
    const acc = await fake.create('account', { name: 'Acme' });
    const c = await fake.create('contact', { account_id: acc.id, first_name: 'Ana', last_name: 'Nowak' });
    await fake.create('gift', { recipient_id: c.id, description: 'Dinner', value_cents: 9000, date: '2026-11-01' });
    return c;
  }

  it('warns before saving a gift over the cap, and saves only when confirmed', async () => {
    const c = await person();
    let saved = 0;
    component = mount(GiftForm, { target: document.body, props: { people: [c], oncancel: () => {}, onsaved: () => { saved += 1; } } });
    type(q<HTMLInputElement>('[data-testid="gift-description"]'), 'Concert');
    type(q<HTMLInputElement>('[data-testid="gift-value"]'), '50');
    flushSync();
    q('[data-testid="gift-save"]')?.click();
    await until(() => !!q('[data-testid="gift-over-cap-warning"]'));
    expect(q('[data-testid="gift-over-cap-warning"]')?.textContent).toContain('$140.00');
    expect(await fake.count('gift', {})).toBe(1);
    q('[data-testid="gift-confirm"]')?.click();
    await until(() => saved === 1);
    expect(await fake.count('gift', {})).toBe(2);
  });

  it('says which field is wrong when the amount is not a number', async () => {
    const c = await person();
    component = mount(GiftForm, { target: document.body, props: { people: [c], oncancel: () => {}, onsaved: () => {} } });
    type(q<HTMLInputElement>('[data-testid="gift-description"]'), 'Wine');
    type(q<HTMLInputElement>('[data-testid="gift-value"]'), 'lots');
    flushSync();
    q('[data-testid="gift-save"]')?.click();
    await until(() => !!q('[data-testid="error-value_cents"]'));
    expect(q('[data-testid="error-value_cents"]')?.textContent).toBe('Enter an amount such as 150 or 150.50.');
  });
});

describe('settings', () => {
  it('switches the language at once and keeps it in the book', async () => {
    useSettings(await fake.settings());
    component = mount(Settings, { target: document.body });
    await tick();
    expect(q('[data-testid="screen-title"]')?.textContent).toBe('Settings');
    const select = q<HTMLSelectElement>('[data-testid="settings-language"]') as HTMLSelectElement;
    select.value = 'it';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => q('[data-testid="screen-title"]')?.textContent === 'Impostazioni');
    expect((await fake.settings()).language).toBe('it');
    expect(app.settings.language).toBe('it');
  });

  it('shows core\'s refusal of a bad cadence next to the form, in the user\'s language', async () => {
    useSettings(await fake.settings());
    component = mount(Settings, { target: document.body });
    await tick();
    const inputs = [...document.querySelectorAll<HTMLInputElement>('input[type="number"]')];
    const cadenceA = inputs.find((i) => i.max === '365') as HTMLInputElement;
    cadenceA.value = '0';
    cadenceA.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    q('[data-testid="settings-save"]')?.click();
    await until(() => !!document.querySelector('.field-error'));
    expect(document.querySelector(".field-error")?.textContent).toBe("Check Contact cadence, tier A: it is missing or not valid.");
  });
});

describe('Today', () => {
  it('shows the ten most pressing tasks and the rest on request', async () => {
    for (let i = 0; i < 13; i++) {
      await fake.create('task', { title: `Call back ${i}`, due_date: '2026-11-2' + (i % 3) });
    }
    component = mount(Today, { target: document.body });
    const rows = () => document.querySelectorAll('[aria-labelledby=h-tasks] li').length;
    await until(() => rows() > 0);
    expect(rows()).toBe(10);
    const more = q<HTMLButtonElement>('[data-testid=today-more-tasks]');
    expect(more?.textContent).toBe('Show 3 more tasks');
    more?.click();
    flushSync();
    expect(rows()).toBe(13);
    expect(q('[data-testid=today-more-tasks]')).toBeNull();
  });
});

describe('the account list', () => {
  it('shows the rows scrolled to, in order, and the same row elements carry them', async () => {
    for (let i = 0; i < 600; i++) await fake.create('account', { name: `Co ${String(i).padStart(3, '0')}` });
    // jsdom has no layout: the list's height stays 0 (it then draws a screenful of rows anyway).
    (globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} };
    component = mount(Accounts, { target: document.body });
    const names = () => [...document.querySelectorAll('[data-testid^=account-row-]')].map((r) => r.getAttribute('data-name'));
    await until(() => names().length > 0);
    expect(names()[0]).toBe('Co 000');
    const first = q('.vrow');
    const box = q('[data-testid=account-rows]')!;
    box.scrollTop = 450 * 40;
    box.dispatchEvent(new Event('scroll'));
    flushSync();
    await until(() => names().includes('Co 450'));
    const shown = names();
    expect(shown).toEqual([...shown].sort());
    expect(shown).not.toContain('Co 000');
    // Scrolling rewrote the row elements that were there instead of replacing them.
    expect(q('.vrow')).toBe(first);
    expect(q('.vrow')?.id).toMatch(/^vrow-44\d$/);
  });

  it('asks for the rows where a fast drag of the scroll bar comes to rest, not for those flown past', async () => {
    for (let i = 0; i < 1000; i++) await fake.create('account', { name: `Co ${String(i).padStart(3, '0')}` });
    (globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} };
    const asked: number[] = [];
    const list = fake.list.bind(fake);
    fake.list = ((kind, query) => { if (kind === 'account') asked.push(query.offset ?? 0); return list(kind, query); }) as typeof fake.list;
    component = mount(Accounts, { target: document.body });
    const names = () => [...document.querySelectorAll('[data-testid^=account-row-]')].map((r) => r.getAttribute('data-name'));
    await until(() => names().length > 0);
    const box = q('[data-testid=account-rows]')!;
    asked.length = 0;
    // A frame apart, as a drag does: far from every loaded page each time. The clock is the
    // test's, so a busy machine cannot stretch a frame into a rest.
    vi.useFakeTimers();
    try {
      for (const row of [150, 300, 450, 600, 750, 900]) {
        box.scrollTop = row * 40;
        box.dispatchEvent(new Event('scroll'));
        flushSync();
        vi.advanceTimersByTime(16);
      }
      expect(asked).toEqual([]);
      vi.advanceTimersByTime(60);
    } finally {
      vi.useRealTimers();
    }
    await until(() => names().includes('Co 900'));
    // Where it rests: row 900 and the rows drawn ahead of it (from 896, on the page before).
    expect(asked).toEqual([850, 900]);
    // Scrolling on from there asks for the next page at once.
    box.scrollTop = 948 * 40;
    box.dispatchEvent(new Event('scroll'));
    flushSync();
    expect(asked).toEqual([850, 900, 950]);
  });
});
