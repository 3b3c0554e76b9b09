//! `sync`: what sync costs, end to end, against a real `rapport-server` process on loopback
//! (spawned from the release binary beside this one), once on SQLite and once on PostgreSQL
//! (a fresh database per run on 127.0.0.1:5432, dropped after).
//!
//! - `upload_ops_per_s`: device A, holding a demo book of `--records` records, pushes its outbox.
//! - `initial_sync_records_per_s`: a fresh device B signs in and gets them all (snapshot + pull).
//! - `edit_visible_p50_ms` / `_p95_ms`: A and B run the real background task (`start_sync`, with
//!   the server's pokes); an edit on A until B's `Changed` event for that record, A's task woken
//!   with `sync_now()` after each edit.
//! - `edit_visible_no_sync_now_p50_ms` / `_p95_ms`: the same without `sync_now()`, as a user
//!   edits (nobody calls it): the task alone decides when the edit goes out.
//! - `server_pull_p99_ms`: many simulated devices doing small `/v1/sync` round trips at once
//!   (see [`crate::sync_fleet`]).
//!
//! Sign-in keeps device tokens in the OS keyring: run inside `bash scripts/with-keyring.sh`.

use crate::sync_fleet;
use crate::sync_server::{Backend, Server};
use crate::{ms, percentile, round, Report};
use anyhow::{anyhow, bail, Context, Result};
use rapport_core::demo::{generate, DemoSize};
use rapport_core::sync::{self, HttpTransport, SyncHandle, SyncStatus};
use rapport_core::{App, EntityKind, Event, Key, ListQuery, SystemClock};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEY: [u8; 32] = [0x53; 32];
const PASSWORD: &str = "correct horse battery staple";

pub struct SyncArgs {
    pub records: u64,
    pub devices: usize,
    pub edits: usize,
    /// Run the PouchDB baseline (off in `--quick` unless node_modules is there).
    pub pouchdb: bool,
    pub initial: bool,
    pub edit: bool,
    pub fleet: bool,
    /// The backends to run (`sqlite`, `postgres`).
    pub backends: Vec<&'static str>,
}

impl SyncArgs {
    pub fn new(records: Option<u64>, quick: bool) -> SyncArgs {
        let pouch_installed = crate::sync_pouch::installed();
        if quick {
            SyncArgs { records: records.unwrap_or(2_000), devices: 50, edits: 10, pouchdb: pouch_installed, ..SyncArgs::all() }
        } else {
            SyncArgs { records: records.unwrap_or(100_000), devices: 1_000, edits: 60, pouchdb: true, ..SyncArgs::all() }
        }
    }

    fn all() -> SyncArgs {
        SyncArgs { records: 0, devices: 0, edits: 0, pouchdb: true, initial: true, edit: true, fleet: true, backends: vec!["sqlite", "postgres"] }
    }

    /// Keeps only the named parts (all when `only` is empty) and backend (both when `None`).
    /// The upload always runs: it fills the server the other parts read.
    pub fn parts(mut self, only: &[String], backend: Option<&str>) -> SyncArgs {
        if !only.is_empty() {
            let has = |p: &str| only.iter().any(|o| o == p);
            self.initial = has("initial");
            self.edit = has("edit");
            self.fleet = has("fleet");
            self.pouchdb &= has("pouchdb");
        }
        if let Some(b) = backend {
            self.backends.retain(|x| *x == b);
        }
        self
    }
}

fn open(path: &Path) -> Result<App> {
    Ok(App::open(path, Key::Raw(KEY), Arc::new(SystemClock))?)
}

/// A demo book of about `records` records (accounts, contacts, notes with text, and the rest
/// of the generator's mix), built once and copied for each backend.
fn build_book(path: &Path, records: u64) -> Result<u64> {
    let small = DemoSize::small();
    let per_account = 1.0
        + small.contacts_per_account as f64
        + small.notes_per_account as f64
        + small.opportunities_per_account
        + small.meetings_per_account
        + small.tasks_per_account
        + small.reminders_per_account
        + small.objections_per_account
        + small.gifts_per_account;
    let accounts = ((records as f64 / per_account).round() as u64).max(1);
    let size = DemoSize { accounts, meetings_today: small.meetings_today.min(accounts as u32), ..small };
    let app = open(path)?;
    let t = Instant::now();
    let stats = generate(&app, &size, 42, |_| {})?;
    app.store().checkpoint()?;
    eprintln!("  built a book of {} records in {:.1} s: {:?}", stats.rows, t.elapsed().as_secs_f64(), stats.by_kind);
    Ok(stats.rows)
}

fn record_count(app: &App) -> Result<u64> {
    let s = app.summary()?;
    Ok(s.accounts + s.contacts + s.notes)
}

fn a_token(app: &App) -> Result<String> {
    sync::account::token(app)?.ok_or_else(|| anyhow!("no device token in the keyring"))
}

