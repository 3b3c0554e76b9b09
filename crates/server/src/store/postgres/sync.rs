//! Ops in and out of PostgreSQL: push, pull, the version vector and snapshot pages. Batches go
//! in as arrays through UNNEST: one statement per table per push.

use crate::store::{merge_text, IncomingOp, OpsPage, PushOutcome, Result, StateWrites, StoreError};
use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{FieldState, SnapshotRow, TextUpdate, VersionVector};
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use uuid::Uuid;

pub(super) async fn push(pool: &PgPool, device: Uuid, ops: &[IncomingOp]) -> Result<PushOutcome> {
    // The usual push continues the device's ops where the server has them: one statement,
    // one round trip. A retry, a gap or a device's first push take the checked way.
    if let Some(outcome) = push_following_on(pool, device, ops).await? {
        return Ok(outcome);
    }
    push_checked(pool, device, ops).await
}

/// Every write of a push, as arrays for UNNEST (one statement per table).
struct Writes<'a> {
    spaces: Vec<Uuid>,
    seqs: Vec<i64>,
    hlcs: Vec<i64>,
    bodies: Vec<&'a str>,
    tops: (Vec<Uuid>, Vec<i64>),
    records: (Vec<Uuid>, Vec<&'a str>, Vec<Uuid>, Vec<i64>),
    fields: FieldColumns<'a>,
    texts: TextColumns<'a>,
}

/// space, table, row, field, hlc, device, value.
type FieldColumns<'a> = (Vec<Uuid>, Vec<&'a str>, Vec<Uuid>, Vec<&'a str>, Vec<i64>, Vec<Uuid>, Vec<&'a str>);
/// space, table, row, field, device, seq, update.
type TextColumns<'a> = (Vec<Uuid>, Vec<&'a str>, Vec<Uuid>, Vec<&'a str>, Vec<Uuid>, Vec<i64>, Vec<&'a [u8]>);

impl<'a> Writes<'a> {
    fn of(new_ops: &[&'a IncomingOp], state: &'a StateWrites) -> Self {
        let mut w = Writes {
            spaces: vec![],
            seqs: vec![],
            hlcs: vec![],
            bodies: vec![],
            tops: Default::default(),
            records: Default::default(),
            fields: Default::default(),
            texts: Default::default(),
        };
        let mut space_tops: BTreeMap<Uuid, i64> = BTreeMap::new();
        for IncomingOp { op, raw } in new_ops {
            w.spaces.push(op.space);
            w.seqs.push(op.seq as i64);
            w.hlcs.push(op.hlc.as_i64());
            w.bodies.push(raw.as_str());
            space_tops.insert(op.space, op.seq as i64);
        }
        w.tops = space_tops.into_iter().unzip();
        for ((space, table, row), cl) in &state.records {
            w.records.0.push(*space);
            w.records.1.push(table.as_str());
            w.records.2.push(*row);
            w.records.3.push(*cl);
        }
        for ((space, table, row, field), (hlc, device, value)) in &state.fields {
            w.fields.0.push(*space);
            w.fields.1.push(table.as_str());
            w.fields.2.push(*row);
            w.fields.3.push(field.as_str());
            w.fields.4.push(*hlc);
            w.fields.5.push(*device);
            w.fields.6.push(value.as_str());
        }
        for (space, table, row, field, device, seq, update) in &state.texts {
            w.texts.0.push(*space);
            w.texts.1.push(table.as_str());
            w.texts.2.push(*row);
            w.texts.3.push(field.as_str());
            w.texts.4.push(*device);
            w.texts.5.push(*seq);
            w.texts.6.push(update.as_slice());
        }
        w
    }

    /// Binds $1 (the device) to $26 (its new top seq) for [`write_sql`].
    fn bind<'q, O>(
        &'q self,
        q: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
        device: Uuid,
        top: i64,
    ) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
        let (r, f, x) = (&self.records, &self.fields, &self.texts);
        q.bind(device)
            .bind(&self.spaces)
            .bind(&self.seqs)
            .bind(&self.hlcs)
            .bind(&self.bodies)
            .bind(&r.0)
            .bind(&r.1)
            .bind(&r.2)
            .bind(&r.3)
            .bind(&f.0)
            .bind(&f.1)
            .bind(&f.2)
            .bind(&f.3)
            .bind(&f.4)
            .bind(&f.5)
            .bind(&f.6)
            .bind(&x.0)
            .bind(&x.1)
            .bind(&x.2)
            .bind(&x.3)
            .bind(&x.4)
            .bind(&x.5)
            .bind(&x.6)
            .bind(&self.tops.0)
            .bind(&self.tops.1)
            .bind(top)
    }
}

