// Serves the built UI (ui/dist) with the app's CSP, opens each main screen against the fake
// backend in Debian's Chromium, saves screenshots (en and pl, light and dark) to
// target/screenshots/ui/, and runs axe-core on each screen. Exits non-zero on a serious or
// critical accessibility violation, a CSP violation, or a page error.
//   node scripts/screenshots.mjs [--only=today,accounts] [--langs=en,pl] [--themes=light,dark]
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { extname, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const ui = resolve(here, '..');
const dist = join(ui, 'dist');
const out = resolve(ui, '..', 'target', 'screenshots', 'ui');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const langs = (args.langs ?? 'en,pl').split(',');
const themes = (args.themes ?? 'light,dark').split(',');
const only = args.only ? new Set(args.only.split(',')) : null;

const conf = JSON.parse(await readFile(resolve(ui, '..', 'tauri.conf.json'), 'utf8'));
const csp = conf.app?.security?.csp ?? "default-src 'self'";
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = join(dist, path === '/' ? 'index.html' : path);
  if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/index.html`;

const axeSource = await readFile(join(ui, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

const problems = [];
const screens = [
  { name: 'today', hash: '/today' },
  { name: 'accounts', hash: '/accounts' },
  { name: 'account', hash: async (page) => `/accounts/${await firstId(page, '/accounts', '[data-testid^="account-row-"]', 'account-row-')}` },
  { name: 'account-people', hash: async (page) => `/accounts/${await firstId(page, '/accounts', '[data-testid^="account-row-"]', 'account-row-')}/people` },
  { name: 'account-timeline', hash: async (page) => `/accounts/${await firstId(page, '/accounts', '[data-testid^="account-row-"]', 'account-row-')}/timeline` },
  { name: 'meeting', hash: async (page) => `/meetings/${await firstId(page, '/today', '[data-testid^="meeting-prepare-"]', 'meeting-prepare-')}` },
  { name: 'pipeline', hash: '/pipeline' },
  { name: 'renewals', hash: '/renewals' },
  { name: 'whitespace', hash: '/whitespace' },
  { name: 'objections', hash: '/objections' },
  { name: 'gifts', hash: '/gifts' },
  { name: 'search', hash: '/search?q=price' },
  { name: 'trash', hash: '/trash' },
  { name: 'sync', hash: '/sync' },
  { name: 'settings', hash: '/settings' },
  { name: 'contact-form', hash: async (page) => `/accounts/${await firstId(page, '/accounts', '[data-testid^="account-row-"]', 'account-row-')}/people`,
    after: async (page) => { await page.click('[data-testid^="contact-edit-"]'); await page.fill('[data-testid="contact-email"]', 'not-an-email');
      await page.click('[data-testid="contact-save"]'); await page.waitForSelector('[data-testid="error-email"]'); } },
  { name: 'opp-form', hash: '/pipeline', after: async (page) => { await page.click('[data-testid="pipeline-new"]'); await page.waitForSelector('[data-testid="opp-form"]');
      await page.selectOption('[data-testid="opp-stage"]', 'Closed Lost'); await page.click('[data-testid="opp-save"]'); await page.waitForSelector('[data-testid="error-lost_reason"]'); } },
  { name: 'objection-form', hash: '/objections', after: async (page) => { await page.click('[data-testid^="objection-edit-"]'); await page.waitForSelector('[data-testid="objection-form"]'); } },
  { name: 'accounts-health', hash: '/accounts', after: async (page) => { await page.selectOption('[data-testid="accounts-health"]', 'risk'); await page.waitForTimeout(400); } },
  // The import wizard with a Salesforce pair and an unknown sheet dropped on it, then its preview.
  { name: 'import', hash: '/import', after: (page) => dropSamples(page) },
  { name: 'import-preview', hash: '/import?preview', after: async (page) => { await dropSamples(page); await page.click('[data-testid="import-preview"]'); await page.waitForSelector('[data-testid="import-preview-panel"]'); } },
  { name: 'palette', hash: '/today', after: async (page) => { await page.keyboard.press('Control+k'); await page.waitForSelector('[data-testid="palette"]'); } },
];

const SAMPLES = [
  ['Account.csv', 'Id,Name,Type,Website,BillingCity\n001A000001AbcDe,Acme Robotics,Customer,acme-robotics.example,Austin\n001A000001AbcDf,"Borealis Freight, Inc.",Prospect,borealis.example,Oslo\n'],
  ['Contact.csv', 'Id,AccountId,FirstName,LastName,Email,Birthdate\n003A1,001A000001AbcDe,Ana,Nowak,ana@acme-robotics.example,1980-04-02\n003A2,001A000001AbcDf,Lars,Berg,lars@borealis.example,31/31/1975\n'],
  ['zoho-leads.csv', 'Firma;Kontakt;Mail;Seit\nAcme;Ana Nowak;ana@acme.example;2024-01-05\nBorealis;Lars Berg;lars@b.example;2023-11-30\n'],
];
async function dropSamples(page) {
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const [name, text] of files) dt.items.add(new File([text], name, { type: 'text/csv' }));
    document.querySelector('[data-testid="import-drop"]').dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, SAMPLES);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="import-file"]').length === 3);
}

async function firstId(page, hash, selector, prefix) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  const el = await page.waitForSelector(selector, { timeout: 10_000 });
  return (await el.getAttribute('data-testid')).slice(prefix.length);
}

await mkdir(out, { recursive: true });
for (const lang of langs) {
  for (const theme of themes) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: theme, locale: lang });
    await context.addInitScript((th) => localStorage.setItem('rapport.theme', th), theme);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`${lang}/${theme}: page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${lang}/${theme}: console: ${m.text()}`); });
    await page.goto(`${base}?fake&lang=${lang}#/today`);
    await page.waitForSelector('[data-testid="app"][data-ready="true"]');
    for (const s of screens) {
      if (only && !only.has(s.name)) continue;
      const hash = typeof s.hash === 'string' ? s.hash : await s.hash(page);
      await page.evaluate((h) => { location.hash = h; }, hash);
      await page.waitForSelector('[data-testid="screen-title"]');
      await page.waitForTimeout(250);
      if (s.after) await s.after(page);
      const file = join(out, `${s.name}-${lang}-${theme}.png`);
      await page.screenshot({ path: file });
      {
        const result = await page.evaluate(`${axeSource}; axe.run(document, { resultTypes: ['violations'] })`);
        for (const v of result.violations) {
          const line = `${s.name} ${lang}/${theme}: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.length}) e.g. ${v.nodes[0]?.target?.join(' ')}`;
          if (v.impact === 'serious' || v.impact === 'critical') problems.push(line);
          else console.log(`note: ${line}`);
        }
      }
      if (s.after) await page.keyboard.press('Escape');
      console.log(`saved ${file}`);
    }
    await context.close();
  }
}
// An empty book: each screen says what it is for and offers the first action.
if (!only || only.has('empty')) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: langs[0] });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`empty: page error: ${e.message}`));
  await page.goto(`${base}?fake&empty&lang=${langs[0]}#/today`);
  await page.waitForSelector('[data-testid="app"][data-ready="true"]');
  for (const name of ['today', 'accounts', 'pipeline', 'gifts', 'objections', 'sync']) {
    await page.evaluate((h) => { location.hash = h; }, `/${name}`);
    await page.waitForSelector('[data-testid="screen-title"]');
    await page.waitForTimeout(250);
    const file = join(out, `empty-${name}-${langs[0]}.png`);
    await page.screenshot({ path: file });
    const result = await page.evaluate(`${axeSource}; axe.run(document, { resultTypes: ['violations'] })`);
    for (const v of result.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') problems.push(`empty ${name}: axe ${v.impact} ${v.id}: ${v.help}`);
    }
    console.log(`saved ${file}`);
  }
  await context.close();
}

await browser.close();
server.close();
await writeFile(join(out, 'problems.txt'), problems.join('\n') + '\n');
if (problems.length) {
  console.error(`${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('no serious or critical accessibility violations, no CSP or page errors');
