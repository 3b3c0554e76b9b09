//! What the sync engine reads and keeps in the book: conflicts (fields with several heads),
//! Trash with its "edited after delete" mark, per-space cursors, the acknowledged outbox seq.

use super::{meta_get, meta_set};
use crate::domain::{EntityKind, Id};
use crate::error::{Error, Result};
use crate::sync::protocol::VersionVector;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;
use uuid::Uuid;

/// One stored head of a field with several, with its device's id.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadRow {
    pub kind: EntityKind,
    pub row: Id,
    pub field: String,
    pub hlc: i64,
    pub device: Uuid,
    pub value: Value,
}

fn uuid(s: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| Error::Storage(format!("{what}: {e}")))
}

/// Every stored head, grouped by record and field (highest clock first within a field).
pub fn all_heads(conn: &Connection) -> Result<Vec<HeadRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.tbl, h.row_id, h.field, h.hlc, d.id, h.value FROM field_heads h JOIN devices d ON d.idx = h.dev
         ORDER BY h.tbl, h.row_id, h.field, h.hlc DESC, d.id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (tbl, row, field, hlc, dev, value) = r?;
        let Some(kind) = EntityKind::from_name(&tbl) else { continue };
        out.push(HeadRow { kind, row: uuid(&row, "record id")?, field, hlc, device: uuid(&dev, "device id")?, value: serde_json::from_str(&value)? });
    }
    Ok(out)
}

/// The SQL expression that names a record of `kind` for people.
fn label_expr(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Contact => "trim(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))",
        EntityKind::Note => "coalesce(nullif(title, ''), substr(body, 1, 80))",
        EntityKind::Meeting | EntityKind::Task | EntityKind::Reminder => "title",
        EntityKind::Objection => "statement",
        EntityKind::Gift => "description",
        EntityKind::Holding => "(SELECT name FROM products p WHERE p.id = holdings.product_id)",
        _ => "name",
    }
}

/// A short name for a record (an account's name, a contact's full name, a note's title...).
pub fn label(conn: &Connection, kind: EntityKind, row: &Id) -> Result<String> {
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", label_expr(kind), kind.table());
    let v: Option<Option<String>> = conn.prepare_cached(&sql)?.query_row([row.to_string()], |r| r.get(0)).optional()?;
    Ok(v.flatten().unwrap_or_default())
}

/// A record in Trash.
#[derive(Debug, Clone, PartialEq)]
pub struct TrashRow {
    pub kind: EntityKind,
    pub id: Id,
    pub label: String,
    /// When it was deleted (ms since the epoch), from the deleting op's clock.
    pub deleted_at: i64,
    /// Changed by an op later than the delete (made without seeing it): nothing was lost, but
    /// someone was still working on it.
    pub edited_after_delete: bool,
}

/// What is in Trash, most recently deleted first.
pub fn trash(conn: &Connection, limit: usize) -> Result<Vec<TrashRow>> {
    let mut out = Vec::new();
    for kind in EntityKind::ALL {
        let sql = format!(
            "SELECT t.id, {label}, t.updated_at, rc.hlc FROM {table} t LEFT JOIN row_cl rc ON rc.tbl = ?1 AND rc.row_id = t.id
             WHERE t.cl % 2 = 0 ORDER BY coalesce(rc.hlc, 0) DESC LIMIT ?2",
            label = label_expr(kind).replace("holdings.", "t."),
            table = kind.table()
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params![kind.name(), limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<i64>>(3)?))
        })?;
        for r in rows {
            let (id, label, updated_at, del_hlc) = r?;
            let deleted_at = del_hlc.map(|h| crate::hlc::Hlc::from_i64(h).millis() as i64).unwrap_or(updated_at);
            out.push(TrashRow { kind, id: uuid(&id, "record id")?, label: label.unwrap_or_default(), deleted_at, edited_after_delete: updated_at > deleted_at });
        }
    }
    out.sort_by(|a, b| b.deleted_at.cmp(&a.deleted_at).then(a.id.cmp(&b.id)));
    out.truncate(limit);
    Ok(out)
}

/// A space this book syncs, with where pulling resumes.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceRow {
    pub space: Uuid,
    pub name: String,
    pub kind: String,
    pub cursor: VersionVector,
    pub snapshot_done: bool,
}

pub fn spaces(conn: &Connection) -> Result<Vec<SpaceRow>> {
    let mut stmt = conn.prepare_cached("SELECT space, name, kind, cursor, snapshot_done FROM sync_spaces ORDER BY space")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, bool>(4)?))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (space, name, kind, cursor, snapshot_done) = r?;
        out.push(SpaceRow { space: uuid(&space, "space id")?, name, kind, cursor: serde_json::from_str(&cursor)?, snapshot_done });
    }
    Ok(out)
}