fn signed_in_transport(app: &App) -> Result<HttpTransport> {
    let acct = sync::account::account(app)?.ok_or_else(|| anyhow!("the book is not signed in"))?;
    let token = sync::account::token(app)?.ok_or_else(|| anyhow!("no device token in the keyring"))?;
    Ok(HttpTransport::new(&acct.server, Some(token))?)
}

pub fn run(args: &SyncArgs, report: &mut Report) -> Result<()> {
    if !rapport_core::security::keyring_available() {
        bail!("sign-in keeps device tokens in the OS keyring, and none answers: run inside `bash scripts/with-keyring.sh`");
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting tokio")?;
    let work = tempfile::tempdir().context("temp dir")?;
    let seed = work.path().join("seed.db");
    eprintln!("building a book of about {} records", args.records);
    let rows = build_book(&seed, args.records)?;
    let mut rapport_rates = Vec::new();
    for backend in args.backends.clone() {
        eprintln!("{backend}: starting rapport-server");
        let b = if backend == "sqlite" { Backend::sqlite()? } else { Backend::postgres()? };
        let server = Server::start(b)?;
        let rate = rt.block_on(one_backend(backend, &server.url, &seed, work.path(), rows, args, report))?;
        rapport_rates.push(rate);
    }
    if args.pouchdb {
        let dump = work.path().join("records.ndjson");
        let a = open(&work.path().join(format!("{}-a.db", args.backends.first().copied().unwrap_or("sqlite"))))?;
        crate::sync_pouch::dump(&a, &dump)?;
        drop(a);
        let pouch = crate::sync_pouch::run(&dump, args.edits, report)?;
        let best = rapport_rates.iter().copied().flatten().fold(f64::NAN, f64::min);
        if !best.is_nan() {
            report.add("initial_sync_vs_pouchdb_ratio", best / pouch, "x", vec![("rapport", json!("the slower backend"))]);
        }
    }
    Ok(())
}

/// Runs the parts of the bench on one backend; returns its initial sync rate (if it ran).
async fn one_backend(backend: &'static str, url: &str, seed: &Path, dir: &Path, rows: u64, args: &SyncArgs, report: &mut Report) -> Result<Option<f64>> {
    let a_path = dir.join(format!("{backend}-a.db"));
    std::fs::copy(seed, &a_path).context("copying the seed book")?;
    let a = open(&a_path)?;
    let email = format!("bench-{}@example.com", uuid::Uuid::now_v7().simple());
    sync::sign_up(&a, url, &email, PASSWORD).await.context("signing A up")?;

    // Upload: A pushes its whole outbox.
    let waiting = a.store().read(rapport_core::store::sync_state::waiting)?;
    let t = Instant::now();
    let up = sync::sync_once(&a, &signed_in_transport(&a)?).await.context("A's upload")?;
    let secs = t.elapsed().as_secs_f64();
    if up.waiting != 0 {
        bail!("{backend}: A still has {} changes waiting after its upload", up.waiting);
    }
    report.add(
        "upload_ops_per_s",
        up.pushed as f64 / secs,
        "ops/s",
        vec![("backend", json!(backend)), ("ops", json!(up.pushed)), ("outbox", json!(waiting)), ("records", json!(rows)), ("s", json!(round(secs)))],
    );

    // What the server alone takes to serve it all to a new device (nothing applied).
    let served = crate::sync_server::serve_all(url, &a_token(&a)?, sync::engine::SNAPSHOT_LIMIT, sync::engine::PULL_LIMIT).await?;
    report.add(
        "server_snapshot_records_per_s",
        served.records as f64 / served.secs,
        "records/s",
        vec![
            ("backend", json!(backend)),
            ("records", json!(served.records)),
            ("ops_after", json!(served.ops)),
            ("requests", json!(served.requests)),
            ("json_mb", json!(round(served.bytes as f64 / 1e6))),
            ("s", json!(round(served.secs))),
        ],
    );

    // Initial sync: a fresh device signs in and gets everything.
    if std::env::var_os("RAPPORT_BENCH_PHASES").is_some() {
        fetch_snapshot_only(&a, a.store().device().space).await?;
    }
    let b_path = dir.join(format!("{backend}-b.db"));
    let b = open(&b_path)?;
    let t = Instant::now();
    sync::sign_in(&b, url, &email, PASSWORD).await.context("signing B in")?;
    let signed_in = t.elapsed().as_secs_f64();
    let mut rate = None;
    if args.initial || args.edit {
        let got = sync::sync_once(&b, &signed_in_transport(&b)?).await.context("B's initial sync")?;
        let secs = t.elapsed().as_secs_f64();
        let (want, have) = (a.summary()?, b.summary()?);
        if (want.accounts, want.contacts, want.notes) != (have.accounts, have.contacts, have.notes) {
            bail!("{backend}: B does not hold what A has after its initial sync: {have:?} vs {want:?}");
        }
        rate = Some(rows as f64 / secs);
        report.add(
            "initial_sync_records_per_s",
            rows as f64 / secs,
            "records/s",
            vec![
                ("backend", json!(backend)),
                ("records", json!(rows)),
                ("accounts_contacts_notes", json!(record_count(&b)?)),
                ("round_trips", json!(got.round_trips)),
                ("sign_in_s", json!(round(signed_in))),
                ("s", json!(round(secs))),
            ],
        );
    }

    if args.edit {
        edit_visible(backend, &a, &b, args.edits, true, report).await?;
        edit_visible(backend, &a, &b, args.edits, false, report).await?;
    }
    drop((a, b));
    if !args.fleet {
        return Ok(rate);
    }

    let fleet = sync_fleet::run(url, args.devices).await.context("the simulated devices")?;
    sync_fleet::report(backend, args.devices, &fleet, report);
    Ok(rate)
}

/// Diagnostics (`RAPPORT_BENCH_PHASES=1`, stderr): how long fetching and decoding the whole
/// snapshot takes without applying it, to tell the server and the wire from the client's apply.
async fn fetch_snapshot_only(app: &App, space: uuid::Uuid) -> Result<()> {
    use rapport_core::sync::Transport;
    let t = signed_in_transport(app)?;
    let start = Instant::now();
    let (mut after, mut rows, mut pages) = (None, 0, 0);
    loop {
        let page = t.snapshot(space, after, rapport_core::sync::engine::SNAPSHOT_LIMIT).await?;
        rows += page.rows.len();
        pages += 1;
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    eprintln!("  phases: fetching the snapshot alone ({rows} rows, {pages} pages) took {:.2} s", start.elapsed().as_secs_f64());
    Ok(())
}

async fn wait_synced(h: &SyncHandle, who: &str) -> Result<()> {
    let mut w = h.watch();
    let until = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            if matches!(*w.borrow_and_update(), SyncStatus::Synced { .. }) {
                return Ok(());
            }
            if w.changed().await.is_err() {
                return Err(anyhow!("{who}'s sync task stopped"));
            }
        }
    });
    until.await.map_err(|_| anyhow!("{who} did not reach Synced within 120 s: {:?}", h.status()))?
}

