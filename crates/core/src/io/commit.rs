//! Writing a previewed import: one transaction through the write path (so every record reaches
//! the sync outbox), good rows in, bad rows listed, every change recorded so the batch can be
//! undone: created records go to Trash, updated fields get their previous values back.

use super::plan::{build, Action, Index, Links, PlannedRow, Preview};
use super::table::RowError;
use super::values;
use crate::app::App;
use crate::domain::{Account, Contact, Entity, EntityKind, Id, Opportunity};
use crate::error::{Error, Result};
use crate::repo::{create_in, update_in};
use crate::settings::Settings;
use crate::store::{import as sql, query, write::WriteTx};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How far a commit has got (the wizard's progress bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What a commit did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub batch: Option<Id>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    /// Rows that did not import: read errors from the preview and rows refused on write.
    pub errors: Vec<FileError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileError {
    pub file: String,
    #[serde(flatten)]
    pub error: RowError,
}

/// A past import, as the history list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchInfo {
    pub id: Id,
    pub at: chrono::DateTime<chrono::Utc>,
    pub source: String,
    pub summary: Value,
    pub undone_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UndoReport {
    /// Records the import created, now in Trash.
    pub trashed: usize,
    /// Records whose changed fields got their previous values back.
    pub reverted: usize,
    /// Records the import sent to Trash (a cancelled meeting), now back.
    pub restored: usize,
}

/// Records what a calendar or contact-card import did, so it can be undone like a file import.
pub(crate) struct Recorder {
    batch: Id,
    seq: i64,
}

impl Recorder {
    pub fn new() -> Self {
        Recorder { batch: uuid::Uuid::now_v7(), seq: 0 }
    }

    pub fn change(&mut self, w: &WriteTx<'_>, kind: EntityKind, id: Id, action: &str, previous: Option<Map<String, Value>>) -> Result<()> {
        self.seq += 1;
        let prev = previous.map(|p| Value::Object(p).to_string());
        sql::insert_change(w.conn(), &self.batch, self.seq, kind, &id, action, prev.as_deref())
    }

    /// Saves the batch if it changed anything; returns its id.
    pub fn finish(self, w: &WriteTx<'_>, source: &str, summary: &Value) -> Result<Option<Id>> {
        if self.seq == 0 {
            return Ok(None);
        }
        sql::insert_batch(w.conn(), &self.batch, w.now().timestamp_millis(), source, &summary.to_string())?;
        Ok(Some(self.batch))
    }
}

/// The fields of a record that differ from `before`, with their `before` values.
pub(crate) fn previous_values<T: Entity>(w: &WriteTx<'_>, id: Id, before: &T) -> Result<Map<String, Value>> {
    let Some(after) = query::get::<T>(w.conn(), T::KIND, &id)? else { return Ok(Map::new()) };
    Ok(match (serde_json::to_value(before)?, serde_json::to_value(&after.data)?) {
        (Value::Object(b), Value::Object(a)) => b.into_iter().filter(|(k, v)| a.get(k) != Some(v)).collect(),
        _ => Map::new(),
    })
}

const PROGRESS_EVERY: usize = 1_000;

fn kind_order(k: EntityKind) -> u8 {
    match k {
        EntityKind::Account => 0,
        EntityKind::Contact => 1,
        _ => 2,
    }
}

/// Writes the preview's rows as their actions say, in one transaction.
pub fn commit(app: &App, preview: &Preview, progress: &mut dyn FnMut(Progress)) -> Result<ImportReport> {
    let settings = app.settings();
    let total = preview.files.iter().map(|f| f.rows.len()).sum();
    let source = preview.files.iter().map(|f| f.file.as_str()).collect::<Vec<_>>().join(", ");
    let mut files: Vec<_> = preview.files.iter().collect();
    files.sort_by_key(|f| kind_order(f.mapping.kind));
    let report = app.write(|w| {
        // Creates share outbox entries (one per run of records) and undo records ranges.
        w.bulk();
        let mut run = Run::new(w, &settings)?;
        let mut done = 0;
        for f in &files {
            for e in &f.errors {
                run.report.errors.push(FileError { file: f.file.clone(), error: e.clone() });
            }
            for row in &f.rows {
                run.row(w, f.mapping.kind, &f.file, row)?;
                done += 1;
                if done % PROGRESS_EVERY == 0 {
                    progress(Progress { done, total });
                }
            }
        }
        run.deferred_links(w)?;
        let report = run.finish(w, &source)?;
        progress(Progress { done: total, total });
        Ok(report)
    })?;
    Ok(report)
}

/// One commit in progress.
struct Run<'s> {
    settings: &'s Settings,
    index: Index,
    batch: Id,
    seq: i64,
    report: ImportReport,
    /// Links to records later in the import.
    deferred: Vec<Deferred>,
    /// Records this batch created (undo trashes them; their later link needs no record).
    created: std::collections::HashSet<Id>,
    /// The range of records being created (kind, first rowid, how many), recorded for undo
    /// when it ends: its batch seq, taken when it began.
    range: Option<(i64, EntityKind, i64, i64)>,
}