/// Adds a space to sync (or renames it), keeping its cursor.
pub fn upsert_space(conn: &Connection, space: Uuid, name: &str, kind: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_spaces (space, name, kind) VALUES (?1, ?2, ?3)
         ON CONFLICT (space) DO UPDATE SET name = excluded.name, kind = excluded.kind",
    )?
    .execute(rusqlite::params![space.to_string(), name, kind])?;
    Ok(())
}

/// Moves a space's cursor (adding the space if it is new).
pub fn set_cursor(conn: &Connection, space: Uuid, cursor: &VersionVector) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_spaces (space, cursor) VALUES (?1, ?2) ON CONFLICT (space) DO UPDATE SET cursor = excluded.cursor",
    )?
    .execute(rusqlite::params![space.to_string(), serde_json::to_string(cursor)?])?;
    Ok(())
}

/// Notes that a space's snapshot has been applied (a new device pulls ops from then on).
pub fn set_snapshot_done(conn: &Connection, space: Uuid) -> Result<()> {
    conn.prepare_cached("UPDATE sync_spaces SET snapshot_done = 1 WHERE space = ?1")?.execute([space.to_string()])?;
    Ok(())
}

/// Stops syncing a space this device may no longer use (its records stay in the book).
pub fn remove_space(conn: &Connection, space: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM sync_spaces WHERE space = ?1")?.execute([space.to_string()])?;
    Ok(())
}

pub fn cursor(conn: &Connection, space: Uuid) -> Result<VersionVector> {
    let v: Option<String> = conn
        .prepare_cached("SELECT cursor FROM sync_spaces WHERE space = ?1")?
        .query_row([space.to_string()], |r| r.get(0))
        .optional()?;
    Ok(match v {
        Some(s) => serde_json::from_str(&s)?,
        None => VersionVector::default(),
    })
}

/// Forgets every space and cursor (signing out): the next sign-in starts over, safely, since
/// applying ops twice changes nothing.
pub fn forget_spaces(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM sync_spaces", [])?;
    Ok(())
}

/// The highest outbox seq the server has acknowledged (0: none).
pub fn acked_seq(conn: &Connection) -> Result<u64> {
    Ok(meta_get(conn, "acked_seq")?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

pub fn set_acked_seq(conn: &Connection, seq: u64) -> Result<()> {
    meta_set(conn, "acked_seq", &seq.to_string())
}

/// How many local changes wait to be pushed.
pub fn waiting(conn: &Connection) -> Result<u64> {
    let acked = acked_seq(conn)?;
    super::write::count_after(conn, acked)
}

/// A string kept in the book's meta table (sync settings that are not secrets).
pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    meta_get(conn, key)
}

pub fn set_meta(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => meta_set(conn, key, v),
        None => {
            conn.execute("DELETE FROM meta WHERE key = ?1", [key])?;
            Ok(())
        }
    }
}

/// The records that travel with an account when it moves to another space: its contacts,
/// notes, meetings, opportunities, contracts, holdings, tasks, objections, and the gifts to its
/// contacts (Trash included).
pub fn records_of_account(conn: &Connection, account: &Id) -> Result<Vec<(EntityKind, Id)>> {
    let a = account.to_string();
    let mut out = vec![(EntityKind::Account, *account)];
    let by_account = [
        EntityKind::Contact,
        EntityKind::Note,
        EntityKind::Meeting,
        EntityKind::Opportunity,
        EntityKind::Contract,
        EntityKind::Holding,
        EntityKind::Task,
        EntityKind::Objection,
    ];
    for kind in by_account {
        let sql = format!("SELECT id FROM {} WHERE account_id = ?1 ORDER BY id", kind.table());
        let ids: Vec<String> = conn.prepare_cached(&sql)?.query_map([&a], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for id in ids {
            out.push((kind, uuid(&id, "record id")?));
        }
    }
    let gifts: Vec<String> = conn
        .prepare_cached("SELECT g.id FROM gifts g JOIN contacts c ON c.id = g.recipient_id WHERE c.account_id = ?1 ORDER BY g.id")?
        .query_map([&a], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in gifts {
        out.push((EntityKind::Gift, uuid(&id, "record id")?));
    }
    Ok(out)
}

/// Whether this book syncs a team space with this id.
pub fn is_team_space(conn: &Connection, space: Uuid) -> Result<bool> {
    let v: Option<String> =
        conn.prepare_cached("SELECT kind FROM sync_spaces WHERE space = ?1")?.query_row([space.to_string()], |r| r.get(0)).optional()?;
    Ok(v.as_deref() == Some("team"))
}
