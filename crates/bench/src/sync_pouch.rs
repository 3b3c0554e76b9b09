//! The PouchDB baseline: the same records (as the JSON the core serializes them to) replicated
//! from a local PouchDB to a pouchdb-server on loopback and from there to a fresh PouchDB, and
//! edits under live replication. The work is done by `crates/bench/pouchdb/sync.js` (install
//! its packages with `npm ci` in that directory); it prints one JSON figure per line.

use crate::Report;
use anyhow::{anyhow, bail, Context, Result};
use rapport_core::{App, Entity, ListQuery};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("pouchdb")
}

/// Whether `npm ci` has been run in crates/bench/pouchdb.
pub fn installed() -> bool {
    dir().join("node_modules/pouchdb-server").is_dir() && dir().join("node_modules/pouchdb").is_dir()
}

fn dump_kind<T: Entity>(kind: &str, repo: rapport_core::repo::Repo<'_, T>, out: &mut impl Write) -> Result<u64> {
    let mut n = 0;
    let mut offset = 0;
    loop {
        let page = repo.list(&ListQuery::default().page(offset, 1_000))?;
        if page.items.is_empty() {
            return Ok(n);
        }
        for r in &page.items {
            let mut doc = serde_json::to_value(&r.data)?;
            doc["_id"] = json!(r.id.to_string());
            doc["kind"] = json!(kind);
            serde_json::to_writer(&mut *out, &doc)?;
            out.write_all(b"\n")?;
            n += 1;
        }
        offset += page.items.len() as u32;
    }
}

/// Writes every record of the book as one JSON document per line.
pub fn dump(app: &App, path: &Path) -> Result<u64> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?);
    let mut n = 0;
    n += dump_kind("account", app.accounts(), &mut out)?;
    n += dump_kind("contact", app.contacts(), &mut out)?;
    n += dump_kind("note", app.notes(), &mut out)?;
    n += dump_kind("meeting", app.meetings(), &mut out)?;
    n += dump_kind("opportunity", app.opportunities(), &mut out)?;
    n += dump_kind("task", app.tasks(), &mut out)?;
    n += dump_kind("reminder", app.reminders(), &mut out)?;
    n += dump_kind("objection", app.objections(), &mut out)?;
    n += dump_kind("gift", app.gifts(), &mut out)?;
    n += dump_kind("product", app.products(), &mut out)?;
    n += dump_kind("holding", app.holdings(), &mut out)?;
    n += dump_kind("contract", app.contracts(), &mut out)?;
    n += dump_kind("quota", app.quotas(), &mut out)?;
    out.flush()?;
    Ok(n)
}

/// Runs the node script and reports its figures; returns PouchDB's initial sync rate.
pub fn run(records: &Path, edits: usize, report: &mut Report) -> Result<f64> {
    if !installed() {
        bail!("PouchDB is not installed: run `npm ci` in {}", dir().display());
    }
    eprintln!("pouchdb: replicating the same records");
    let out = Command::new("node")
        .arg(dir().join("sync.js"))
        .args(["--records", &records.display().to_string(), "--edits", &edits.to_string()])
        .current_dir(dir())
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running node (Node.js is needed for the PouchDB baseline)")?;
    if !out.status.success() {
        bail!("the PouchDB baseline failed ({})", out.status);
    }
    let mut initial = None;
    for line in String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).with_context(|| format!("the PouchDB script printed {line:?}"))?;
        let name = v["figure"].as_str().ok_or_else(|| anyhow!("no figure in {line}"))?;
        let value = v["value"].as_f64().ok_or_else(|| anyhow!("no value in {line}"))?;
        let name: &'static str = match name {
            "pouchdb_initial_sync_records_per_s" => {
                initial = Some(value);
                "pouchdb_initial_sync_records_per_s"
            }
            "pouchdb_upload_docs_per_s" => "pouchdb_upload_docs_per_s",
            "pouchdb_edit_visible_p50_ms" => "pouchdb_edit_visible_p50_ms",
            "pouchdb_edit_visible_p95_ms" => "pouchdb_edit_visible_p95_ms",
            other => bail!("the PouchDB script printed an unknown figure {other}"),
        };
        let unit: &'static str = match v["unit"].as_str() {
            Some("ms") => "ms",
            Some("docs/s") => "docs/s",
            _ => "records/s",
        };
        let extra = v.as_object().map(|o| o.iter().filter(|(k, _)| !["figure", "value", "unit"].contains(&k.as_str())).map(|(k, v)| (leak(k), v.clone())).collect()).unwrap_or_default();
        report.add(name, value, unit, extra);
    }
    initial.ok_or_else(|| anyhow!("the PouchDB script printed no initial sync figure"))
}

/// Extra field names from the script (a handful per run).
fn leak(s: &str) -> &'static str {
    match s {
        "docs" => "docs",
        "edits" => "edits",
        "s" => "s",
        "server" => "server",
        "max_ms" => "max_ms",
        _ => "other",
    }
}
