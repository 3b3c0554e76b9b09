//! rapport-bench: scenario benchmarks that print one JSON object per figure.
//!
//! ```text
//! cargo run --release -p rapport-bench -- store --size large --json
//! ```
//!
//! `store` builds (or reuses) a demo book under `target/bench-data/store-<size>.db` and times
//! what an AE feels: opening the book, full-text search, a filtered page of accounts, Today,
//! a meeting brief and the whitespace grid.
//!
//! `app` launches the release desktop app on the same book (large by default) and measures
//! start to interactive, memory (PSS) after scrolling the accounts and opening an account
//! (see [`app`]).
//!
//! `sync` runs a real rapport-server on SQLite and on PostgreSQL and times an upload, a new
//! device's initial sync, edits between two online devices and many devices at once (see
//! `sync.rs`); `--quick` is the CI smoke. Run it inside `bash scripts/with-keyring.sh`.

mod app;

mod import;
mod sync;
mod sync_fleet;
mod sync_pouch;
mod sync_server;

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, Utc};
use rapport_core::demo::{generate, sample_queries, DemoSize};
use rapport_core::domain::{Account, Meeting};
use rapport_core::{App, EntityKind, FakeClock, Filter, FilterOp, Key, ListQuery};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The settings key that says a bench book was built to the end, and how fast.
const MARKER: &str = "bench.build";
const KEY: [u8; 32] = [0x52; 32];

struct Args {
    scenario: String,
    /// `None`: the scenario's default (store: small, app: large).
    size: Option<String>,
    json: bool,
    /// Launches of the app to take the median of.
    runs: usize,
    /// `sync`: records in the book (default 100,000; 2,000 with `--quick`).
    records: Option<u64>,
    /// `sync`: a small, fast run (CI smoke).
    quick: bool,
    /// `sync-fleet`: how many simulated devices (default 1,000).
    devices: Option<usize>,
    /// `sync`: run only these parts (`--only initial,edit,fleet,pouchdb`; all when empty).
    only: Vec<String>,
    /// `sync`: run only this backend (`sqlite` or `postgres`; both when `None`).
    backend: Option<String>,
    /// `app`: use the release app as built (skip the UI and cargo builds).
    no_build: bool,
    seed: u64,
    rebuild: bool,
    /// Stop after building (or finding) the book.
    build_only: bool,
}

fn usage() -> &'static str {
    "usage: rapport-bench store|app [--size tiny|small|large] [--json] [--seed N] [--rebuild] [--build-only] [--runs N] [--no-build]\n       rapport-bench import [--size tiny|small] [--json]\n       rapport-bench sync [--records N] [--quick] [--json] [--only initial,edit,fleet,pouchdb] [--backend sqlite|postgres]   (inside scripts/with-keyring.sh)\n       rapport-bench sync-fleet [--devices N] [--json]   (only the many-devices part of sync)"
}

fn parse_args() -> Result<Args> {
    let mut args = Args { scenario: String::new(), size: None, json: false, runs: 5, no_build: false, seed: 42, rebuild: false, build_only: false, records: None, quick: false, devices: None, only: Vec::new(), backend: None };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => args.json = true,
            "--rebuild" => args.rebuild = true,
            "--no-build" => args.no_build = true,
            "--build-only" => args.build_only = true,
            "--size" => args.size = Some(it.next().ok_or_else(|| anyhow!("--size needs a value\n{}", usage()))?),
            "--quick" => args.quick = true,
            "--records" => {
                let n: u64 = it.next().ok_or_else(|| anyhow!("--records needs a value"))?.parse().context("--records must be a whole number")?;
                if n == 0 {
                    bail!("--records must be at least 1");
                }
                args.records = Some(n);
            }
            "--devices" => {
                let n: usize = it.next().ok_or_else(|| anyhow!("--devices needs a value"))?.parse().context("--devices must be a whole number")?;
                if n == 0 {
                    bail!("--devices must be at least 1");
                }
                args.devices = Some(n);
            }
            "--only" => {
                let parts = it.next().ok_or_else(|| anyhow!("--only needs a list, e.g. initial,edit"))?;
                args.only = parts.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
                if let Some(bad) = args.only.iter().find(|p| !["initial", "edit", "fleet", "pouchdb"].contains(&p.as_str())) {
                    bail!("--only: unknown part '{bad}' (initial, edit, fleet, pouchdb)");
                }
            }
            "--backend" => {
                let b = it.next().ok_or_else(|| anyhow!("--backend needs sqlite or postgres"))?;
                if b != "sqlite" && b != "postgres" {
                    bail!("--backend: '{b}' is not sqlite or postgres");
                }
                args.backend = Some(b);
            }
            "--runs" => args.runs = it.next().ok_or_else(|| anyhow!("--runs needs a value"))?.parse().context("--runs")?,
            "--seed" => args.seed = it.next().ok_or_else(|| anyhow!("--seed needs a value"))?.parse().context("--seed")?,
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            s if !s.starts_with('-') && args.scenario.is_empty() => args.scenario = s.to_string(),
            other => bail!("unknown argument '{other}'\n{}", usage()),
        }
    }
    if args.scenario.is_empty() {
        bail!("{}", usage());
    }
    Ok(args)
}

