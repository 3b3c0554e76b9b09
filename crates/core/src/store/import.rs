//! The SQL of imports: what the book already holds (for dedupe and relations), the record
//! of each import batch (for undo), and saved column mappings.

use crate::domain::{EntityKind, Id};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

/// A record as dedupe sees it.
#[derive(Debug, Clone)]
pub struct Known {
    pub id: Id,
    pub source_ref: Option<String>,
    /// Email (contacts) or domain (accounts).
    pub key: Option<String>,
    /// Account name; contact full name; opportunity name.
    pub name: String,
}

/// Every alive account, contact or opportunity with the fields dedupe compares.
pub fn known(conn: &Connection, kind: EntityKind) -> Result<Vec<Known>> {
    let sql = match kind {
        EntityKind::Account => "SELECT id, source_ref, domain, name FROM accounts WHERE cl % 2 = 1",
        EntityKind::Contact => "SELECT id, source_ref, email, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) FROM contacts WHERE cl % 2 = 1",
        EntityKind::Opportunity => "SELECT id, source_ref, NULL, name FROM opportunities WHERE cl % 2 = 1",
        EntityKind::Meeting => "SELECT id, source_ref, NULL, title FROM meetings WHERE cl % 2 = 1",
        other => return Err(Error::invalid("kind", format!("{} records are not imported from files", other.name()))),
    };
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, Option<String>>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, source_ref, key, name) = row?;
        let id = Id::parse_str(&id).map_err(|e| Error::Storage(format!("record id: {e}")))?;
        out.push(Known { id, source_ref, key, name: name.unwrap_or_default() });
    }
    Ok(out)
}

pub fn insert_batch(conn: &Connection, id: &Id, created_at: i64, source: &str, summary: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO import_batches (id, created_at, source, summary) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![id.to_string(), created_at, source, summary],
    )?;
    Ok(())
}

pub fn insert_change(conn: &Connection, batch: &Id, seq: i64, kind: EntityKind, record: &Id, action: &str, previous: Option<&str>) -> Result<()> {
    conn.prepare_cached("INSERT INTO import_changes (batch_id, seq, kind, record_id, action, previous) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(rusqlite::params![batch.to_string(), seq, kind.name(), record.to_string(), action, previous])?;
    Ok(())
}

/// A stored batch: id, when, source, summary JSON, undone when.
pub type BatchRow = (Id, i64, String, String, Option<i64>);

pub fn batches(conn: &Connection) -> Result<Vec<BatchRow>> {
    let mut stmt = conn.prepare("SELECT id, created_at, source, summary, undone_at FROM import_batches ORDER BY created_at DESC, id DESC")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, source, summary, undone) = row?;
        out.push((Id::parse_str(&id).map_err(|e| Error::Storage(format!("batch id: {e}")))?, at, source, summary, undone));
    }
    Ok(out)
}

pub fn batch_undone_at(conn: &Connection, batch: &Id) -> Result<Option<Option<i64>>> {
    Ok(conn
        .query_row("SELECT undone_at FROM import_batches WHERE id = ?1", [batch.to_string()], |r| r.get::<_, Option<i64>>(0))
        .optional()?)
}

/// One recorded change: kind, record, `created`/`updated`, previous values (JSON).
pub type ChangeRow = (EntityKind, Id, String, Option<String>);

/// A batch's changes, last first (the order undo walks them).
pub fn changes(conn: &Connection, batch: &Id) -> Result<Vec<ChangeRow>> {
    let mut stmt = conn.prepare("SELECT kind, record_id, action, previous FROM import_changes WHERE batch_id = ?1 ORDER BY seq DESC")?;
    let rows = stmt.query_map([batch.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, id, action, prev) = row?;
        let kind = EntityKind::from_name(&kind).ok_or_else(|| Error::Storage(format!("import change of unknown kind {kind}")))?;
        out.push((kind, Id::parse_str(&id).map_err(|e| Error::Storage(format!("record id: {e}")))?, action, prev));
    }
    Ok(out)
}

pub fn mark_undone(conn: &Connection, batch: &Id, at: i64) -> Result<()> {
    conn.execute("UPDATE import_batches SET undone_at = ?2 WHERE id = ?1", rusqlite::params![batch.to_string(), at])?;
    Ok(())
}

pub fn save_mapping(conn: &Connection, name: &str, json: &str, at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO import_mappings (name, mapping, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        rusqlite::params![name, json, at],
    )?;
    Ok(())
}

pub fn mappings(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, mapping FROM import_mappings ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest SEQUENCE imported for a calendar UID.
pub fn ics_sequence(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT sequence FROM ics_events WHERE uid = ?1", [uid], |r| r.get(0)).optional()?)
}

pub fn set_ics_sequence(conn: &Connection, uid: &str, sequence: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO ics_events (uid, sequence) VALUES (?1, ?2) ON CONFLICT (uid) DO UPDATE SET sequence = max(sequence, excluded.sequence)",
        rusqlite::params![uid, sequence],
    )?;
    Ok(())
}
