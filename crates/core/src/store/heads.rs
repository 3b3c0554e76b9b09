//! The concurrent versions ("heads") of a field, for conflict detection (SYNC.md "Merge rules").
//!
//! A field's heads are the writes of it that nobody has overwritten having seen them: an op
//! names, in `prev` (and `also_prev`), the versions it overwrote. Usually a field has one head,
//! kept in the row itself (its value and clock); only while it has several are they all kept
//! here, the highest `(hlc, device)` being the value shown and the others the conflicts.
//!
//! The set of heads depends only on which ops have arrived, never on their order: a version
//! arriving after an op that overwrote it is recognised by `field_superseded` and never becomes
//! a head. That is what makes conflicts exact when ops from several devices arrive out of
//! causal order (a replica may pull Y's edit before the write of X's that Y had seen).

use crate::domain::EntityKind;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

/// One version of a field: its clock (hlc, local device index) and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub hlc: i64,
    pub dev: i64,
    pub value: Value,
}

/// Whether any field of this record has more than one head.
pub fn row_has_heads(conn: &Connection, kind: EntityKind, row: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM field_heads WHERE tbl = ?1 AND row_id = ?2 LIMIT 1")?;
    Ok(stmt.query_row(rusqlite::params![kind.name(), row], |_| Ok(())).optional()?.is_some())
}

/// The stored heads of a field (empty: it has one head, the row's own value).
pub fn load(conn: &Connection, kind: EntityKind, row: &str, field: &str) -> Result<Vec<Head>> {
    let mut stmt = conn.prepare_cached("SELECT hlc, dev, value FROM field_heads WHERE tbl = ?1 AND row_id = ?2 AND field = ?3")?;
    let rows = stmt.query_map(rusqlite::params![kind.name(), row, field], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (hlc, dev, value) = r?;
        out.push(Head { hlc, dev, value: serde_json::from_str(&value)? });
    }
    Ok(out)
}

/// Replaces a field's stored heads: kept only when there are several.
pub fn save(conn: &Connection, kind: EntityKind, row: &str, field: &str, heads: &[Head]) -> Result<()> {
    conn.prepare_cached("DELETE FROM field_heads WHERE tbl = ?1 AND row_id = ?2 AND field = ?3")?
        .execute(rusqlite::params![kind.name(), row, field])?;
    if heads.len() > 1 {
        let mut ins = conn.prepare_cached("INSERT OR REPLACE INTO field_heads (tbl, row_id, field, hlc, dev, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
        for h in heads {
            ins.execute(rusqlite::params![kind.name(), row, field, h.hlc, h.dev, h.value.to_string()])?;
        }
    }
    Ok(())
}

/// Notes that the version of `field` written at `hlc` was overwritten by someone who saw it.
pub fn mark_superseded(conn: &Connection, kind: EntityKind, row: &str, field: &str, hlc: i64) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO field_superseded (tbl, row_id, field, hlc) VALUES (?1, ?2, ?3, ?4)")?
        .execute(rusqlite::params![kind.name(), row, field, hlc])?;
    Ok(())
}

pub fn is_superseded(conn: &Connection, kind: EntityKind, row: &str, field: &str, hlc: i64) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM field_superseded WHERE tbl = ?1 AND row_id = ?2 AND field = ?3 AND hlc = ?4")?;
    Ok(stmt.query_row(rusqlite::params![kind.name(), row, field, hlc], |_| Ok(())).optional()?.is_some())
}

/// Records the op that set a record's causal length, keeping the highest (cl, hlc, dev).
///
/// A causal length of 1 (created, never deleted) leaves no trace: the table is read for Trash
/// (the deleting op's clock) and to tell a record this book has a history of, and a live record
/// is in its own table anyway; the delete that follows records itself. A new device's first
/// sync writes one record per row of the snapshot and no second row beside it.
pub fn record_cl(conn: &Connection, kind: EntityKind, row: &str, cl: i64, hlc: i64, dev: i64) -> Result<()> {
    if cl <= 1 {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO row_cl (tbl, row_id, cl, hlc, dev) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tbl, row_id) DO UPDATE SET cl = excluded.cl, hlc = excluded.hlc, dev = excluded.dev
         WHERE (excluded.cl, excluded.hlc, excluded.dev) > (row_cl.cl, row_cl.hlc, row_cl.dev)",
    )?
    .execute(rusqlite::params![kind.name(), row, cl, hlc, dev])?;
    Ok(())
}

/// A list field's value when it has several heads: add wins, so it holds every element any
/// head holds — the winner's elements in its order, then the others' (heads ordered winner
/// first). A list edited on one device while another added to it keeps both changes' additions.
pub fn union(heads_winner_first: &[&Head]) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for h in heads_winner_first {
        if let Value::Array(items) = &h.value {
            for v in items {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
    }
    if out.is_empty() && heads_winner_first.first().is_some_and(|h| h.value.is_null()) {
        return Value::Null;
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn head(hlc: i64, v: Value) -> Head {
        Head { hlc, dev: 1, value: v }
    }

    #[test]
    fn a_list_with_several_heads_holds_every_element_winner_first() {
        let a = head(2, json!(["vip", "emea"]));
        let b = head(1, json!(["emea", "renewal-risk"]));
        assert_eq!(union(&[&a, &b]), json!(["vip", "emea", "renewal-risk"]));
    }

    #[test]
    fn a_list_whose_heads_are_all_empty_stays_empty() {
        let a = head(2, json!([]));
        let b = head(1, Value::Null);
        assert_eq!(union(&[&a, &b]), json!([]));
    }
}
