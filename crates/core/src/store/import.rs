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

/// Records that a batch created the records `rid_from .. rid_from + n - 1` of a kind.
pub fn insert_created(conn: &Connection, batch: &Id, seq: i64, kind: EntityKind, rid_from: i64, n: i64) -> Result<()> {
    conn.prepare_cached("INSERT INTO import_created (batch_id, seq, kind, rid_from, n) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(rusqlite::params![batch.to_string(), seq, kind.name(), rid_from, n])?;
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

/// A batch's changes, last first (the order undo walks them): those recorded one by one and,
/// for the records it created as ranges, one `created` change per record (last first).
pub fn changes(conn: &Connection, batch: &Id) -> Result<Vec<ChangeRow>> {
    let mut stmt = conn.prepare(
        "SELECT seq, kind, record_id, action, previous, NULL, NULL FROM import_changes WHERE batch_id = ?1
         UNION ALL
         SELECT seq, kind, NULL, 'created', NULL, rid_from, n FROM import_created WHERE batch_id = ?1
         ORDER BY 1 DESC",
    )?;
    type Raw = (String, Option<String>, String, Option<String>, Option<i64>, Option<i64>);
    let rows = stmt.query_map([batch.to_string()], |r| Ok::<Raw, _>((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, id, action, prev, rid_from, n) = row?;
        let kind = EntityKind::from_name(&kind).ok_or_else(|| Error::Storage(format!("import change of unknown kind {kind}")))?;
        match (id, rid_from, n) {
            (Some(id), _, _) => out.push((kind, Id::parse_str(&id).map_err(|e| Error::Storage(format!("record id: {e}")))?, action, prev)),
            (None, Some(from), Some(n)) => {
                let ids = ids_in_range(conn, kind, from, n)?;
                out.extend(ids.into_iter().rev().map(|id| (kind, id, "created".to_string(), None)));
            }
            _ => return Err(Error::Storage("an import change names no record".into())),
        }
    }
    Ok(out)
}

/// The ids of the records `rid_from .. rid_from + n - 1` of a kind, in rowid order.
fn ids_in_range(conn: &Connection, kind: EntityKind, rid_from: i64, n: i64) -> Result<Vec<Id>> {
    let sql = format!("SELECT id FROM {} WHERE rid >= ?1 AND rid < ?2 ORDER BY rid", kind.table());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([rid_from, rid_from + n], |r| r.get::<_, String>(0))?;
    let mut out = Vec::with_capacity(n.max(0) as usize);
    for id in rows {
        out.push(Id::parse_str(&id?).map_err(|e| Error::Storage(format!("record id: {e}")))?);
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
