//! The SQLite backend: one file, zero setup. One connection behind a mutex; every call runs on
//! tokio's blocking pool.

use super::{check_ops, PushOutcome, StoreError, SyncStore, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT};
use rapport_core::sync::protocol::{Op, PullResponse, VersionVector};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Numbered migrations, never edited once shipped. `PRAGMA user_version` holds how many ran.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations/sqlite/0001_ops.sql")];

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        Self::setup(Connection::open(path)?)
    }

    /// A database in memory, for tests.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn)?;
        Ok(SqliteStore { conn: Arc::new(Mutex::new(conn)) })
    }

    async fn with_conn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Storage("database lock poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Storage(format!("database task: {e}")))?
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "migrated the server database");
    }
    Ok(())
}

impl SyncStore for SqliteStore {
    async fn push(&self, space: Uuid, device: Uuid, ops: Vec<Op>) -> Result<PushOutcome, StoreError> {
        check_ops(space, device, &ops)?;
        self.with_conn(move |conn| push_ops(conn, space, device, &ops)).await
    }

    async fn pull(&self, space: Uuid, cursor: VersionVector, limit: usize) -> Result<PullResponse, StoreError> {
        let limit = if limit == 0 { DEFAULT_PULL_LIMIT } else { limit.min(MAX_PULL_LIMIT) };
        self.with_conn(move |conn| pull_ops(conn, space, cursor, limit)).await
    }
}

fn push_ops(conn: &mut Connection, space: Uuid, device: Uuid, ops: &[Op]) -> Result<PushOutcome, StoreError> {
    // IMMEDIATE takes the write lock up front: two pushes of one device cannot interleave.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (space_s, device_s) = (space.to_string(), device.to_string());
    let stored: u64 = tx
        .query_row("SELECT max_seq FROM devices WHERE device = ?1", [&device_s], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0) as u64;
    let mut top = stored;
    let mut space_top = 0;
    {
        let mut insert_op = tx.prepare_cached(
            "INSERT INTO ops (space, device, seq, hlc, body) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?;
        let mut upsert_state = tx.prepare_cached(
            "INSERT INTO state (space, tbl, row_id, field, hlc, device, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (space, tbl, row_id, field) DO UPDATE SET hlc = excluded.hlc, device = excluded.device, value = excluded.value
             WHERE (excluded.hlc, excluded.device) > (state.hlc, state.device)",
        )?;
        for op in ops {
            if op.seq <= top {
                continue; // a retried op: already stored
            }
            if op.seq != top + 1 {
                return Ok(PushOutcome::Gap { expected_seq: stored + 1 }); // dropping tx rolls back
            }
            let body = serde_json::to_string(op)?;
            insert_op.execute(params![space_s, device_s, op.seq as i64, op.hlc.as_i64(), body])?;
            let row = op.row.to_string();
            for (field, value) in &op.set {
                upsert_state.execute(params![space_s, op.table, row, field, op.hlc.as_i64(), device_s, value.to_string()])?;
            }
            top = op.seq;
            space_top = op.seq;
        }
    }
    if top > stored {
        tx.execute(
            "INSERT INTO devices (device, max_seq) VALUES (?1, ?2) ON CONFLICT (device) DO UPDATE SET max_seq = excluded.max_seq",
            params![device_s, top as i64],
        )?;
        tx.execute(
            "INSERT INTO space_devices (space, device, max_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT (space, device) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
            params![space_s, device_s, space_top as i64],
        )?;
    }
    tx.commit()?;
    if top > stored {
        tracing::debug!(%space, %device, from = stored + 1, to = top, "stored ops");
    }
    Ok(PushOutcome::Accepted { up_to: top })
}

fn pull_ops(conn: &mut Connection, space: Uuid, cursor: VersionVector, limit: usize) -> Result<PullResponse, StoreError> {
    // One read transaction: the per-device maxima and the ops come from the same snapshot.
    let tx = conn.transaction()?;
    let space_s = space.to_string();
    let tops: Vec<(Uuid, u64)> = {
        let mut stmt = tx.prepare_cached("SELECT device, max_seq FROM space_devices WHERE space = ?1 ORDER BY device")?;
        let rows = stmt.query_map([&space_s], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut tops = Vec::new();
        for row in rows {
            let (d, top) = row?;
            let d = Uuid::parse_str(&d).map_err(|e| StoreError::Storage(format!("device id: {e}")))?;
            tops.push((d, top as u64));
        }
        tops
    };
    let mut next = cursor;
    let mut ops = Vec::new();
    let mut stmt =
        tx.prepare_cached("SELECT seq, body FROM ops WHERE space = ?1 AND device = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4")?;
    for (device, top) in &tops {
        let seen = next.get(device);
        if seen >= *top || ops.len() >= limit {
            continue;
        }
        let rows = stmt.query_map(
            params![space_s, device.to_string(), seen as i64, (limit - ops.len()) as i64],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )?;
        for row in rows {
            let (seq, body) = row?;
            ops.push(serde_json::from_str::<Op>(&body)?);
            next.advance(*device, seq as u64);
        }
    }
    let has_more = tops.iter().any(|(d, top)| next.get(d) < *top);
    drop(stmt);
    tx.commit()?;
    Ok(PullResponse { ops, cursor: next, has_more })
}
