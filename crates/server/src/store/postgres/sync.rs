//! Ops in and out of PostgreSQL: push, pull, the version vector and snapshot pages. Batches go
//! in as arrays through UNNEST: one statement per table per push.

use crate::store::{merge_text, IncomingOp, OpsPage, PushOutcome, Result, StateWrites, StoreError};
use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{FieldState, SnapshotRow, TextUpdate, VersionVector};
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

pub(super) async fn push(pool: &PgPool, device: Uuid, ops: &[IncomingOp]) -> Result<PushOutcome> {
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO device_seqs (device, max_seq) VALUES ($1, 0) ON CONFLICT (device) DO NOTHING")
        .bind(device)
        .execute(&mut *tx)
        .await?;
    // The device's row lock serialises its pushes until this transaction ends.
    let stored: i64 =
        sqlx::query_scalar("SELECT max_seq FROM device_seqs WHERE device = $1 FOR UPDATE").bind(device).fetch_one(&mut *tx).await?;
    let stored = stored as u64;
    let mut top = stored;
    let mut new_ops: Vec<&IncomingOp> = Vec::new();
    for incoming in ops {
        let seq = incoming.op.seq;
        if seq <= top {
            continue; // a retried op: already stored
        }
        if seq != top + 1 {
            return Ok(PushOutcome::Gap { expected_seq: stored + 1 }); // dropping tx rolls back
        }
        new_ops.push(incoming);
        top = seq;
    }
    if new_ops.is_empty() {
        return Ok(PushOutcome::Accepted { up_to: top, new_in: Vec::new() });
    }
    let mut writes = StateWrites::default();
    let mut space_tops: BTreeMap<Uuid, i64> = BTreeMap::new();
    let (mut spaces, mut seqs, mut hlcs, mut bodies) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for IncomingOp { op, raw } in &new_ops {
        spaces.push(op.space);
        seqs.push(op.seq as i64);
        hlcs.push(op.hlc.as_i64());
        bodies.push(raw.as_str());
        writes.add(op);
        space_tops.insert(op.space, op.seq as i64);
    }
    sqlx::query(
        "INSERT INTO ops (space, device, seq, hlc, body)
         SELECT s, $2, q, h, b FROM UNNEST($1::uuid[], $3::int8[], $4::int8[], $5::text[]) AS t(s, q, h, b)
         ON CONFLICT DO NOTHING",
    )
    .bind(&spaces)
    .bind(device)
    .bind(&seqs)
    .bind(&hlcs)
    .bind(&bodies)
    .execute(&mut *tx)
    .await?;
    write_state(&mut tx, &writes).await?;
    let (top_spaces, top_seqs): (Vec<Uuid>, Vec<i64>) = space_tops.iter().map(|(s, q)| (*s, *q)).unzip();
    sqlx::query(
        "INSERT INTO space_devices (space, device, max_seq)
         SELECT s, $2, q FROM UNNEST($1::uuid[], $3::int8[]) AS t(s, q)
         ON CONFLICT (space, device) DO UPDATE SET max_seq = GREATEST(space_devices.max_seq, excluded.max_seq)",
    )
    .bind(&top_spaces)
    .bind(device)
    .bind(&top_seqs)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE device_seqs SET max_seq = $2 WHERE device = $1").bind(device).bind(top as i64).execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::debug!(%device, from = stored + 1, to = top, "stored ops");
    Ok(PushOutcome::Accepted { up_to: top, new_in: top_spaces })
}

