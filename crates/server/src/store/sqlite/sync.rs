//! Ops in and out of SQLite: push, pull, the version vector and snapshot pages.

use super::uuid;
use crate::store::{merge_text, IncomingOp, OpsPage, PushOutcome, Result, StateWrites, StoreError};
use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{FieldState, SnapshotRow, TextUpdate, VersionVector};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Stores a group of pushes (and `last_seen` touches) in one transaction, each push in a
/// savepoint of its own: a push that leaves a gap or fails is undone alone, the others commit.
/// The results are in the order of `pushes`; `Err` only when the transaction itself fails.
pub(super) fn push_group(conn: &mut Connection, pushes: &[(Uuid, &[IncomingOp])], touches: &[(Uuid, i64)]) -> Result<Vec<Result<PushOutcome>>> {
    // IMMEDIATE takes the write lock up front: no other writer can interleave.
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(pushes.len());
    for (device, ops) in pushes {
        let sp = tx.savepoint()?;
        let r = push(&sp, *device, ops);
        if matches!(r, Ok(PushOutcome::Accepted { .. })) {
            sp.commit()?;
        } // else dropping the savepoint rolls it back
        results.push(r);
    }
    for (device, now) in touches {
        super::accounts::touch_device(&tx, *device, *now)?;
    }
    tx.commit()?;
    Ok(results)
}