/// One printed figure.
struct Figure {
    name: &'static str,
    value: f64,
    unit: &'static str,
    extra: Vec<(&'static str, Value)>,
}

struct Report {
    json: bool,
    figures: Vec<Figure>,
}

impl Report {
    fn add(&mut self, name: &'static str, value: f64, unit: &'static str, extra: Vec<(&'static str, Value)>) {
        let f = Figure { name, value, unit, extra };
        if self.json {
            let mut obj = json!({ "figure": f.name, "value": round(f.value), "unit": f.unit });
            for (k, v) in &f.extra {
                obj[*k] = v.clone();
            }
            println!("{obj}");
        } else {
            let extra: Vec<String> = f.extra.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!("{:<22} {:>14.2} {:<8} {}", f.name, f.value, f.unit, extra.join(" "));
        }
        self.figures.push(f);
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn percentile(samples: &[f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * (s.len() as f64 - 1.0)).round() as usize;
    s[rank.min(s.len() - 1)]
}

fn median(samples: &[f64]) -> f64 {
    percentile(samples, 50.0)
}

fn remove_book(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    Ok(())
}

fn open(path: &Path, at: DateTime<Utc>) -> Result<App> {
    Ok(App::open(path, Key::Raw(KEY), Arc::new(FakeClock::at(at)))?)
}

/// What the marker records about the build.
#[derive(serde::Serialize, serde::Deserialize)]
struct Built {
    rows: u64,
    seconds: f64,
    rows_per_s: f64,
    seed: u64,
    /// The clock the book was built at: the bench reads it at the same instant, so "today"
    /// has the meetings the generator put there.
    at: DateTime<Utc>,
}

fn build(path: &Path, size: &DemoSize, seed: u64) -> Result<Built> {
    remove_book(path)?;
    let at = Utc::now();
    let app = open(path, at)?;
    let step = (size.accounts * 30 / 20).max(1);
    let mut next = step;
    let started = Instant::now();
    let stats = generate(&app, size, seed, |rows| {
        if rows >= next {
            eprintln!("  {rows} rows, {:.0} s", started.elapsed().as_secs_f64());
            next = rows + step;
        }
    })?;
    app.store().checkpoint()?;
    let seconds = started.elapsed().as_secs_f64();
    let built = Built { rows: stats.rows, seconds, rows_per_s: stats.rows as f64 / seconds, seed, at };
    app.store().set_setting(MARKER, &built)?;
    app.store().checkpoint()?;
    eprintln!("  built {} rows in {seconds:.1} s: {:?}", stats.rows, stats.by_kind);
    Ok(built)
}

/// The bench book of `size` (built once, then reused), and how it was built.
fn ensure_book(args: &Args, size_name: &str, report: &mut Report) -> Result<(PathBuf, Built)> {
    let size = DemoSize::named(size_name).ok_or_else(|| anyhow!("unknown size '{size_name}' (tiny, small, large)"))?;
    let dir = target_dir().join("bench-data");
    let path = dir.join(format!("store-{size_name}.db"));
    let existing: Option<Built> = if path.exists() && !args.rebuild {
        match open(&path, Utc::now()) {
            Ok(app) => app.store().setting::<Built>(MARKER)?.filter(|b| b.seed == args.seed),
            Err(_) => None,
        }
    } else {
        None
    };
    let (built, reused) = match existing {
        Some(b) => (b, true),
        None => {
            eprintln!("building {size_name} ({} accounts) at {}", size.accounts, path.display());
            (build(&path, &size, args.seed)?, false)
        }
    };
    report.add(
        "build_rows_per_s",
        built.rows_per_s,
        "rows/s",
        vec![("reused", json!(reused)), ("rows", json!(built.rows)), ("build_s", json!(round(built.seconds)))],
    );
    Ok((path, built))
}

fn store(args: &Args, report: &mut Report) -> Result<()> {
    let (path, built) = ensure_book(args, args.size.as_deref().unwrap_or("small"), report)?;
    if args.build_only {
        return Ok(());
    }

    let mut opens = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let app = open(&path, built.at)?;
        opens.push(ms(t));
        drop(app);
    }
    report.add("open_ms", median(&opens), "ms", vec![("runs", json!(opens.len()))]);
    let app = open(&path, built.at)?;

    // Full-text search over notes.
    for q in sample_queries(args.seed ^ 0xA11CE, 20) {
        app.search(&q, &[EntityKind::Note], 20)?;
    }
    let queries = sample_queries(args.seed, 200);
    let mut times = Vec::with_capacity(queries.len());
    let mut slowest = (0.0, String::new());
    for q in &queries {
        let t = Instant::now();
        let hits = app.search(q, &[EntityKind::Note], 20)?;
        let took = ms(t);
        std::hint::black_box(hits);
        if took > slowest.0 {
            slowest = (took, q.clone());
        }
        times.push(took);
    }
    report.add("search_p50_ms", percentile(&times, 50.0), "ms", vec![("queries", json!(times.len()))]);
    report.add("search_p95_ms", percentile(&times, 95.0), "ms", vec![("slowest", json!(slowest.1)), ("slowest_ms", json!(round(slowest.0)))]);

    // A filtered, sorted page of accounts at random offsets.
    let pages: [(Filter, &str, bool); 4] = [
        (Filter::eq("tier", "A"), "name", false),
        (Filter::eq("lifecycle", "customer"), "name", false),
        (Filter::eq("owner", "Alex Morgan"), "name", false),
        (Filter { field: "tier".into(), op: FilterOp::Eq, value: json!("C") }, "name", true),
    ];
    let totals: Vec<u64> = pages
        .iter()
        .map(|(f, _, _)| app.accounts().count(&ListQuery::default().filter(f.clone())))
        .collect::<rapport_core::Result<_>>()?;
    let mut state = args.seed | 1;
    let mut times = Vec::with_capacity(200);
    for run in 0..200 {
        let k = run % pages.len();
        let (f, sort, desc) = &pages[k];
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let offset = (state % totals[k].saturating_sub(50).max(1)) as u32;
        let q = ListQuery::default().filter(f.clone()).sort_by(sort, *desc).page(offset, 50);
        let t = Instant::now();
        let page = app.accounts().list(&q)?;
        times.push(ms(t));
        std::hint::black_box::<Vec<rapport_core::domain::Record<Account>>>(page.items);
    }
    report.add("account_page_p50_ms", percentile(&times, 50.0), "ms", vec![("runs", json!(times.len()))]);
    report.add("account_page_p95_ms", percentile(&times, 95.0), "ms", vec![]);

    // Today, a meeting brief, the whitespace grid: medians of several runs.
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        std::hint::black_box(app.today()?);
        times.push(ms(t));
    }
    report.add("today_ms", median(&times), "ms", vec![("runs", json!(times.len()))]);

    let day_start = built.at.date_naive().and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or(built.at);
    let meetings = app.meetings().list(
        &ListQuery::default()
            .filter(Filter { field: "starts_at".into(), op: FilterOp::Ge, value: json!(day_start.to_rfc3339()) })
            .sort_by("starts_at", false)
            .page(0, 5),
    )?;
    let meetings: Vec<rapport_core::domain::Record<Meeting>> = meetings.items;
    if meetings.is_empty() {
        bail!("the bench book has no upcoming meeting to brief");
    }
    let mut times = Vec::new();
    for _ in 0..3 {
        for m in &meetings {
            let t = Instant::now();
            std::hint::black_box(app.meeting_brief(m.id)?);
            times.push(ms(t));
        }
    }
    report.add("brief_ms", median(&times), "ms", vec![("runs", json!(times.len()))]);

    let mut times = Vec::new();
    for run in 0..7u32 {
        let t = Instant::now();
        std::hint::black_box(app.whitespace(run * 50, 50)?);
        times.push(ms(t));
    }
    report.add("whitespace_ms", median(&times), "ms", vec![("runs", json!(times.len())), ("page", json!(50))]);
    Ok(())
}

fn app_scenario(args: &Args, report: &mut Report) -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return app::rerun_under_xvfb(&root);
    }
    let (path, _) = ensure_book(args, args.size.as_deref().unwrap_or("large"), report)?;
    if args.build_only {
        return Ok(());
    }
    let bin = target_dir().join("release/rapport");
    let recovery_key = rapport_core::security::encode_recovery_key(&KEY).0;
    if !args.no_build {
        app::build_release_app(&root)?;
    }
    app::run(&bin, &path, &recovery_key, args.runs.max(1), report)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let mut report = Report { json: args.json, figures: Vec::new() };
    if !args.json {
        println!("{:<22} {:>14} {:<8}", "figure", "value", "unit");
    }
    match args.scenario.as_str() {
        "store" => store(&args, &mut report),
        "import" => import::run(args.size.as_deref().unwrap_or("small"), &mut report),
        "sync" => sync::run(&sync::SyncArgs::new(args.records, args.quick).parts(&args.only, args.backend.as_deref()), &mut report),
        "sync-fleet" => sync_fleet::scenario(args.devices.unwrap_or(1_000), &mut report),
        "app" => app_scenario(&args, &mut report),
        other => bail!("unknown scenario '{other}'\n{}", usage()),
    }
}
