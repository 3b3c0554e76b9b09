//! Conflicts the user may settle, what waits to sync, and Trash: the sync engine's views.

use crate::app::App;
use crate::domain::{EntityKind, FieldTy, Id};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::store::sync_state::{self, HeadRow};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// One version of a field: its value, the device that wrote it and when.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub value: Value,
    pub device: Uuid,
    /// When it was written (ms since the epoch, from its clock).
    pub at: i64,
    /// Written on this laptop.
    pub this_device: bool,
}

/// A field two devices changed without seeing each other's change: the value kept ("mine",
/// the later write) and a concurrent one that lost ("theirs"). Text never conflicts (it
/// merges) and lists take the union of both; this is for the other fields.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// Names this conflict for [`App::resolve_conflict`].
    pub id: String,
    pub table: EntityKind,
    pub row: Id,
    /// The record's name for people (an account's name, a contact's full name...).
    pub label: String,
    pub field: String,
    pub mine: Version,
    pub theirs: Version,
}

/// How to settle a conflict.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// Keep the value shown now.
    Mine,
    /// Take the other version.
    Theirs,
    /// Keep both (text fields: the two joined on separate lines).
    Both,
}

/// One field waiting to be pushed (the "Pending Changes" page, per field).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingChange {
    pub seq: u64,
    pub table: EntityKind,
    pub row: Id,
    pub label: String,
    /// A field name, or `deleted` / `restored` for a move to or from Trash.
    pub field: String,
    /// The value written (text fields: their text now).
    pub value: Value,
    /// When the change was made (ms since the epoch).
    pub at: i64,
}

/// A record in Trash.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrashItem {
    pub kind: EntityKind,
    pub id: Id,
    pub label: String,
    pub deleted_at: i64,
    pub edited_after_delete: bool,
}

fn conflict_id(h: &HeadRow) -> String {
    format!("{}:{}:{}:{}:{}", h.kind.name(), h.row, h.field, h.hlc, h.device)
}

fn version(app: &App, h: &HeadRow) -> Version {
    Version {
        value: h.value.clone(),
        device: h.device,
        at: Hlc::from_i64(h.hlc).millis() as i64,
        this_device: h.device == app.store().device().device,
    }
}

fn is_list(kind: EntityKind, field: &str) -> bool {
    kind.field(field).is_some_and(|f| f.ty == FieldTy::Json)
}

impl App {
    /// Fields with concurrent versions whose values differ, one entry per losing version.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let heads = self.store().read(sync_state::all_heads)?;
        let mut out = Vec::new();
        let mut i = 0;
        while i < heads.len() {
            let winner = &heads[i];
            let mut j = i + 1;
            while j < heads.len() && heads[j].kind == winner.kind && heads[j].row == winner.row && heads[j].field == winner.field {
                j += 1;
            }
            if !is_list(winner.kind, &winner.field) {
                let label = self.store().read(|c| sync_state::label(c, winner.kind, &winner.row))?;
                for loser in heads[i + 1..j].iter().filter(|l| l.value != winner.value) {
                    out.push(Conflict {
                        id: conflict_id(loser),
                        table: winner.kind,
                        row: winner.row,
                        label: label.clone(),
                        field: winner.field.clone(),
                        mine: version(self, winner),
                        theirs: version(self, loser),
                    });
                }
            }
            i = j;
        }
        Ok(out)
    }

    /// Settles a conflict: writes the picked value, overwriting every concurrent version of the
    /// field, so it is settled on every device once the change syncs.
    pub fn resolve_conflict(&self, id: &str, pick: Pick) -> Result<()> {
        let c = self
            .conflicts()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::NotFound { what: "conflict" })?;
        let value = match pick {
            Pick::Mine => c.mine.value,
            Pick::Theirs => c.theirs.value,
            Pick::Both => match (&c.mine.value, &c.theirs.value) {
                (Value::String(a), Value::String(b)) if c.table.field(&c.field).is_some_and(|f| f.ty == FieldTy::Text) => {
                    Value::String(format!("{a}\n{b}"))
                }
                _ => return Err(Error::invalid("pick", "only text can keep both versions; pick one")),
            },
        };
        let mut fields = Map::new();
        fields.insert(c.field.clone(), value);
        self.write(|w| w.update(c.table, c.row, &fields).map(|_| ()))
    }

    /// Local changes the server has not acknowledged yet, one entry per field, oldest first.
    pub fn pending_changes(&self, limit: usize) -> Result<Vec<PendingChange>> {
        let acked = self.store().read(sync_state::acked_seq)?;
        let ops = self.outbox(acked, limit)?;
        let mut out = Vec::new();
        for op in ops {
            let Some(kind) = EntityKind::from_name(&op.table) else { continue };
            let label = self.store().read(|c| sync_state::label(c, kind, &op.row))?;
            let at = op.hlc.millis() as i64;
            let mut push = |field: String, value: Value| {
                out.push(PendingChange { seq: op.seq, table: kind, row: op.row, label: label.clone(), field, value, at })
            };
            match op.cl {
                Some(cl) if cl % 2 == 0 => push("deleted".into(), Value::Bool(true)),
                Some(cl) if cl > 1 => push("restored".into(), Value::Bool(true)),
                _ => {}
            }
            for (f, v) in &op.set {
                if f != "created_at" {
                    push(f.clone(), v.clone());
                }
            }
            if !op.text.is_empty() {
                let record = self.store().read(|c| crate::store::query::get::<Value>(c, kind, &op.row))?;
                for f in op.text.keys() {
                    let now = record.as_ref().and_then(|r| r.data.get(f)).cloned().unwrap_or(Value::Null);
                    push(f.clone(), now);
                }
            }
        }
        Ok(out)
    }

    /// Remembers a team space this book syncs (made or joined on the server).
    pub fn remember_team_space(&self, space: uuid::Uuid, name: &str) -> Result<()> {
        self.write(|w| sync_state::upsert_space(w.conn(), space, name, "team"))
    }

    /// Hands an account to a team (an AE passing a won account to its account manager): the
    /// account and its contacts, notes, meetings, opportunities, contracts, holdings, tasks,
    /// objections and gifts move into the team space, in one transaction. Works offline; the
    /// members see it once this laptop syncs. Returns how many records moved.
    pub fn move_account_to_space(&self, account: Id, space: uuid::Uuid) -> Result<usize> {
        self.write(|w| {
            if !sync_state::is_team_space(w.conn(), space)? {
                return Err(Error::invalid("space", "choose a team space this book syncs with"));
            }
            if !crate::store::query::exists(w.conn(), EntityKind::Account, &account)? {
                return Err(Error::NotFound { what: "account" });
            }
            let mut moved = 0;
            for (kind, id) in sync_state::records_of_account(w.conn(), &account)? {
                if w.move_to_space(kind, id, space)? {
                    moved += 1;
                }
            }
            Ok(moved)
        })
    }

    /// How many local changes wait to be pushed.
    pub fn waiting_changes(&self) -> Result<u64> {
        self.store().read(sync_state::waiting)
    }

    /// What is in Trash, most recently deleted first, marked when edited after the delete.
    pub fn trash(&self, limit: usize) -> Result<Vec<TrashItem>> {
        let rows = self.store().read(|c| sync_state::trash(c, limit))?;
        Ok(rows
            .into_iter()
            .map(|r| TrashItem { kind: r.kind, id: r.id, label: r.label, deleted_at: r.deleted_at, edited_after_delete: r.edited_after_delete })
            .collect())
    }
}