fn push(tx: &Connection, device: Uuid, ops: &[IncomingOp]) -> Result<PushOutcome> {
    let device_s = device.to_string();
    let stored = tx
        .prepare_cached("SELECT max_seq FROM device_seqs WHERE device = ?1")?
        .query_row([&device_s], |r| r.get::<_, i64>(0))
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
                return Ok(PushOutcome::Gap { expected_seq: stored + 1 }); // the caller rolls back
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
    write_state(tx, &writes)?;
    {
        let mut space_top = tx.prepare_cached(
            "INSERT INTO space_devices (space, device, max_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT (space, device) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
        )?;
        for (space, seq) in &space_tops {
            space_top.execute(params![space.to_string(), device_s, *seq as i64])?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO device_seqs (device, max_seq) VALUES (?1, ?2) ON CONFLICT (device) DO UPDATE SET max_seq = excluded.max_seq",
    )?
    .execute(params![device_s, top as i64])?;
    tracing::debug!(%device, from = stored + 1, to = top, "stored ops");
    Ok(PushOutcome::Accepted { up_to: top, new_in: space_tops.into_keys().collect() })
}

fn write_state(tx: &Connection, writes: &StateWrites) -> Result<()> {
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

/// One device's ops in a space after a seq, up to its top; run once per device a pull reads.
const PULL_DEVICE: &str = "SELECT seq, body FROM ops WHERE space = ?1 AND device = ?2 AND seq > ?3 AND seq <= ?4 ORDER BY seq LIMIT ?5";

/// Ops after `cursor`, bounded by the space's version vector: `known` (committed, from the
/// cache) or read here, in which case it is returned for the cache. Every op up to a vector's
/// seq is committed, so a read that cannot see them yet serves fewer and says `has_more`.
pub(super) fn pull(conn: &mut Connection, space: Uuid, cursor: VersionVector, limit: usize, known: Option<&VersionVector>) -> Result<(OpsPage, Option<VersionVector>)> {
    // One read transaction: a vector read here and the ops come from the same snapshot.
    let tx = conn.transaction()?;
    let loaded = match known {
        Some(_) => None,
        None => Some(version_vector(&tx, space)?),
    };
    let Some(tops) = known.or(loaded.as_ref()) else { return Err(StoreError::Storage("no version vector".into())) };
    let space_s = space.to_string();
    let mut next = cursor;
    let mut ops = Vec::new();
    {
        let mut stmt = tx.prepare_cached(PULL_DEVICE)?;
        for (device, top) in &tops.0 {
            let seen = next.get(device);
            if seen >= *top {
                continue;
            }
            if ops.len() >= limit {
                break;
            }
            let want = limit - ops.len();
            let rows = stmt.query_map(params![space_s, device.to_string(), seen as i64, *top as i64, want as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut got = 0;
            for row in rows {
                let (seq, body) = row?;
                ops.push(body);
                next.advance(*device, seq as u64);
                got += 1;
            }
            // Fewer than asked: every op of the device in this space up to `top` was read (the
            // device's other seqs went to other spaces), so the cursor moves past them all.
            if got < want {
                next.advance(*device, *top);
            }
        }
    }
    let has_more = tops.0.iter().any(|(d, top)| next.get(d) < *top);
    tx.commit()?;
    Ok((OpsPage { ops, cursor: next, has_more }, loaded))
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

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::sync::protocol::{Op, SCHEMA_VERSION};

    fn op(space: Uuid, device: Uuid, seq: u64) -> IncomingOp {
        let json = serde_json::json!({
            "space": space, "device": device, "seq": seq, "hlc": Hlc::new(1_700_000_000_000 + seq, 0),
            "table": "account", "row": Uuid::from_u128(seq as u128), "set": {"name": format!("Acme {seq}")}, "cl": 1,
            "schema": SCHEMA_VERSION,
        });
        IncomingOp::from_op(serde_json::from_value::<Op>(json).unwrap())
    }

    fn stored(conn: &Connection, device: Uuid) -> Vec<i64> {
        let mut stmt = conn.prepare("SELECT seq FROM ops WHERE device = ?1 ORDER BY seq").unwrap();
        stmt.query_map([device.to_string()], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn a_group_commits_every_good_push_and_undoes_a_gapped_one_alone() {
        let store = crate::store::SqliteStore::open_in_memory().unwrap();
        let mut conn = store.conn.lock().unwrap();
        let space = Uuid::from_u128(1);
        let (a, b, c) = (Uuid::from_u128(10), Uuid::from_u128(11), Uuid::from_u128(12));
        let a1 = [op(space, a, 1), op(space, a, 2)];
        // B's third op skips seq 3: its first two are written before the gap shows, then undone.
        let b1 = [op(space, b, 1), op(space, b, 2), op(space, b, 4)];
        let c1 = [op(space, c, 1)];
        // A again in the same group, retrying seq 2 and continuing: it sees its first push.
        let a2 = [op(space, a, 2), op(space, a, 3)];
        let group: Vec<(Uuid, &[IncomingOp])> = vec![(a, &a1), (b, &b1), (c, &c1), (a, &a2)];
        let results = push_group(&mut conn, &group, &[]).unwrap();
        let outcomes: Vec<PushOutcome> = results.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(
            outcomes,
            [
                PushOutcome::Accepted { up_to: 2, new_in: vec![space] },
                PushOutcome::Gap { expected_seq: 1 },
                PushOutcome::Accepted { up_to: 1, new_in: vec![space] },
                PushOutcome::Accepted { up_to: 3, new_in: vec![space] },
            ]
        );
        assert_eq!(stored(&conn, a), [1, 2, 3]);
        assert_eq!(stored(&conn, b), Vec::<i64>::new());
        assert_eq!(stored(&conn, c), [1]);
        let vv = version_vector(&conn, space).unwrap();
        assert_eq!((vv.get(&a), vv.get(&b), vv.get(&c)), (3, 0, 1));
    }

    #[test]
    fn a_pull_over_many_devices_reads_them_with_one_compiled_statement() {
        let store = crate::store::SqliteStore::open_in_memory().unwrap();
        let mut conn = store.conn.lock().unwrap();
        let space = Uuid::from_u128(1);
        let devices: Vec<Uuid> = (0..5).map(|i| Uuid::from_u128(100 + i)).collect();
        let pushes: Vec<Vec<IncomingOp>> = devices.iter().enumerate().map(|(i, d)| (1..=i as u64 + 1).map(|s| op(space, *d, s)).collect()).collect();
        let group: Vec<(Uuid, &[IncomingOp])> = devices.iter().zip(&pushes).map(|(d, ops)| (*d, ops.as_slice())).collect();
        push_group(&mut conn, &group, &[]).unwrap();

        // 15 ops from 5 devices, 7 at a time: each device's query asks for what is left of the
        // page, a different LIMIT every time.
        let (first, _) = pull(&mut conn, space, VersionVector::default(), 7, None).unwrap();
        let (second, _) = pull(&mut conn, space, first.cursor.clone(), 7, None).unwrap();
        let (third, _) = pull(&mut conn, space, second.cursor.clone(), 7, None).unwrap();
        assert_eq!((first.ops.len(), second.ops.len(), third.ops.len()), (7, 7, 1));
        assert!(!third.has_more);

        let stmt = conn.prepare_cached(PULL_DEVICE).unwrap();
        assert!(stmt.get_status(rusqlite::StatementStatus::VmStep) > 0, "the pulls ran the cached statement");
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0, "a new LIMIT recompiled the statement");
    }
}
