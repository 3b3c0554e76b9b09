// The PouchDB baseline of `rapport-bench sync`: pouchdb-server (in memory, its own process,
// loopback), the same records as the Rapport run (one JSON document per line in --records),
// replicated from a local PouchDB to the server and from there to a fresh PouchDB; then edits
// on one PouchDB until a second one, both under live replication, has them.
// Prints one JSON object per figure on stdout; progress goes to stderr.
//
//   node sync.js --records records.ndjson --edits 60

'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { spawn } = require('child_process');
const PouchDB = require('pouchdb').plugin(require('pouchdb-adapter-memory'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  if (v === undefined) throw new Error(`${name} needs a value`);
  return v;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(url, child) {
  const until = Date.now() + 30000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`pouchdb-server exited (${child.exitCode})`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch (_) {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pouchdb-server did not answer within 30 s');
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((p / 100) * (s.length - 1)))];
}

function emit(figure, value, unit, extra) {
  console.log(JSON.stringify({ figure, value: Math.round(value * 1000) / 1000, unit, ...extra }));
}

async function main() {
  const file = arg('--records');
  if (!file) throw new Error('--records FILE is needed');
  const edits = Number(arg('--edits', '60'));
  const docs = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pouchdb-server-'));
  const port = await freePort();
  const bin = path.join(__dirname, 'node_modules', '.bin', 'pouchdb-server');
  const child = spawn(bin, ['--in-memory', '--host', '127.0.0.1', '--port', String(port)], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUp(base, child);

    // The device that made the records.
    const a = new PouchDB('a', { adapter: 'memory' });
    for (let i = 0; i < docs.length; i += 1000) await a.bulkDocs(docs.slice(i, i + 1000));
    const remote = `${base}/book`;

    let t = process.hrtime.bigint();
    const up = await a.replicate.to(remote, { batch_size: 1000, batches_limit: 10 });
    const upS = Number(process.hrtime.bigint() - t) / 1e9;
    emit('pouchdb_upload_docs_per_s', up.docs_written / upS, 'docs/s', { docs: up.docs_written, s: Math.round(upS * 1000) / 1000 });

    // A fresh device gets them all.
    const b = new PouchDB('b', { adapter: 'memory' });
    t = process.hrtime.bigint();
    const down = await b.replicate.from(remote, { batch_size: 1000, batches_limit: 10 });
    const downS = Number(process.hrtime.bigint() - t) / 1e9;
    if (down.docs_written !== docs.length) throw new Error(`the fresh PouchDB got ${down.docs_written} of ${docs.length} documents`);
    emit('pouchdb_initial_sync_records_per_s', docs.length / downS, 'records/s', { docs: docs.length, s: Math.round(downS * 1000) / 1000 });

    // Live replication both ways on both devices; an edit on A until B's changes feed has it.
    const opts = { live: true, retry: true };
    const syncs = [a.sync(remote, opts), b.sync(remote, opts)];
    const feed = b.changes({ since: 'now', live: true });
    const waiting = new Map();
    feed.on('change', (c) => {
      const w = waiting.get(c.id);
      if (w && c.changes.some((x) => x.rev === w.rev)) {
        waiting.delete(c.id);
        w.resolve();
      }
    });
    await new Promise((r) => setTimeout(r, 1000));
    const accounts = docs.filter((d) => d.kind === 'account').slice(0, Math.max(1, edits));
    const times = [];
    for (let i = 0; i < edits; i++) {
      const id = accounts[i % accounts.length]._id;
      const doc = await a.get(id);
      doc.industry = `Industry ${i}`;
      const t0 = process.hrtime.bigint();
      const res = await a.put(doc);
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`edit ${i} did not reach B within 30 s`)), 30000);
        waiting.set(id, { rev: res.rev, resolve: () => { clearTimeout(timer); resolve(); } });
      });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await new Promise((r) => setTimeout(r, 50));
    }
    feed.cancel();
    syncs.forEach((s) => s.cancel());
    emit('pouchdb_edit_visible_p50_ms', percentile(times, 50), 'ms', { edits: times.length });
    emit('pouchdb_edit_visible_p95_ms', percentile(times, 95), 'ms', { edits: times.length, max_ms: Math.round(Math.max(...times) * 1000) / 1000 });
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`pouchdb baseline: ${e.stack || e}`);
    process.exit(1);
  },
);
