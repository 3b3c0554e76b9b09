//! The whole book as a portable archive: a directory holding `manifest.json`, `settings.json`
//! and one JSON-lines file per entity (`accounts.jsonl`, ...), one record per line with every
//! field, its clock (hlc and device) and its text CRDT state.
//!
//! Restoring replays each record as the ops that made it (grouped by clock) through the write
//! path's merge, so a fresh install gets back the same book: the same canonical dump, clocks
//! included, and later sync merges with it as with the original.

use crate::app::App;
use crate::domain::EntityKind;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::store::archive::{stored_records, StoredRecord};
use crate::sync::protocol::{Op, TextUpdate, SCHEMA_VERSION};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;
use uuid::Uuid;

const FORMAT: &str = "rapport-archive";
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The op schema of the Rapport that wrote it.
    pub schema: u32,
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub device: Uuid,
    /// Records per kind (`account` -> 120).
    pub counts: BTreeMap<String, usize>,
}

/// One line of `<table>.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Line {
    id: Uuid,
    space: Uuid,
    cl: u32,
    created_at: Option<i64>,
    updated_at: i64,
    base: (i64, Uuid),
    fields: Map<String, Value>,
    /// Field -> [hlc, device], or null when never written.
    clocks: BTreeMap<String, Option<(i64, Uuid)>>,
    /// Field -> base64 yrs state.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    text: BTreeMap<String, String>,
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::Storage(format!("{}: {e}", path.display()))
}

fn parse_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| Error::Storage(format!("record id: {e}")))
}

/// Writes the book into `dir` (created if needed; it must not already hold an archive).
pub fn export(app: &App, dir: &Path) -> Result<Manifest> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    if dir.join("manifest.json").exists() {
        return Err(Error::Conflict(format!("{} already holds an archive", dir.display())));
    }
    let device = app.store().device().device;
    let mut counts = BTreeMap::new();
    for kind in EntityKind::ALL {
        let records = app.store().read(|c| stored_records(c, kind, device))?;
        let path = dir.join(format!("{}.jsonl", kind.table()));
        let file = std::fs::File::create(&path).map_err(|e| io_err(&path, e))?;
        let mut w = std::io::BufWriter::new(file);
        for r in &records {
            serde_json::to_writer(&mut w, &to_line(r)?)?;
            w.write_all(b"\n").map_err(|e| io_err(&path, e))?;
        }
        w.flush().map_err(|e| io_err(&path, e))?;
        counts.insert(kind.name().to_string(), records.len());
    }
    let settings_path = dir.join("settings.json");
    std::fs::write(&settings_path, serde_json::to_vec_pretty(&app.settings())?).map_err(|e| io_err(&settings_path, e))?;
    let manifest = Manifest { format: FORMAT.into(), version: VERSION, schema: SCHEMA_VERSION, exported_at: app.now(), device, counts };
    // The manifest last: a directory without one is an export that did not finish.
    let path = dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest)?).map_err(|e| io_err(&path, e))?;
    Ok(manifest)
}

fn to_line(r: &StoredRecord) -> Result<Line> {
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(Line {
        id: parse_id(&r.id)?,
        space: parse_id(&r.space)?,
        cl: u32::try_from(r.cl).map_err(|_| Error::Storage("causal length out of range".into()))?,
        created_at: r.created_at,
        updated_at: r.updated_at,
        base: r.base,
        fields: r.fields.clone(),
        clocks: r.clocks.clone(),
        text: r.text.iter().map(|(k, v)| (k.clone(), b64.encode(v))).collect(),
    })
}

/// Restores an archive into this book, in one transaction. Returns what it read.
pub fn restore(app: &App, dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let bytes = std::fs::read(&path).map_err(|e| Error::invalid("archive", format!("{} cannot be read ({e}); is this a Rapport archive?", path.display())))?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::invalid("archive", format!("manifest.json is not valid: {e}")))?;
    if manifest.format != FORMAT {
        return Err(Error::invalid("archive", "this is not a Rapport archive"));
    }
    if manifest.version > VERSION || manifest.schema > SCHEMA_VERSION {
        return Err(Error::invalid("archive", "this archive was written by a newer Rapport; update the app"));
    }
    let mut ops = Vec::new();
    for kind in EntityKind::ALL {
        let path = dir.join(format!("{}.jsonl", kind.table()));
        let file = std::fs::File::open(&path).map_err(|e| Error::invalid("archive", format!("{} is missing ({e})", path.display())))?;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| io_err(&path, e))?;
            if line.trim().is_empty() {
                continue;
            }
            let rec: Line = serde_json::from_str(&line).map_err(|e| Error::invalid("archive", format!("{} line {}: {e}", path.display(), n + 1)))?;
            ops.extend(to_ops(kind, rec)?);
        }
    }
    let settings_path = dir.join("settings.json");
    let settings: Option<crate::settings::Settings> = match std::fs::read(&settings_path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(|e| Error::invalid("archive", format!("settings.json is not valid: {e}")))?),
        Err(_) => None,
    };
    app.apply_ops(&ops)?;
    if let Some(s) = settings {
        app.update_settings(s)?;
    }
    Ok(manifest)
}

/// The ops that rebuild a record: one per distinct field clock (fields written together), then
/// one carrying its causal length and last change time.
fn to_ops(kind: EntityKind, rec: Line) -> Result<Vec<Op>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let blank = |hlc: i64, device: Uuid| Op {
        space: rec.space,
        device,
        seq: 0,
        hlc: Hlc::from_i64(hlc),
        table: kind.name().into(),
        row: rec.id,
        set: BTreeMap::new(),
        text: BTreeMap::new(),
        cl: None,
        prev: BTreeMap::new(),
        also_prev: BTreeMap::new(),
        schema: SCHEMA_VERSION,
    };
    let mut by_clock: BTreeMap<(i64, Uuid), Op> = BTreeMap::new();
    for (name, clock) in &rec.clocks {
        let Some((hlc, device)) = *clock else { continue };
        let value = if name == "created_at" { rec.created_at.map(Value::from).unwrap_or(Value::Null) } else { rec.fields.get(name).cloned().unwrap_or(Value::Null) };
        by_clock.entry((hlc, device)).or_insert_with(|| blank(hlc, device)).set.insert(name.clone(), value);
    }
    let mut ops: Vec<Op> = by_clock.into_values().collect();
    let mut last = blank(Hlc::new(rec.updated_at.max(0) as u64, 0).as_i64().max(rec.base.0), rec.base.1);
    last.cl = Some(rec.cl);
    for (name, state) in &rec.text {
        let bytes = b64.decode(state).map_err(|e| Error::invalid("archive", format!("text of {name}: {e}")))?;
        last.text.insert(name.clone(), TextUpdate(bytes));
    }
    if ops.is_empty() {
        // A record with no clocked field still exists: the last op creates it.
        ops.push(last);
    } else {
        // The first op creates the record with the right causal length.
        ops[0].cl = Some(rec.cl);
        ops.push(last);
    }
    Ok(ops)
}