/// A link to a record that comes later in the import (a manager below their report).
struct Deferred {
    kind: EntityKind,
    id: Id,
    field: &'static str,
    target: String,
    file: String,
    line: usize,
}

impl<'s> Run<'s> {
    fn new(w: &WriteTx<'_>, settings: &'s Settings) -> Result<Self> {
        let mut index = Index::default();
        for k in [EntityKind::Account, EntityKind::Contact, EntityKind::Opportunity] {
            index.add(k, sql::known(w.conn(), k)?);
        }
        Ok(Run { settings, index, batch: uuid::Uuid::now_v7(), seq: 0, report: ImportReport::default(), deferred: Vec::new(), created: Default::default(), range: None })
    }

    fn resolve(&self, r: &str) -> Option<Id> {
        self.index.by_ref.get(r).map(|(_, id)| *id).filter(|id| !id.is_nil())
    }

    fn account_of(&self, links: &Links) -> Option<Id> {
        links
            .account_ref
            .as_deref()
            .and_then(|r| self.resolve(r))
            .or_else(|| links.account_name.as_deref().and_then(|n| self.index.account_name.get(&values::name_key(n))).map(|(id, _)| *id).filter(|id| !id.is_nil()))
    }

    fn row(&mut self, w: &mut WriteTx<'_>, kind: EntityKind, file: &str, row: &PlannedRow) -> Result<()> {
        let result = match row.action {
            Action::Skip => {
                self.report.skipped += 1;
                return Ok(());
            }
            Action::Unchanged | Action::Update => match &row.matched {
                Some(m) => self.update(w, kind, m.id, file, row),
                None => Err(Error::invalid("action", "there is no matching record to update")),
            },
            Action::Create => self.create(w, kind, file, row),
        };
        match result {
            Ok(()) => Ok(()),
            // The row is refused; the rest go on. Anything else (storage) aborts the whole batch.
            Err(e @ (Error::Invalid { .. } | Error::NotFound { .. })) => {
                self.report.errors.push(FileError { file: file.to_string(), error: RowError::new(row.line, e.field(), e.to_string()) });
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn links(&mut self, kind: EntityKind, row: &PlannedRow) -> Vec<(&'static str, Option<Id>)> {
        match kind {
            EntityKind::Account => vec![("parent_id", row.links.parent_ref.as_deref().and_then(|r| self.resolve(r)))],
            EntityKind::Contact => vec![
                ("account_id", self.account_of(&row.links)),
                ("reports_to", row.links.reports_to_ref.as_deref().and_then(|r| self.resolve(r))),
            ],
            _ => vec![("account_id", self.account_of(&row.links))],
        }
    }

    fn defer(&mut self, kind: EntityKind, id: Id, file: &str, row: &PlannedRow, links: &[(&'static str, Option<Id>)]) {
        for (field, resolved) in links {
            let r = match *field {
                "parent_id" => &row.links.parent_ref,
                "reports_to" => &row.links.reports_to_ref,
                _ => continue,
            };
            if let (None, Some(r)) = (resolved, r) {
                self.deferred.push(Deferred { kind, id, field, target: r.clone(), file: file.to_string(), line: row.line });
            }
        }
    }

    fn create(&mut self, w: &mut WriteTx<'_>, kind: EntityKind, file: &str, row: &PlannedRow) -> Result<()> {
        let links = self.links(kind, row);
        let id = match kind {
            EntityKind::Account => create_in(w, self.settings, build::<Account>(None, &row.fields, &links)?)?,
            EntityKind::Contact => create_in(w, self.settings, build::<Contact>(None, &row.fields, &links)?)?,
            EntityKind::Opportunity => create_in(w, self.settings, build::<Opportunity>(None, &row.fields, &links)?)?,
            _ => return Err(Error::invalid("kind", "cannot import this kind from a file")),
        };
        self.defer(kind, id, file, row, &links);
        self.remember(kind, id, row);
        self.created.insert(id);
        self.record_created(w, kind, w.last_rid())?;
        self.report.created += 1;
        Ok(())
    }

    /// Records a created record for undo: consecutive rowids of one kind make one range.
    fn record_created(&mut self, w: &WriteTx<'_>, kind: EntityKind, rid: i64) -> Result<()> {
        if let Some((_, k, from, n)) = &mut self.range {
            if *k == kind && *from + *n == rid {
                *n += 1;
                return Ok(());
            }
        }
        self.end_range(w)?;
        self.seq += 1;
        self.range = Some((self.seq, kind, rid, 1));
        Ok(())
    }

    fn end_range(&mut self, w: &WriteTx<'_>) -> Result<()> {
        match self.range.take() {
            Some((seq, kind, from, n)) => sql::insert_created(w.conn(), &self.batch, seq, kind, from, n),
            None => Ok(()),
        }
    }

    fn remember(&mut self, kind: EntityKind, id: Id, row: &PlannedRow) {
        if let Some(r) = &row.source_ref {
            self.index.by_ref.insert(r.clone(), (kind, id));
        }
        if kind == EntityKind::Account {
            if let Some(Value::String(n)) = row.fields.get("name") {
                self.index.account_name.entry(values::name_key(n)).or_insert((id, n.clone()));
            }
        }
    }

    fn update(&mut self, w: &mut WriteTx<'_>, kind: EntityKind, id: Id, file: &str, row: &PlannedRow) -> Result<()> {
        let links = self.links(kind, row);
        let changed = match kind {
            EntityKind::Account => self.update_as::<Account>(w, id, &row.fields, &links)?,
            EntityKind::Contact => self.update_as::<Contact>(w, id, &row.fields, &links)?,
            EntityKind::Opportunity => self.update_as::<Opportunity>(w, id, &row.fields, &links)?,
            _ => return Err(Error::invalid("kind", "cannot import this kind from a file")),
        };
        self.defer(kind, id, file, row, &links);
        self.remember(kind, id, row);
        match changed {
            Some(previous) => {
                self.record(w, kind, id, "updated", Some(&Value::Object(previous).to_string()))?;
                self.report.updated += 1;
            }
            None => self.report.unchanged += 1,
        }
        Ok(())
    }

    /// Updates a record with the row's fields; returns the previous values of what changed.
    fn update_as<T: Entity>(&mut self, w: &mut WriteTx<'_>, id: Id, fields: &Map<String, Value>, links: &[(&str, Option<Id>)]) -> Result<Option<Map<String, Value>>> {
        let current = query::get::<T>(w.conn(), T::KIND, &id)?.ok_or(Error::NotFound { what: T::KIND.name() })?;
        let before = serde_json::to_value(&current.data)?;
        // A link the file does not resolve keeps the record's current one.
        let links: Vec<(&str, Option<Id>)> = links.iter().filter(|(_, id)| id.is_some()).copied().collect();
        let next: T = build(Some(before.clone()), fields, &links)?;
        if !update_in(w, self.settings, id, next)? {
            return Ok(None);
        }
        let after = query::get::<T>(w.conn(), T::KIND, &id)?.ok_or(Error::NotFound { what: T::KIND.name() })?;
        let after = serde_json::to_value(&after.data)?;
        let previous = match (before, after) {
            (Value::Object(b), Value::Object(a)) => b.into_iter().filter(|(k, v)| a.get(k) != Some(v)).collect(),
            _ => Map::new(),
        };
        Ok(Some(previous))
    }

    fn record(&mut self, w: &WriteTx<'_>, kind: EntityKind, id: Id, action: &str, previous: Option<&str>) -> Result<()> {
        // Changes keep their order with the ranges of creates around them.
        self.end_range(w)?;
        self.seq += 1;
        sql::insert_change(w.conn(), &self.batch, self.seq, kind, &id, action, previous)
    }

    /// Links to records that came later in the import (a manager below their report).
    fn deferred_links(&mut self, w: &mut WriteTx<'_>) -> Result<()> {
        for d in std::mem::take(&mut self.deferred) {
            let Some(target) = self.resolve(&d.target) else { continue };
            let mut fields = Map::new();
            fields.insert(d.field.into(), Value::String(target.to_string()));
            let res = match d.kind {
                EntityKind::Account => self.update_as::<Account>(w, d.id, &fields, &[]),
                EntityKind::Contact => self.update_as::<Contact>(w, d.id, &fields, &[]),
                _ => continue,
            };
            match res {
                // A record this batch created needs no previous value: undo trashes it.
                Ok(Some(previous)) if !self.created.contains(&d.id) => {
                    self.record(w, d.kind, d.id, "updated", Some(&Value::Object(previous).to_string()))?;
                }
                Ok(_) => {}
                Err(e @ Error::Invalid { .. }) => self.report.errors.push(FileError { file: d.file, error: RowError::new(d.line, e.field(), e.to_string()) }),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn finish(mut self, w: &WriteTx<'_>, source: &str) -> Result<ImportReport> {
        self.end_range(w)?;
        let summary = serde_json::json!({
            "created": self.report.created,
            "updated": self.report.updated,
            "unchanged": self.report.unchanged,
            "skipped": self.report.skipped,
            "errors": self.report.errors.len(),
        });
        if self.seq > 0 {
            sql::insert_batch(w.conn(), &self.batch, w.now().timestamp_millis(), source, &summary.to_string())?;
            self.report.batch = Some(self.batch);
        }
        Ok(self.report)
    }
}

/// Undoes an import batch: what it created goes to Trash, what it changed gets its previous
/// values back (a field edited since keeps the newer edit only if the import did not touch it).
pub fn undo(app: &App, batch: Id) -> Result<UndoReport> {
    let settings = app.settings();
    app.write(|w| {
        match sql::batch_undone_at(w.conn(), &batch)? {
            None => return Err(Error::NotFound { what: "import batch" }),
            Some(Some(_)) => return Err(Error::Conflict("this import was already undone".into())),
            Some(None) => {}
        }
        let mut out = UndoReport::default();
        for (kind, id, action, previous) in sql::changes(w.conn(), &batch)? {
            if action == "created" {
                if w.set_deleted(kind, id, true)? {
                    out.trashed += 1;
                }
                continue;
            }
            if action == "trashed" {
                if w.set_deleted(kind, id, false)? {
                    out.restored += 1;
                }
                continue;
            }
            let Some(Value::Object(prev)) = previous.as_deref().map(serde_json::from_str).transpose()? else { continue };
            let reverted = match kind {
                EntityKind::Account => revert::<Account>(w, &settings, id, &prev)?,
                EntityKind::Contact => revert::<Contact>(w, &settings, id, &prev)?,
                EntityKind::Opportunity => revert::<Opportunity>(w, &settings, id, &prev)?,
                EntityKind::Meeting => revert::<crate::domain::Meeting>(w, &settings, id, &prev)?,
                _ => false,
            };
            out.reverted += reverted as usize;
        }
        sql::mark_undone(w.conn(), &batch, w.now().timestamp_millis())?;
        Ok(out)
    })
}

fn revert<T: Entity>(w: &mut WriteTx<'_>, settings: &Settings, id: Id, prev: &Map<String, Value>) -> Result<bool> {
    let Some(current) = query::get::<T>(w.conn(), T::KIND, &id)? else { return Ok(false) };
    let data: T = build(Some(serde_json::to_value(&current.data)?), prev, &[])?;
    update_in(w, settings, id, data)
}

pub fn batches(app: &App) -> Result<Vec<BatchInfo>> {
    let rows = app.store().read(sql::batches)?;
    Ok(rows
        .into_iter()
        .map(|(id, at, source, summary, undone)| BatchInfo {
            id,
            at: crate::store::codec::millis_to_utc(at),
            source,
            summary: serde_json::from_str(&summary).unwrap_or(Value::Null),
            undone_at: undone.map(crate::store::codec::millis_to_utc),
        })
        .collect())
}