/// Every write of a push in one statement (data-modifying CTEs, each on its own table). State
/// rows are sorted by key (StateWrites), so concurrent pushes lock them in one order. `guard`
/// is a condition every write waits for (the CTEs before it come first); the statement returns
/// one row, `result`.
fn write_sql(before: &str, guard: &str, result: &str) -> String {
    format!(
        "WITH {before}
         new_ops AS (
             INSERT INTO ops (space, device, seq, hlc, body)
             SELECT s, $1, q, h, b FROM UNNEST($2::uuid[], $3::int8[], $4::int8[], $5::text[]) AS t(s, q, h, b)
             WHERE {guard}
             ON CONFLICT DO NOTHING
         ), new_records AS (
             INSERT INTO records (space, tbl, row_id, cl)
             SELECT * FROM UNNEST($6::uuid[], $7::text[], $8::uuid[], $9::int8[]) WHERE {guard}
             ON CONFLICT (space, tbl, row_id) DO UPDATE SET cl = GREATEST(records.cl, excluded.cl)
         ), new_state AS (
             INSERT INTO state (space, tbl, row_id, field, hlc, device, value)
             SELECT * FROM UNNEST($10::uuid[], $11::text[], $12::uuid[], $13::text[], $14::int8[], $15::uuid[], $16::text[]) WHERE {guard}
             ON CONFLICT (space, tbl, row_id, field) DO UPDATE
             SET hlc = excluded.hlc, device = excluded.device, value = excluded.value
             WHERE (excluded.hlc, excluded.device) > (state.hlc, state.device)
         ), new_texts AS (
             INSERT INTO texts (space, tbl, row_id, field, device, seq, update_v1)
             SELECT * FROM UNNEST($17::uuid[], $18::text[], $19::uuid[], $20::text[], $21::uuid[], $22::int8[], $23::bytea[]) WHERE {guard}
             ON CONFLICT DO NOTHING
         ), new_tops AS (
             INSERT INTO space_devices (space, device, max_seq)
             SELECT s, $1, q FROM UNNEST($24::uuid[], $25::int8[]) AS t(s, q) WHERE {guard}
             ON CONFLICT (space, device) DO UPDATE SET max_seq = GREATEST(space_devices.max_seq, excluded.max_seq)
         ), new_top AS (
             UPDATE device_seqs SET max_seq = $26 WHERE device = $1 AND {guard}
         )
         SELECT {result}"
    )
}

/// The usual push: consecutive seqs that start right after the device's stored top. The device's
/// row is locked (`FOR UPDATE`, which waits for a racing push of the same device and then reads
/// what it stored) and every write waits on that check, in one statement: one round trip where
/// the checked way takes four. `None` when the push is not of that kind (or the device has not
/// pushed before), having written nothing.
async fn push_following_on(pool: &PgPool, device: Uuid, ops: &[IncomingOp]) -> Result<Option<PushOutcome>> {
    let (Some(first), Some(last)) = (ops.first(), ops.last()) else { return Ok(None) };
    let (first, top) = (first.op.seq, last.op.seq);
    if ops.iter().enumerate().any(|(i, o)| o.op.seq != first + i as u64) {
        return Ok(None);
    }
    let new_ops: Vec<&IncomingOp> = ops.iter().collect();
    let mut state = StateWrites::default();
    for o in &new_ops {
        state.add(&o.op);
    }
    let w = Writes::of(&new_ops, &state);
    static SQL: LazyLock<Arc<str>> = LazyLock::new(|| {
        write_sql(
            "stored AS (SELECT max_seq FROM device_seqs WHERE device = $1 FOR UPDATE),
             follows AS (SELECT EXISTS (SELECT 1 FROM stored WHERE max_seq + 1 = $27) AS ok),",
            "(SELECT ok FROM follows)",
            "ok FROM follows",
        )
        .into()
    });
    let sql = sqlx::AssertSqlSafe(Arc::clone(&SQL)); // built from the constants above only
    let (ok,): (bool,) = w.bind(sqlx::query_as(sql), device, top as i64).bind(first as i64).fetch_one(pool).await?;
    if !ok {
        return Ok(None);
    }
    tracing::debug!(%device, from = first, to = top, "stored ops");
    Ok(Some(PushOutcome::Accepted { up_to: top, new_in: w.tops.0 }))
}

/// Any push: retried ops are skipped, a gap refuses the whole push, the device's first push
/// creates its row. Four round trips: BEGIN, lock the device's row, one statement for every
/// write, COMMIT.
async fn push_checked(pool: &PgPool, device: Uuid, ops: &[IncomingOp]) -> Result<PushOutcome> {
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
    let mut state = StateWrites::default();
    for o in &new_ops {
        state.add(&o.op);
    }
    let w = Writes::of(&new_ops, &state);
    static SQL: LazyLock<Arc<str>> = LazyLock::new(|| write_sql("", "TRUE", "TRUE").into());
    let sql = sqlx::AssertSqlSafe(Arc::clone(&SQL)); // built from constants only
    let _: (bool,) = w.bind(sqlx::query_as(sql), device, top as i64).fetch_one(&mut *tx).await?;
    tx.commit().await?;
    tracing::debug!(%device, from = stored + 1, to = top, "stored ops");
    Ok(PushOutcome::Accepted { up_to: top, new_in: w.tops.0 })
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
