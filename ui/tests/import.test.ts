// The import wizard's logic (lib/io/wizard.svelte.ts) against the fake backend, and the
// pieces the screen shows: file types, detected column types, per-row choices, counts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeBackend } from '../src/lib/fake/index';
import { Wizard, choicesFor, countActions, detectType, fileType, samples, type SheetEntry } from '../src/lib/io/wizard.svelte';
import type { Backend } from '../src/lib/backend';
import { catalogs, LANGS } from '../src/lib/i18n';

const enc = (s: string) => new TextEncoder().encode(s);
const file = (name: string, text: string) => ({ name, bytes: enc(text) });

const ACCOUNTS = [
  'Id,Name,Type,Industry,Website,BillingCity,OwnerId',
  '001A000001AbcDe,Acme Robotics,Customer,Manufacturing,https://acme-robotics.example,Austin,005A0000001',
  '001A000001AbcDf,"Borealis Freight, Inc.",Prospect,Logistics,borealis.example,Oslo,005A0000001',
].join('\r\n');
const CONTACTS = [
  'Id,AccountId,FirstName,LastName,Title,Email,Birthdate,MobilePhone',
  '003A000001XyZaa,001A000001AbcDe,Ana,Nowak,CFO,ana.nowak@acme-robotics.example,1980-04-02,+1 512 555 0100',
  '003A000001XyZab,001A000001AbcDf,Lars,Berg,Head of Ops,lars@borealis.example,31/31/1975,',
  '003A000001XyZac,001A000001AbcDe,Mia,Quist,Buyer,mia@acme-robotics.example,,',
].join('\n');

function wizardOn(b: Backend) {
  return new Wizard(() => b);
}

describe('file types and columns', () => {
  it('tells sheets, calendars and contact cards apart by name, then by content', () => {
    expect(fileType('Contact.csv', enc('Id,Name'))).toBe('sheet');
    expect(fileType('Deals.XLSX', enc('PK'))).toBe('sheet');
    expect(fileType('invite.ics', enc(''))).toBe('calendar');
    expect(fileType('cards.vcf', enc(''))).toBe('cards');
    expect(fileType('download', enc('\uFEFFBEGIN:VCALENDAR\r\n'))).toBe('calendar');
    expect(fileType('download', enc('BEGIN:VCARD\r\n'))).toBe('cards');
    expect(fileType('photo.png', enc('\x89PNG'))).toBeNull();
  });

  it('detects a column type from most of its sample values', () => {
    expect(detectType(['ana@acme.com', 'lars@b.io', ''])).toBe('email');
    expect(detectType(['2027-03-31', '3/4/2027', '31.12.2026'])).toBe('date');
    expect(detectType(['1,200.50', '$300', '42'])).toBe('number');
    expect(detectType(['https://acme.com', 'www.b.io'])).toBe('url');
    expect(detectType(['Acme', 'Borealis'])).toBe('text');
    expect(detectType(['', ' '])).toBe('empty');
  });
});

