//! Bringing the book in and taking it out.
//!
//! Import is three steps a wizard drives, each a plain call with serde types:
//! 1. [`Imports::read`] turns a file (CSV in any dialect, or .xlsx) into a [`Table`];
//! 2. [`Imports::recognise`] proposes a [`Mapping`] (Salesforce, HubSpot, a saved mapping, or a
//!    guess the user corrects), and [`Imports::preview`] plans every row without writing:
//!    create, update (with the match and its reason), skip, unchanged, or an error with its line;
//! 3. [`Imports::commit`] writes the plan in one transaction through the write path, reporting
//!    progress; [`Imports::undo`] takes a batch back.
//!
//! Calendar invites ([`ics`]) and contact cards ([`vcard`]) import directly; [`export`] writes
//! lists, the gift ledger and briefs; [`archive`] moves a whole book losslessly.

pub mod archive;
pub mod commit;
pub mod contentline;
pub mod export;
pub mod plan;
pub mod ics;
pub mod read_csv;
pub mod read_xlsx;
pub mod rrule;
pub mod sheet;
pub mod source;
pub mod table;
pub mod values;
pub mod vcard;

pub use commit::{BatchInfo, ImportReport, Progress, UndoReport};
pub use plan::{Action, Counts, FilePreview, Match, MatchReason, PlannedRow, Preview};
pub use source::{ColumnMap, Mapping, System, Target};
pub use table::{Row, RowError, Table};

use crate::app::App;
use crate::domain::{Account, Contact, EntityKind, Id, Opportunity};
use crate::error::{Error, Result};
use crate::store::{import as sql, query};
use serde_json::Value;

/// The import facade (`app.imports()`).
pub struct Imports<'a> {
    app: &'a App,
}

impl<'a> Imports<'a> {
    pub fn new(app: &'a App) -> Self {
        Imports { app }
    }

    /// Reads a CSV or .xlsx file (told apart by its bytes, not its name).
    pub fn read(&self, name: &str, bytes: &[u8]) -> Result<Table> {
        if bytes.starts_with(b"PK\x03\x04") {
            read_xlsx::read_xlsx(name, bytes)
        } else {
            read_csv::read_csv(name, bytes)
        }
    }

    /// Proposes how to read a table: a saved mapping whose columns are exactly this file's,
    /// else a recognised export, else a guess from headers and cells.
    pub fn recognise(&self, table: &Table) -> Result<Mapping> {
        let headers: std::collections::BTreeSet<String> = table.headers.iter().map(|h| table::loose(h)).collect();
        for m in self.mappings()? {
            let cols: std::collections::BTreeSet<String> = m.columns.iter().map(|c| table::loose(&c.column)).collect();
            if cols == headers {
                return Ok(m);
            }
        }
        Ok(source::recognise(table))
    }

    /// Plans the import of one or more files (an Account, a Contact and an Opportunity export
    /// together resolve their ids across files). Writes nothing.
    pub fn preview(&self, files: &[(Table, Mapping)]) -> Result<Preview> {
        let settings = self.app.settings();
        let mut index = plan::Index::default();
        for k in [EntityKind::Account, EntityKind::Contact, EntityKind::Opportunity] {
            index.add(k, self.app.store().read(|c| sql::known(c, k))?);
        }
        let app = self.app;
        let book = move |kind: EntityKind, id: Id| -> Result<Option<Value>> {
            app.store().read(|c| {
                Ok(match kind {
                    EntityKind::Account => query::get::<Account>(c, kind, &id)?.map(|r| serde_json::to_value(r.data)).transpose()?,
                    EntityKind::Contact => query::get::<Contact>(c, kind, &id)?.map(|r| serde_json::to_value(r.data)).transpose()?,
                    EntityKind::Opportunity => query::get::<Opportunity>(c, kind, &id)?.map(|r| serde_json::to_value(r.data)).transpose()?,
                    _ => None,
                })
            })
        };
        let mut order: Vec<&(Table, Mapping)> = files.iter().collect();
        order.sort_by_key(|(_, m)| match m.kind {
            EntityKind::Account => 0,
            EntityKind::Contact => 1,
            _ => 2,
        });
        let mut out = Vec::new();
        for (t, m) in order {
            out.push(plan::plan_file(t, m, &settings, &mut index, &book)?);
        }
        Ok(Preview { files: out })
    }

    /// Writes a preview (with the user's choices) in one transaction; `progress` is called as
    /// rows are written.
    pub fn commit(&self, preview: &Preview, progress: &mut dyn FnMut(Progress)) -> Result<ImportReport> {
        commit::commit(self.app, preview, progress)
    }

    pub fn undo(&self, batch: Id) -> Result<UndoReport> {
        commit::undo(self.app, batch)
    }

    /// Past imports, newest first.
    pub fn batches(&self) -> Result<Vec<BatchInfo>> {
        commit::batches(self.app)
    }

    /// Saves a mapping under a name; a later file with the same columns gets it back.
    pub fn save_mapping(&self, name: &str, mapping: &Mapping) -> Result<Mapping> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "a saved mapping needs a name"));
        }
        crate::domain::validate::max_len("name", name, 100)?;
        let m = Mapping { name: Some(name.to_string()), ..mapping.clone() };
        let json = serde_json::to_string(&m)?;
        let at = self.app.now().timestamp_millis();
        self.app.write(|w| sql::save_mapping(w.conn(), name, &json, at))?;
        Ok(m)
    }

    /// Imports calendar invites (.ics) as meetings, in one transaction.
    pub fn ics(&self, bytes: &[u8]) -> Result<ics::IcsReport> {
        ics::import(self.app, bytes)
    }

    /// Imports contact cards (.vcf, vCard 3.0 and 4.0) as contacts, in one transaction.
    pub fn vcard(&self, bytes: &[u8]) -> Result<vcard::VcardReport> {
        vcard::import(self.app, bytes)
    }

    /// Restores a portable archive (see [`archive`]) into this book, in one transaction.
    pub fn archive(&self, dir: &std::path::Path) -> Result<archive::Manifest> {
        archive::restore(self.app, dir)
    }

    pub fn mappings(&self) -> Result<Vec<Mapping>> {
        let rows = self.app.store().read(sql::mappings)?;
        Ok(rows.into_iter().filter_map(|(_, json)| serde_json::from_str(&json).ok()).collect())
    }
}