/// Both devices run the background task; each edit on A is timed until B has applied it. With
/// `wake_a`, A's task is woken right after the edit (`sync_now`); without, nobody calls it, as
/// when a user edits.
async fn edit_visible(backend: &'static str, a: &App, b: &App, edits: usize, wake_a: bool, report: &mut Report) -> Result<()> {
    let ha = sync::start_sync(a.clone());
    let hb = sync::start_sync(b.clone());
    wait_synced(&ha, "A").await?;
    wait_synced(&hb, "B").await?;
    // Let the event streams connect before the first edit.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ids: Vec<_> = a.accounts().list(&ListQuery::default().page(0, edits as u32))?.items.into_iter().map(|r| r.id).collect();
    if ids.is_empty() {
        bail!("the book has no account to edit");
    }
    let mut events = b.subscribe();
    let mut times = Vec::with_capacity(edits);
    for i in 0..edits {
        let id = ids[i % ids.len()];
        let mut acct = a.accounts().get(id)?.data;
        acct.industry = Some(format!("Industry {i}{}", if wake_a { "" } else { " (no sync_now)" }));
        let t = Instant::now();
        a.accounts().update(id, acct)?;
        if wake_a {
            ha.sync_now();
        }
        let seen = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                match events.recv().await {
                    Ok(Event::Changed { kind: EntityKind::Account, ids }) if ids.contains(&id) => return Ok(()),
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(e) => return Err(anyhow!("B's events ended: {e}")),
                }
            }
        });
        seen.await.map_err(|_| anyhow!("{backend}: edit {i} on A was not applied on B within 30 s"))??;
        times.push(ms(t));
        // Edits a person makes, not a flood: let both tasks settle between them.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let extra = |more: Vec<(&'static str, serde_json::Value)>| {
        let mut v = vec![("backend", json!(backend)), ("edits", json!(times.len()))];
        v.extend(more);
        v
    };
    let (p50, p95) = if wake_a {
        ("edit_visible_p50_ms", "edit_visible_p95_ms")
    } else {
        ("edit_visible_no_sync_now_p50_ms", "edit_visible_no_sync_now_p95_ms")
    };
    report.add(p50, percentile(&times, 50.0), "ms", extra(vec![]));
    report.add(p95, percentile(&times, 95.0), "ms", extra(vec![("max_ms", json!(round(percentile(&times, 100.0))))]));
    drop((ha, hb));
    Ok(())
}