describe('the import wizard', () => {
  it('recognises a Salesforce Account and Contact pair and previews it with the bad date on its line', async () => {
    const w = wizardOn(new FakeBackend({ empty: true }));
    await w.add([file('Account.csv', ACCOUNTS), file('Contact.csv', CONTACTS)]);
    expect(w.sheets.map((s) => s.recognised)).toEqual([{ by: 'salesforce', kind: 'account' }, { by: 'salesforce', kind: 'contact' }]);
    await w.makePreview();
    expect(w.step).toBe('preview');
    expect(w.counts).toEqual({ create: 4, update: 0, skip: 0, unchanged: 0, errors: 1 });
    const contacts = w.preview!.files.find((f) => f.file === 'Contact.csv')!;
    expect(contacts.errors).toEqual([expect.objectContaining({ line: 3, field: 'birthday' })]);
    expect(contacts.rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('imports with progress, lists the batch, and undoes it so the people are gone from search', async () => {
    const b = new FakeBackend({ empty: true });
    const w = wizardOn(b);
    const many = ['Id,Name,Website', ...Array.from({ length: 240 }, (_, i) => `001A00000${String(i).padStart(6, '0')},Company ${i},c${i}.example`)].join('\n');
    await w.add([file('Account.csv', ACCOUNTS), file('Contact.csv', CONTACTS), file('More accounts.csv', many)]);
    await w.makePreview();
    const seen: number[] = [];
    const commit = b.importCommit.bind(b);
    b.importCommit = (p, on) => commit(p, (x) => { seen.push(x.done); on?.(x); });
    await w.commit();
    expect(w.step).toBe('done');
    expect(w.result?.report).toMatchObject({ created: 244, updated: 0, errors: [expect.objectContaining({ file: 'Contact.csv', line: 3 })] });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[seen.length - 1]).toBe(244);
    expect((await b.search('Nowak', [], 10)).map((h) => h.title)).toEqual(['Ana Nowak']);
    const ana = (await b.list('contact', {})).items.find((c) => c.last_name === 'Nowak')!;
    const acme = (await b.list('account', {})).items.find((a) => a.name === 'Acme Robotics')!;
    expect(ana.account_id).toBe(acme.id);

    expect(w.batches).toHaveLength(1);
    const undone = await w.undo(w.batches[0].id);
    expect(undone).toEqual({ trashed: 244, reverted: 0, restored: 0 });
    expect(await b.search('Nowak', [], 10)).toEqual([]);
    expect(w.batches[0].undone_at).not.toBeNull();
  });

  it('matches rows against the book with a reason, and the user picks update, skip or create per row', async () => {
    const b = new FakeBackend({ empty: true });
    const acme = await b.create('account', { name: 'ACME Robotics, Inc.' });
    await b.create('contact', { first_name: 'Ana', last_name: 'Nowak', email: 'ana.nowak@acme-robotics.example', account_id: acme.id });
    const w = wizardOn(b);
    await w.add([file('Account.csv', ACCOUNTS), file('Contact.csv', CONTACTS)]);
    await w.makePreview();
    const accounts = w.preview!.files[0];
    const acmeRow = accounts.rows.find((r) => r.label === 'Acme Robotics')!;
    expect(acmeRow).toMatchObject({ action: 'update', matched: { reason: 'same_name', id: acme.id } });
    const anaRow = w.preview!.files[1].rows.find((r) => r.line === 2)!;
    expect(anaRow).toMatchObject({ action: 'update', matched: { reason: 'same_email' } });
    expect(choicesFor(anaRow)).toEqual(['update', 'skip', 'create']);
    expect(choicesFor(w.preview!.files[1].rows.find((r) => r.line === 4)!)).toEqual(['create', 'skip']);

    w.setAction(1, 2, 'skip');
    w.setAction(1, 4, 'update'); // not offered for a new row: ignored
    expect(countActions(w.preview!)).toMatchObject({ create: 2, update: 1, skip: 1 });
    w.setAllMatched('skip');
    expect(w.counts).toMatchObject({ update: 0, skip: 2 });
    w.setAllMatched('update');
    await w.commit();
    expect(w.result?.report).toMatchObject({ created: 2, updated: 2 });
    expect((await b.list('account', {})).items).toHaveLength(2);
  });

  it('asks for the columns of an unknown sheet, and a saved mapping reads the next such file the same way', async () => {
    const b = new FakeBackend({ empty: true });
    const w = wizardOn(b);
    const sheet = 'Firma;Kontakt;Mail;Notiz\nAcme;Ana Nowak;ana@acme.example;met at fair\nBorealis;Lars Berg;lars@b.example;\n';
    await w.add([file('zoho.csv', sheet)]);
    const e = w.entries[0] as SheetEntry;
    expect(e.recognised).toEqual({ by: 'unknown', kind: 'account' });
    expect(samples(e.file.table, 2)).toEqual(['ana@acme.example', 'lars@b.example']);
    w.setKind(e.id, 'contact');
    w.setTarget(e.id, 'Kontakt', 'full_name');
    w.setTarget(e.id, 'Mail', 'email');
    w.setTarget(e.id, 'Firma', 'account_name');
    w.setTarget(e.id, 'Notiz', 'email'); // a target moves: Mail is ignored now
    expect(e.file.mapping.columns.map((c) => c.target)).toEqual(['account_name', 'full_name', 'ignore', 'email']);
    w.setTarget(e.id, 'Mail', 'email');
    await expect(w.saveMapping(e.id, '  ')).rejects.toMatchObject({ code: 'invalid', field: 'name' });
    await w.saveMapping(e.id, 'Zoho contacts');
    expect(e.recognised).toEqual({ by: 'saved', name: 'Zoho contacts', kind: 'contact' });

    const again = wizardOn(b);
    await again.add([file('zoho-march.csv', sheet)]);
    expect((again.entries[0] as SheetEntry).recognised).toEqual({ by: 'saved', name: 'Zoho contacts', kind: 'contact' });
    await again.makePreview();
    expect(again.preview!.files[0].rows.map((r) => r.label)).toEqual(['Ana Nowak <ana@acme.example>', 'Lars Berg <lars@b.example>']);
  });

  it('imports calendar invites and contact cards in the same run, each with its own summary', async () => {
    const b = new FakeBackend({ empty: true });
    const w = wizardOn(b);
    const ics = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1@x\r\nSUMMARY:QBR with Acme\r\nDTSTART:20270115T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const vcf = 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nowak;Ana;;;\r\nFN:Ana Nowak\r\nEMAIL:ana@acme.example\r\nEND:VCARD\r\n';
    await w.add([file('invite.ics', ics), file('ana.vcf', vcf), file('Account.csv', ACCOUNTS)]);
    expect(w.entries.map((e) => e.type)).toEqual(['calendar', 'cards', 'sheet']);
    await w.makePreview();
    await w.commit();
    expect(w.result!.cards).toEqual([
      expect.objectContaining({ name: 'invite.ics', type: 'calendar', report: expect.objectContaining({ created: 1 }) }),
      expect.objectContaining({ name: 'ana.vcf', type: 'cards', report: expect.objectContaining({ created: 1 }) }),
    ]);
    expect(w.result!.report).toMatchObject({ created: 2 });
    expect(w.batches).toHaveLength(3);
  });

  it('lists a file it cannot read with the reason, and still imports the others', async () => {
    const b = new FakeBackend({ empty: true });
    const w = wizardOn(b);
    await w.add([{ name: 'logo.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0]) }, file('Account.csv', ACCOUNTS)]);
    expect(w.entries[0]).toMatchObject({ type: 'failed', error: { code: 'invalid', field: 'file' } });
    expect(w.ready).toBe(true);
    await w.makePreview();
    expect(w.counts?.create).toBe(2);
  });

  it('changes nothing when the same export is imported twice', async () => {
    const b = new FakeBackend({ empty: true });
    const first = wizardOn(b);
    await first.add([file('Account.csv', ACCOUNTS)]);
    await first.makePreview();
    await first.commit();
    const second = wizardOn(b);
    await second.add([file('Account.csv', ACCOUNTS)]);
    await second.makePreview();
    expect(second.counts).toMatchObject({ create: 0, update: 0, unchanged: 2 });
    expect(second.preview!.files[0].rows[0].matched?.reason).toBe('source_id');
  });
});

describe('import and export strings', () => {
  const dir = join(__dirname, '..', 'src', 'locales');
  const io = (l: string) => JSON.parse(readFileSync(join(dir, 'io', `${l}.json`), 'utf8')) as Record<string, unknown>;
  const main = (l: string) => JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8')) as Record<string, unknown>;

  it('keeps every import/export key in locales/io, under io., apart from the main files', () => {
    for (const l of LANGS) {
      const keys = Object.keys(io(l));
      expect(keys.filter((k) => !k.startsWith('io.'))).toEqual([]);
      expect(keys.filter((k) => k in main(l))).toEqual([]);
      expect(keys.filter((k) => !(k in catalogs[l]))).toEqual([]);
    }
  });

  it('has every io key of English in each language', () => {
    const en = Object.keys(io('en'));
    for (const l of LANGS) expect(en.filter((k) => !(k in io(l)))).toEqual([]);
  });
});