async fn write_state(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, w: &StateWrites) -> Result<()> {
    if !w.records.is_empty() {
        let (mut s, mut t, mut r, mut c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for ((space, table, row), cl) in &w.records {
            s.push(*space);
            t.push(table.as_str());
            r.push(*row);
            c.push(*cl);
        }
        sqlx::query(
            "INSERT INTO records (space, tbl, row_id, cl)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::int8[])
             ON CONFLICT (space, tbl, row_id) DO UPDATE SET cl = GREATEST(records.cl, excluded.cl)",
        )
        .bind(&s)
        .bind(&t)
        .bind(&r)
        .bind(&c)
        .execute(&mut **tx)
        .await?;
    }
    if !w.fields.is_empty() {
        let (mut s, mut t, mut r, mut f, mut h, mut d, mut v) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        for ((space, table, row, field), (hlc, device, value)) in &w.fields {
            s.push(*space);
            t.push(table.as_str());
            r.push(*row);
            f.push(field.as_str());
            h.push(*hlc);
            d.push(*device);
            v.push(value.as_str());
        }
        sqlx::query(
            "INSERT INTO state (space, tbl, row_id, field, hlc, device, value)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int8[], $6::uuid[], $7::text[])
             ON CONFLICT (space, tbl, row_id, field) DO UPDATE
             SET hlc = excluded.hlc, device = excluded.device, value = excluded.value
             WHERE (excluded.hlc, excluded.device) > (state.hlc, state.device)",
        )
        .bind(&s)
        .bind(&t)
        .bind(&r)
        .bind(&f)
        .bind(&h)
        .bind(&d)
        .bind(&v)
        .execute(&mut **tx)
        .await?;
    }
    for (space, table, row, field, device, seq, update) in &w.texts {
        sqlx::query(
            "INSERT INTO texts (space, tbl, row_id, field, device, seq, update_v1) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT DO NOTHING",
        )
        .bind(space)
        .bind(table)
        .bind(row)
        .bind(field)
        .bind(device)
        .bind(seq)
        .bind(update)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub(super) async fn version_vector(pool: &PgPool, space: Uuid) -> Result<VersionVector> {
    let rows: Vec<(Uuid, i64)> =
        sqlx::query_as("SELECT device, max_seq FROM space_devices WHERE space = $1").bind(space).fetch_all(pool).await?;
    let mut vv = VersionVector::default();
    for (d, top) in rows {
        vv.advance(d, top as u64);
    }
    Ok(vv)
}

pub(super) async fn pull(pool: &PgPool, space: Uuid, cursor: VersionVector, limit: usize) -> Result<OpsPage> {
    let tops = version_vector(pool, space).await?;
    let mut next = cursor;
    let (mut devices, mut seens, mut top_seqs) = (Vec::new(), Vec::new(), Vec::new());
    for (device, top) in &tops.0 {
        let seen = next.get(device);
        if seen < *top {
            devices.push(*device);
            seens.push(seen as i64);
            top_seqs.push(*top as i64);
        }
    }
    let mut ops = Vec::new();
    if !devices.is_empty() {
        // Up to `limit` ops in (device, seq) order: a prefix of each device's ops after the cursor,
        // bounded by the version vector read above (everything up to it is committed).
        let rows: Vec<(Uuid, i64, String)> = sqlx::query_as(
            "SELECT o.device, o.seq, o.body
             FROM UNNEST($2::uuid[], $3::int8[], $4::int8[]) AS c(device, seen, top)
             CROSS JOIN LATERAL (
                 SELECT device, seq, body FROM ops
                 WHERE space = $1 AND device = c.device AND seq > c.seen AND seq <= c.top
                 ORDER BY seq LIMIT $5
             ) o
             ORDER BY o.device, o.seq
             LIMIT $5",
        )
        .bind(space)
        .bind(&devices)
        .bind(&seens)
        .bind(&top_seqs)
        .bind(limit as i64)
        .fetch_all(pool)
        .await?;
        for (device, seq, body) in rows {
            ops.push(body);
            next.advance(device, seq as u64);
        }
    }
    let has_more = tops.0.iter().any(|(d, top)| next.get(d) < *top);
    Ok(OpsPage { ops, cursor: next, has_more })
}

pub(super) async fn snapshot_rows(pool: &PgPool, space: Uuid, after: Option<(String, Uuid)>, limit: usize) -> Result<Vec<SnapshotRow>> {
    let (after_t, after_r) = match after {
        Some((t, r)) => (Some(t), Some(r)),
        None => (None, None),
    };
    let found: Vec<(String, Uuid, i64)> = sqlx::query_as(
        "SELECT tbl, row_id, cl FROM records
         WHERE space = $1 AND ($2::text IS NULL OR (tbl, row_id) > ($2::text, $3::uuid))
         ORDER BY tbl, row_id LIMIT $4",
    )
    .bind(space)
    .bind(&after_t)
    .bind(after_r)
    .bind(limit as i64)
    .fetch_all(pool)
    .await?;
    let mut rows: Vec<SnapshotRow> = found
        .into_iter()
        .map(|(table, row, cl)| SnapshotRow {
            table,
            row,
            fields: BTreeMap::new(),
            text: BTreeMap::new(),
            cl: u32::try_from(cl).unwrap_or(u32::MAX),
        })
        .collect();
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return Ok(rows) };
    let (t0, r0, t1, r1) = (first.table.clone(), first.row, last.table.clone(), last.row);
    let index: BTreeMap<(String, Uuid), usize> = rows.iter().enumerate().map(|(i, r)| ((r.table.clone(), r.row), i)).collect();
    let fields: Vec<(String, Uuid, String, i64, Uuid, String)> = sqlx::query_as(
        "SELECT tbl, row_id, field, hlc, device, value FROM state
         WHERE space = $1 AND (tbl, row_id) >= ($2::text, $3::uuid) AND (tbl, row_id) <= ($4::text, $5::uuid)",
    )
    .bind(space)
    .bind(&t0)
    .bind(r0)
    .bind(&t1)
    .bind(r1)
    .fetch_all(pool)
    .await?;
    for (table, row, field, hlc, device, value) in fields {
        let Some(&i) = index.get(&(table, row)) else { continue };
        let value = serde_json::from_str(&value).map_err(|e| StoreError::Storage(format!("stored value: {e}")))?;
        rows[i].fields.insert(field, FieldState { value, hlc: Hlc::from_i64(hlc), device });
    }
    let updates: Vec<(String, Uuid, String, Vec<u8>)> = sqlx::query_as(
        "SELECT tbl, row_id, field, update_v1 FROM texts
         WHERE space = $1 AND (tbl, row_id) >= ($2::text, $3::uuid) AND (tbl, row_id) <= ($4::text, $5::uuid)",
    )
    .bind(space)
    .bind(&t0)
    .bind(r0)
    .bind(&t1)
    .bind(r1)
    .fetch_all(pool)
    .await?;
    let mut texts: BTreeMap<(usize, String), Vec<Vec<u8>>> = BTreeMap::new();
    for (table, row, field, update) in updates {
        if let Some(&i) = index.get(&(table, row)) {
            texts.entry((i, field)).or_default().push(update);
        }
    }
    for ((i, field), updates) in texts {
        rows[i].text.insert(field, TextUpdate(merge_text(&updates)?));
    }
    Ok(rows)
}
