//! Ops in and out of PostgreSQL: push, pull, the version vector and snapshot pages. Batches go
//! in as arrays through UNNEST: one statement per table per push.

use crate::store::{merge_text, IncomingOp, OpsPage, PushOutcome, Result, StateWrites, StoreError};
use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{FieldState, SnapshotRow, TextUpdate, VersionVector};
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

pub(super) async fn push(pool: &PgPool, device: Uuid, ops: &[IncomingOp]) -> Result<PushOutcome> {
    // Four round trips: BEGIN, lock the device's row, one statement for every write, COMMIT.
    let mut tx = pool.begin().await?;
    // Creates the device's row if needed and locks it (DO UPDATE takes the row lock), so its
    // pushes are serialised until this transaction ends.
    let stored: i64 = sqlx::query_scalar(
        "INSERT INTO device_seqs (device, max_seq) VALUES ($1, 0)
         ON CONFLICT (device) DO UPDATE SET max_seq = device_seqs.max_seq
         RETURNING max_seq",
    )
    .bind(device)
    .fetch_one(&mut *tx)
    .await?;
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
    let (top_spaces, top_seqs): (Vec<Uuid>, Vec<i64>) = space_tops.iter().map(|(s, q)| (*s, *q)).unzip();
    let (mut rs, mut rt, mut rr, mut rc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((space, table, row), cl) in &writes.records {
        rs.push(*space);
        rt.push(table.as_str());
        rr.push(*row);
        rc.push(*cl);
    }
    let (mut fs, mut ft, mut fr, mut ff, mut fh, mut fd, mut fv) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for ((space, table, row, field), (hlc, device, value)) in &writes.fields {
        fs.push(*space);
        ft.push(table.as_str());
        fr.push(*row);
        ff.push(field.as_str());
        fh.push(*hlc);
        fd.push(*device);
        fv.push(value.as_str());
    }
    let (mut xs, mut xt, mut xr, mut xf, mut xd, mut xq, mut xu) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (space, table, row, field, device, seq, update) in &writes.texts {
        xs.push(*space);
        xt.push(table.as_str());
        xr.push(*row);
        xf.push(field.as_str());
        xd.push(*device);
        xq.push(*seq);
        xu.push(update.as_slice());
    }
    // Every write of the push in one statement (data-modifying CTEs, each on its own table).
    // State rows are sorted by key (StateWrites), so concurrent pushes lock them in one order.
    sqlx::query(
        "WITH new_ops AS (
             INSERT INTO ops (space, device, seq, hlc, body)
             SELECT s, $1, q, h, b FROM UNNEST($2::uuid[], $3::int8[], $4::int8[], $5::text[]) AS t(s, q, h, b)
             ON CONFLICT DO NOTHING
         ), new_records AS (
             INSERT INTO records (space, tbl, row_id, cl)
             SELECT * FROM UNNEST($6::uuid[], $7::text[], $8::uuid[], $9::int8[])
             ON CONFLICT (space, tbl, row_id) DO UPDATE SET cl = GREATEST(records.cl, excluded.cl)
         ), new_state AS (
             INSERT INTO state (space, tbl, row_id, field, hlc, device, value)
             SELECT * FROM UNNEST($10::uuid[], $11::text[], $12::uuid[], $13::text[], $14::int8[], $15::uuid[], $16::text[])
             ON CONFLICT (space, tbl, row_id, field) DO UPDATE
             SET hlc = excluded.hlc, device = excluded.device, value = excluded.value
             WHERE (excluded.hlc, excluded.device) > (state.hlc, state.device)
         ), new_texts AS (
             INSERT INTO texts (space, tbl, row_id, field, device, seq, update_v1)
             SELECT * FROM UNNEST($17::uuid[], $18::text[], $19::uuid[], $20::text[], $21::uuid[], $22::int8[], $23::bytea[])
             ON CONFLICT DO NOTHING
         ), new_tops AS (
             INSERT INTO space_devices (space, device, max_seq)
             SELECT s, $1, q FROM UNNEST($24::uuid[], $25::int8[]) AS t(s, q)
             ON CONFLICT (space, device) DO UPDATE SET max_seq = GREATEST(space_devices.max_seq, excluded.max_seq)
         )
         UPDATE device_seqs SET max_seq = $26 WHERE device = $1",
    )
    .bind(device)
    .bind(&spaces)
    .bind(&seqs)
    .bind(&hlcs)
    .bind(&bodies)
    .bind(&rs)
    .bind(&rt)
    .bind(&rr)
    .bind(&rc)
    .bind(&fs)
    .bind(&ft)
    .bind(&fr)
    .bind(&ff)
    .bind(&fh)
    .bind(&fd)
    .bind(&fv)
    .bind(&xs)
    .bind(&xt)
    .bind(&xr)
    .bind(&xf)
    .bind(&xd)
    .bind(&xq)
    .bind(&xu)
    .bind(&top_spaces)
    .bind(&top_seqs)
    .bind(top as i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::debug!(%device, from = stored + 1, to = top, "stored ops");
    Ok(PushOutcome::Accepted { up_to: top, new_in: top_spaces })
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
    // Devices with ops after the cursor, in device order, with (seen, top].
    let behind: Vec<(Uuid, i64, i64)> =
        tops.0.iter().filter(|(d, top)| next.get(d) < **top).map(|(d, top)| (*d, next.get(d) as i64, *top as i64)).collect();
    let mut ops = Vec::new();
    let mut from = 0;
    // A device has at most `top - seen` ops here (its seqs are gap-free across all spaces), so
    // a batch of devices whose bounds add up to what is still wanted is read in one query; a
    // device whose ops went mostly to other spaces can leave the page short, then the next
    // batch follows. Usually one round trip reads only the devices the page needs.
    while from < behind.len() && ops.len() < limit {
        let want = limit - ops.len();
        let (mut bound, mut to) = (0i64, from);
        while to < behind.len() && bound < want as i64 {
            bound += behind[to].2 - behind[to].1;
            to += 1;
        }
        let batch = &behind[from..to];
        let devices: Vec<Uuid> = batch.iter().map(|b| b.0).collect();
        let seens: Vec<i64> = batch.iter().map(|b| b.1).collect();
        let top_seqs: Vec<i64> = batch.iter().map(|b| b.2).collect();
        // A prefix of each device's ops after the cursor, bounded by the version vector read
        // above (everything up to it is committed), in (device, seq) order.
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
        .bind(want as i64)
        .fetch_all(pool)
        .await?;
        let full = rows.len() >= want;
        let mut last: Option<Uuid> = None;
        for (device, seq, body) in rows {
            ops.push(body);
            next.advance(device, seq as u64);
            last = Some(device);
        }
        // Every device of the batch was read to its top, except, on a full page, the last one
        // served and those after it.
        for &(device, _, top) in batch {
            if full && last.is_none_or(|l| device >= l) {
                break;
            }
            next.advance(device, top as u64);
        }
        from = to;
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
