// Walks the user flows the end-to-end suite relies on, through the data-testid hooks of
// src/testids.ts, in Debian's Chromium against the fake backend (the built UI, the app's CSP).
// It proves the hooks exist and work before the real-app e2e suite uses them.
//   node scripts/flows.mjs        (after npm run build)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ui = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(ui, 'dist');
const conf = JSON.parse(await readFile(resolve(ui, '..', 'tauri.conf.json'), 'utf8'));
const csp = conf.app?.security?.csp ?? "default-src 'self'";
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = join(dist, path === '/' ? 'index.html' : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/index.html?fake`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
const id = (t) => `[data-testid="${t}"]`;
const results = [];

async function step(name, f) {
  try {
    await f();
    results.push(`ok   ${name}`);
  } catch (e) {
    results.push(`FAIL ${name}: ${e.message.split('\n')[0]}`);
  }
}
function expect(cond, what) { if (!cond) throw new Error(what); }

await page.goto(`${base}#/today`);
await page.waitForSelector(`${id('app')}[data-ready="true"]`);

await step('create an account', async () => {
  await page.click(id('nav-accounts'));
  await page.click(id('accounts-new'));
  await page.fill(id('account-name'), 'Zephyr Robotics');
  await page.selectOption(id('account-tier'), 'A');
  await page.click(id('account-save'));
  await page.waitForSelector(`${id('account-header')}[data-name="Zephyr Robotics"]`);
});

await step('an empty name is refused next to the field', async () => {
  const back = page.url();
  await page.evaluate(() => { location.hash = '/accounts'; });
  await page.click(id('accounts-new'));
  await page.click(id('account-save'));
  await page.waitForSelector(id('error-name'));
  await page.keyboard.press('Escape');
  await page.goto(back);
  await page.waitForSelector(`${id('account-header')}[data-name="Zephyr Robotics"]`);
});

await step('add two stakeholders with roles', async () => {
  await page.click(id('account-tab-people'));
  await page.click(id('contact-new'));
  await page.fill(id('contact-first-name'), 'Maja');
  await page.fill(id('contact-last-name'), 'Wójcik');
  await page.selectOption(id('contact-role'), 'economic_buyer');
  await page.click(id('contact-save'));
  await page.waitForSelector('[data-role="economic_buyer"]');
  await page.fill(id('contact-first-name'), 'Luca');
  await page.fill(id('contact-last-name'), 'Ferri');
  await page.selectOption(id('contact-role'), 'champion');
  await page.selectOption(id('contact-reports-to'), { label: 'Maja Wójcik' });
  await page.click(id('contact-save'));
  await page.waitForSelector('[data-role="champion"]');
  expect(await page.locator('[data-testid^="contact-row-"]').count() === 2, 'two people listed');
  expect((await page.textContent(id('org-chart'))).includes('Luca'), 'org chart shows the report');
});

await step('write a note with Ctrl+Enter and find it by a word from its body', async () => {
  await page.fill(id('note-title'), 'Budget call');
  await page.fill(id('note-body'), 'They will fund the **quantum** pilot in March.');
  await page.press(id('note-body'), 'Control+Enter');
  await page.click(id('account-tab-timeline'));
  await page.waitForSelector('text=Budget call');
  await page.evaluate(() => { location.hash = '/search'; });
  await page.fill(id('search-input'), 'quantum');
  const hit = await page.waitForSelector(`${id('search-hits')} [data-kind="note"]`);
  await hit.click();
  await page.waitForSelector('text=Budget call');
  expect(page.url().includes('/timeline'), 'the hit opens the timeline');
});

await step('schedule a meeting and open its brief', async () => {
  await page.click(id('account-tab-overview'));
  await page.click(id('meeting-new'));
  await page.fill(id('meeting-title'), 'Zephyr kickoff');
  await page.fill(id('meeting-link'), 'https://meet.example/zephyr');
  await page.click(id('meeting-save'));
  await page.waitForSelector(id('brief'));
  expect((await page.textContent(id('screen-title'))) === 'Zephyr kickoff', 'brief title');
  expect(await page.getAttribute(id('brief-join'), 'href') === 'https://meet.example/zephyr', 'join link first');
});

await step('log a gift over the cap and see the warning first', async () => {
  await page.evaluate(() => { location.hash = '/gifts'; });
  await page.click(id('gift-new'));
  await page.fill(id('gift-description'), 'Concert tickets');
  await page.fill(id('gift-value'), '150');
  await page.click(id('gift-save'));
  await page.waitForSelector(id('gift-over-cap-warning'));
  await page.click(id('gift-confirm'));
  await page.waitForSelector('[data-over-cap="true"]');
});

await step('move an opportunity across stages with Shift+Right', async () => {
  await page.evaluate(() => { location.hash = '/pipeline'; });
  const card = page.locator(`${id('stage-Qualify')} [data-testid^="opp-"][data-stage="Qualify"]`).first();
  const testid = await card.getAttribute('data-testid');
  await card.focus();
  await page.keyboard.press('Shift+ArrowRight');
  await page.waitForSelector(`${id('stage-Discover')} ${id(testid)}[data-stage="Discover"]`);
});

await step('the palette runs a command', async () => {
  await page.keyboard.press('Control+k');
  await page.fill(id('palette-input'), 'renewals');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/renewals');
});

await step('g a goes to Accounts', async () => {
  await page.click(id('screen-title'));
  await page.keyboard.press('g');
  await page.keyboard.press('a');
  await page.waitForFunction(() => location.hash === '#/accounts');
});

await step('switch to Polish in Settings and see the screen translated', async () => {
  await page.click(id('nav-settings'));
  await page.selectOption(id('settings-language'), 'pl');
  await page.waitForFunction(() => document.querySelector('[data-testid="screen-title"]')?.textContent === 'Ustawienia');
  expect((await page.textContent(id('nav-accounts'))).includes('Klienci'), 'sidebar translated');
});

await step('Back returns to the previous screen (Alt+Left)', async () => {
  await page.keyboard.press('Alt+ArrowLeft');
  await page.waitForFunction(() => location.hash === '#/accounts');
});

await browser.close();
server.close();
console.log(results.join('\n'));
if (errors.length) console.log(`page errors:\n${errors.join('\n')}`);
if (errors.length || results.some((r) => r.startsWith('FAIL'))) process.exit(1);
