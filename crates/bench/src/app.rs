//! `app`: the release desktop app on a bench book, as an AE feels it.
//!
//! - `start_to_interactive_ms`: from spawning the process until the UI says Today has rendered
//!   its data (it calls the `ui_ready` command, which logs `ui ready`); median of `--runs`.
//! - `pss_total_mb`: the proportional set size of the app and its WebKit child processes
//!   (`/proc/PID/smaps_rollup`), after scrolling the whole account list once, through WebDriver.
//! - `account_open_ms`: from clicking an account row until its header and health show, timed
//!   inside the page; median over several accounts.
//!
//! With no display it re-runs itself under `xvfb-run` and `dbus-run-session`.

#[path = "../../../tests/e2e/webdriver.rs"]
#[allow(dead_code)]
mod webdriver;

use crate::{median, round, Report};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one launch may take before the bench gives up on it.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `args` again under a virtual X screen, in a private D-Bus session with a throwaway
/// home and keyring (scripts/with-keyring.sh), so the bench book's key never lands in a real
/// keyring.
pub fn rerun_under_xvfb(root: &Path) -> Result<()> {
    let exe = std::env::current_exe()?;
    eprintln!("no DISPLAY: running under xvfb-run with a throwaway home and keyring");
    let status = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "bash"])
        .arg(root.join("scripts/with-keyring.sh"))
        .arg(exe)
        .args(std::env::args().skip(1))
        .status()
        .context("xvfb-run (apt-get install xvfb)")?;
    if !status.success() {
        bail!("the bench under xvfb-run failed: {status}");
    }
    Ok(())
}

/// Builds the UI and the release app with its pages embedded (both quick when up to date).
pub fn build_release_app(root: &Path) -> Result<()> {
    let ok = Command::new("npm").args(["--prefix", "ui", "run", "build"]).current_dir(root).stdout(Stdio::null()).status()?;
    if !ok.success() {
        bail!("npm --prefix ui run build failed");
    }
    let ok = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--features", "custom-protocol", "--bin", "rapport"])
        .current_dir(root)
        .status()?;
    if !ok.success() {
        bail!("cargo build --release --features custom-protocol --bin rapport failed");
    }
    Ok(())
}

/// `RAPPORT_BENCH_APP_LOG`: the app's `RUST_LOG` (e.g. `rapport=debug`); its lines that say
/// `since_start_ms` (the start's phases) are then copied to the bench's stderr.
fn app_log() -> Option<String> {
    std::env::var("RAPPORT_BENCH_APP_LOG").ok().filter(|v| !v.is_empty())
}

/// One launch: milliseconds from spawn until the UI logged `ui ready`.
fn start_to_interactive(bin: &Path, book: &Path, recovery_key: &str) -> Result<f64> {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .arg("--book")
        .arg(book)
        .env("RAPPORT_RECOVERY_KEY", recovery_key)
        .env("RUST_LOG", app_log().unwrap_or_else(|| "info".into()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let echo = app_log().is_some();
        for line in BufReader::new(stderr).lines().map_while(std::io::Result::ok) {
            if echo && line.contains("since_start_ms") {
                eprintln!("{line}");
            }
            if line.contains("ui ready") {
                let _ = tx.send(Ok(()));
            } else if line.contains("cannot open the book") {
                let _ = tx.send(Err(line));
            }
        }
    });
    let outcome = rx.recv_timeout(LAUNCH_TIMEOUT);
    let took = started.elapsed().as_secs_f64() * 1000.0;
    let _ = child.kill();
    let _ = child.wait();
    match outcome {
        Ok(Ok(())) => Ok(took),
        Ok(Err(line)) => bail!("the app could not open the bench book: {line}"),
        Err(_) => bail!("the app did not log `ui ready` within {LAUNCH_TIMEOUT:?} (does the UI call uiReady()?)"),
    }
}

/// The PIDs of processes running `bin`, and all their descendants (WebKit's web and network
/// processes).
fn app_processes(bin: &Path) -> Vec<u32> {
    let bin = bin.canonicalize().unwrap_or_else(|_| bin.to_path_buf());
    let mut parent_of = Vec::new();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        if std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == bin) {
            roots.push(pid);
        }
        let ppid = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|s| s.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok())));
        if let Some(ppid) = ppid {
            parent_of.push((pid, ppid));
        }
    }
    let mut all = roots.clone();
    let mut i = 0;
    while i < all.len() {
        let p = all[i];
        all.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    all
}

/// The sum of `Pss` over these processes, in MiB.
fn pss_mb(pids: &[u32]) -> f64 {
    pss_by_process(pids).iter().map(|(_, mb)| mb).sum()
}

