//! Ops in and out of SQLite: push, pull, the version vector and snapshot pages.

use super::uuid;
use crate::store::{merge_text, IncomingOp, OpsPage, PushOutcome, Result, StateWrites, StoreError};
use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{FieldState, SnapshotRow, TextUpdate, VersionVector};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use uuid::Uuid;

pub(super) fn push(conn: &mut Connection, device: Uuid, ops: &[IncomingOp]) -> Result<PushOutcome> {
    // IMMEDIATE takes the write lock up front: two pushes cannot interleave.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let device_s = device.to_string();
    let stored = tx
        .query_row("SELECT max_seq FROM device_seqs WHERE device = ?1", [&device_s], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0) as u64;
    let mut top = stored;
    let mut space_tops: BTreeMap<Uuid, u64> = BTreeMap::new();
    let mut writes = StateWrites::default();
    {
        let mut insert_op = tx.prepare_cached(
            "INSERT INTO ops (space, device, seq, hlc, body) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?;
        for IncomingOp { op, raw } in ops {
            if op.seq <= top {
                continue; // a retried op: already stored
            }
            if op.seq != top + 1 {
                return Ok(PushOutcome::Gap { expected_seq: stored + 1 }); // dropping tx rolls back
            }
            insert_op.execute(params![op.space.to_string(), device_s, op.seq as i64, op.hlc.as_i64(), raw])?;
            writes.add(op);
            top = op.seq;
            space_tops.insert(op.space, op.seq);
        }
    }
    if top == stored {
        return Ok(PushOutcome::Accepted { up_to: top, new_in: Vec::new() });
    }
    write_state(&tx, &writes)?;
    {
        let mut space_top = tx.prepare_cached(
            "INSERT INTO space_devices (space, device, max_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT (space, device) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
        )?;
        for (space, seq) in &space_tops {
            space_top.execute(params![space.to_string(), device_s, *seq as i64])?;
        }
    }
    tx.execute(
        "INSERT INTO device_seqs (device, max_seq) VALUES (?1, ?2) ON CONFLICT (device) DO UPDATE SET max_seq = excluded.max_seq",
        params![device_s, top as i64],
    )?;
    tx.commit()?;
    tracing::debug!(%device, from = stored + 1, to = top, "stored ops");
    Ok(PushOutcome::Accepted { up_to: top, new_in: space_tops.into_keys().collect() })
}

fn write_state(tx: &rusqlite::Transaction<'_>, writes: &StateWrites) -> Result<()> {
    let mut record = tx.prepare_cached(
        "INSERT INTO records (space, tbl, row_id, cl) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (space, tbl, row_id) DO UPDATE SET cl = max(cl, excluded.cl)",
    )?;
    for ((space, table, row), cl) in &writes.records {
        record.execute(params![space.to_string(), table, row.to_string(), cl])?;
    }
    let mut field = tx.prepare_cached(
        "INSERT INTO state (space, tbl, row_id, field, hlc, device, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (space, tbl, row_id, field) DO UPDATE SET hlc = excluded.hlc, device = excluded.device, value = excluded.value
         WHERE (excluded.hlc, excluded.device) > (state.hlc, state.device)",
    )?;
    for ((space, table, row, name), (hlc, device, value)) in &writes.fields {
        field.execute(params![space.to_string(), table, row.to_string(), name, hlc, device.to_string(), value])?;
    }
    let mut text = tx.prepare_cached(
        "INSERT INTO texts (space, tbl, row_id, field, device, seq, update_v1) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT DO NOTHING",
    )?;
    for (space, table, row, name, device, seq, update) in &writes.texts {
        text.execute(params![space.to_string(), table, row.to_string(), name, device.to_string(), seq, update])?;
    }
    Ok(())
}

pub(super) fn version_vector(conn: &Connection, space: Uuid) -> Result<VersionVector> {
    let mut stmt = conn.prepare_cached("SELECT device, max_seq FROM space_devices WHERE space = ?1")?;
    let rows = stmt.query_map([space.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut vv = VersionVector::default();
    for row in rows {
        let (d, top) = row?;
        vv.advance(uuid(&d)?, top as u64);
    }
    Ok(vv)
}

pub(super) fn pull(conn: &mut Connection, space: Uuid, cursor: VersionVector, limit: usize) -> Result<OpsPage> {
    // One read transaction: the per-device maxima and the ops come from the same snapshot.
    let tx = conn.transaction()?;
    let tops = version_vector(&tx, space)?;
    let space_s = space.to_string();
    let mut next = cursor;
    let mut ops = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT seq, body FROM ops WHERE space = ?1 AND device = ?2 AND seq > ?3 AND seq <= ?4 ORDER BY seq LIMIT ?5",
        )?;
        for (device, top) in &tops.0 {
            let seen = next.get(device);
            if seen >= *top || ops.len() >= limit {
                continue;
            }
            let rows = stmt.query_map(
                params![space_s, device.to_string(), seen as i64, *top as i64, (limit - ops.len()) as i64],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )?;
            for row in rows {
                let (seq, body) = row?;
                ops.push(body);
                next.advance(*device, seq as u64);
            }
        }
    }
    let has_more = tops.0.iter().any(|(d, top)| next.get(d) < *top);
    tx.commit()?;
    Ok(OpsPage { ops, cursor: next, has_more })
}

pub(super) fn snapshot_rows(conn: &mut Connection, space: Uuid, after: Option<(String, Uuid)>, limit: usize) -> Result<Vec<SnapshotRow>> {
    let tx = conn.transaction()?;
    let space_s = space.to_string();
    let (after_t, after_r) = after.map(|(t, r)| (t, r.to_string())).unwrap_or_default();
    let mut rows: Vec<SnapshotRow> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT tbl, row_id, cl FROM records WHERE space = ?1 AND (tbl, row_id) > (?2, ?3) ORDER BY tbl, row_id LIMIT ?4",
        )?;
        let found = stmt.query_map(params![space_s, after_t, after_r, limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in found {
            let (table, row_id, cl) = row?;
            rows.push(SnapshotRow {
                table,
                row: uuid(&row_id)?,
                fields: BTreeMap::new(),
                text: BTreeMap::new(),
                cl: u32::try_from(cl).unwrap_or(u32::MAX),
            });
        }
    }
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return Ok(rows) };
    let (t0, r0, t1, r1) = (first.table.clone(), first.row.to_string(), last.table.clone(), last.row.to_string());
    let range = params![space_s, t0, r0, t1, r1];
    let index: BTreeMap<(String, String), usize> =
        rows.iter().enumerate().map(|(i, r)| ((r.table.clone(), r.row.to_string()), i)).collect();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT tbl, row_id, field, hlc, device, value FROM state
             WHERE space = ?1 AND (tbl, row_id) >= (?2, ?3) AND (tbl, row_id) <= (?4, ?5)",
        )?;
        let found = stmt.query_map(range, |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?))
        })?;
        for f in found {
            let (table, row_id, field, hlc, device, value) = f?;
            let Some(&i) = index.get(&(table, row_id)) else { continue };
            let value = serde_json::from_str(&value).map_err(|e| StoreError::Storage(format!("stored value: {e}")))?;
            rows[i].fields.insert(field, FieldState { value, hlc: Hlc::from_i64(hlc), device: uuid(&device)? });
        }
    }
    let mut texts: BTreeMap<(usize, String), Vec<Vec<u8>>> = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT tbl, row_id, field, update_v1 FROM texts
             WHERE space = ?1 AND (tbl, row_id) >= (?2, ?3) AND (tbl, row_id) <= (?4, ?5)",
        )?;
        let found = stmt.query_map(range, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Vec<u8>>(3)?)))?;
        for t in found {
            let (table, row_id, field, update) = t?;
            if let Some(&i) = index.get(&(table, row_id)) {
                texts.entry((i, field)).or_default().push(update);
            }
        }
    }
    for ((i, field), updates) in texts {
        rows[i].text.insert(field, TextUpdate(merge_text(&updates)?));
    }
    tx.commit()?;
    Ok(rows)
}