/// Each process's `Pss` in MiB, named by its command (`rapport`, `WebKitWebProces`, ...).
fn pss_by_process(pids: &[u32]) -> Vec<(String, f64)> {
    pids.iter()
        .filter_map(|pid| {
            let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let kb = rollup.lines().find_map(|l| l.strip_prefix("Pss:").and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()))?;
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|c| c.trim().to_string()).unwrap_or_default();
            Some((name, round(kb as f64 / 1024.0)))
        })
        .collect()
}

/// The processes' PSS by name, for the figure's extra fields.
fn breakdown(pids: &[u32]) -> serde_json::Value {
    json!(pss_by_process(pids).into_iter().map(|(name, mb)| json!({"process": name, "mb": mb})).collect::<Vec<_>>())
}

/// Scrolls the account list from top to bottom in steps, a frame apart.
const SCROLL_ALL: &str = "
const done = arguments[arguments.length - 1];
const list = document.querySelector('[data-testid=account-rows]');
const box = [list, ...(function* up(e) { while (e) { yield e; e = e.parentElement; } })(list)]
  .find(e => e && e.scrollHeight > e.clientHeight + 1) || document.scrollingElement;
let step = 0;
const steps = 120;
function next() {
  step += 1;
  box.scrollTop = (box.scrollHeight - box.clientHeight) * step / steps;
  if (step < steps) requestAnimationFrame(next); else setTimeout(() => done(box.scrollTop), 500);
}
requestAnimationFrame(next);
";

/// Clicks the account row `id` and returns the ms until its header (named) and health show.
const OPEN_ACCOUNT: &str = "
const [row, name, done] = arguments;
const t0 = performance.now();
row.click();
const sel = `[data-testid=account-header][data-name=\"${CSS.escape(name)}\"]`;
function check() {
  if (document.querySelector(sel) && document.querySelector('[data-testid=account-health]')) done(performance.now() - t0);
  else if (performance.now() - t0 > 30000) done(null);
  else requestAnimationFrame(check);
}
requestAnimationFrame(check);
";

/// Measures the release app `bin` on `book`.
pub fn run(bin: &Path, book: &Path, recovery_key: &str, runs: usize, report: &mut Report) -> Result<()> {
    if !bin.exists() {
        bail!("{} is not built (drop --no-build)", bin.display());
    }
    let bin = bin.to_path_buf();

    let mut starts = Vec::new();
    for _ in 0..runs {
        starts.push(start_to_interactive(&bin, book, recovery_key)?);
        // The next launch must not find this one still holding the single-instance lock.
        std::thread::sleep(Duration::from_millis(300));
    }
    report.add(
        "start_to_interactive_ms",
        median(&starts),
        "ms",
        vec![("runs", json!(starts.len())), ("all_ms", json!(starts.iter().map(|t| round(*t)).collect::<Vec<_>>()))],
    );

    let driver = webdriver::Driver::start(&[("RAPPORT_RECOVERY_KEY", recovery_key)]).map_err(|e| anyhow!(e))?;
    let s = driver.session(&bin, &["--book".into(), book.display().to_string()]).map_err(|e| anyhow!(e))?;
    s.wait_for("[data-testid=app][data-ready=true]", LAUNCH_TIMEOUT).map_err(|e| anyhow!(e))?;
    // What the first screen holds, before the list is scrolled (for comparison only).
    std::thread::sleep(Duration::from_secs(1));
    let at_start = breakdown(&app_processes(&bin));
    s.go("/accounts").map_err(|e| anyhow!(e))?;
    s.wait_for("[data-testid^=account-row-]", LAUNCH_TIMEOUT).map_err(|e| anyhow!(e))?;
    s.execute_async(SCROLL_ALL, vec![]).map_err(|e| anyhow!(e))?;
    std::thread::sleep(Duration::from_secs(1));
    let pids = app_processes(&bin);
    report.add(
        "pss_total_mb",
        pss_mb(&pids),
        "MiB",
        vec![("processes", json!(pids.len())), ("after", json!("scrolling every account")), ("by_process", breakdown(&pids)), ("at_start_by_process", at_start)],
    );

    let mut opens = Vec::new();
    for i in 0..7 {
        s.go("/accounts").map_err(|e| anyhow!(e))?;
        s.wait_for("[data-testid^=account-row-]", LAUNCH_TIMEOUT).map_err(|e| anyhow!(e))?;
        let rows = s.find_all("[data-testid^=account-row-]").map_err(|e| anyhow!(e))?;
        let row = rows.get(i % rows.len().max(1)).ok_or_else(|| anyhow!("no account rows"))?;
        let name = s.attr(row, "data-name").map_err(|e| anyhow!(e))?.unwrap_or_default();
        let took = s
            .execute_async(OPEN_ACCOUNT, vec![webdriver::Session::arg(row), json!(name)])
            .map_err(|e| anyhow!(e))?
            .as_f64()
            .ok_or_else(|| anyhow!("account {name} did not open within 30 s"))?;
        opens.push(took);
    }
    report.add("account_open_ms", median(&opens), "ms", vec![("runs", json!(opens.len()))]);
    Ok(())
}
