//! The SQLite backend: one file, zero setup. One connection behind a mutex; every call runs on
//! tokio's blocking pool, so a device's pushes (and everyone's) are serialised.

mod accounts;
mod sync;

use super::{Counts, IncomingOp, OpsPage, PushOutcome, Result, StoreError, SyncStore, TokenOwner, UserAuth};
use rapport_core::sync::protocol::{DeviceInfo, SnapshotRow, SpaceInfo, SpaceRequest, VersionVector};
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Numbered migrations, never edited once shipped. `PRAGMA user_version` holds how many ran.
const MIGRATIONS: &[&str] =
    &[include_str!("../../../migrations/sqlite/0001_ops.sql"), include_str!("../../../migrations/sqlite/0002_accounts.sql")];

/// How many read-only connections a file database gets (WAL lets them read while one writes).
const READERS: usize = 4;

#[derive(Clone)]
pub struct SqliteStore {
    /// The one connection that writes; pushes (and every write) are serialised on it.
    conn: Arc<Mutex<Connection>>,
    /// Connections for reads (pulls, snapshots, token checks); empty for a database in memory,
    /// which then reads through `conn`.
    readers: Arc<Vec<Mutex<Connection>>>,
    next_reader: Arc<std::sync::atomic::AtomicUsize>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let mut store = Self::setup(Connection::open(path)?)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let c = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
            c.busy_timeout(std::time::Duration::from_secs(5))?;
            readers.push(Mutex::new(c));
        }
        store.readers = Arc::new(readers);
        Ok(store)
    }

    /// A database in memory, for tests.
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<SqliteStore> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn)?;
        Ok(SqliteStore { conn: Arc::new(Mutex::new(conn)), readers: Arc::new(Vec::new()), next_reader: Arc::default() })
    }

    async fn with_conn<T: Send + 'static>(&self, f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Storage("database lock poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Storage(format!("database task: {e}")))?
    }

    /// Runs a read on a reader connection (a free one if any), or on the writer in memory.
    async fn with_reader<T: Send + 'static>(&self, f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static) -> Result<T> {
        if self.readers.is_empty() {
            return self.with_conn(f).await;
        }
        let (readers, start) = (self.readers.clone(), self.next_reader.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        tokio::task::spawn_blocking(move || {
            let n = readers.len();
            let free = (0..n).find_map(|i| readers[(start + i) % n].try_lock().ok());
            let mut guard = match free {
                Some(g) => g,
                None => readers[start % n].lock().map_err(|_| StoreError::Storage("database lock poisoned".into()))?,
            };
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Storage(format!("database task: {e}")))?
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
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

/// A uuid read back from a TEXT column.
pub(super) fn uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Storage(format!("bad id in the database: {e}")))
}

impl SyncStore for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn schema_version(&self) -> i64 {
        MIGRATIONS.len() as i64
    }

    async fn push(&self, device: Uuid, ops: Vec<IncomingOp>) -> Result<PushOutcome> {
        super::check_ops(device, &ops)?;
        self.with_conn(move |c| sync::push(c, device, &ops)).await
    }

    async fn pull(&self, space: Uuid, cursor: VersionVector, limit: usize) -> Result<OpsPage> {
        let limit = super::clamp(limit, super::DEFAULT_PULL_LIMIT, super::MAX_PULL_LIMIT);
        self.with_reader(move |c| sync::pull(c, space, cursor, limit)).await
    }

    async fn version_vector(&self, space: Uuid) -> Result<VersionVector> {
        self.with_reader(move |c| sync::version_vector(c, space)).await
    }

    async fn snapshot_rows(&self, space: Uuid, after: Option<(String, Uuid)>, limit: usize) -> Result<Vec<SnapshotRow>> {
        let limit = super::clamp(limit, super::DEFAULT_SNAPSHOT_LIMIT, super::MAX_SNAPSHOT_LIMIT);
        self.with_reader(move |c| sync::snapshot_rows(c, space, after, limit)).await
    }

    async fn create_user(&self, email: &str, email_key: &str, name: &str, password_hash: &str, now: i64) -> Result<Uuid> {
        let (email, key, name, hash) = (email.to_string(), email_key.to_string(), name.to_string(), password_hash.to_string());
        self.with_conn(move |c| accounts::create_user(c, &email, &key, &name, &hash, now)).await
    }

    async fn user_by_email(&self, email_key: &str) -> Result<Option<UserAuth>> {
        let key = email_key.to_string();
        self.with_reader(move |c| accounts::user_by_email(c, &key)).await
    }

    async fn register_device(&self, user: Uuid, device: Uuid, name: &str, token_hash: &str, now: i64) -> Result<()> {
        let (name, hash) = (name.to_string(), token_hash.to_string());
        self.with_conn(move |c| accounts::register_device(c, user, device, &name, &hash, now)).await
    }

    async fn token_owner(&self, token_hash: &str, now: i64) -> Result<Option<TokenOwner>> {
        let hash = token_hash.to_string();
        let found = self.with_reader(move |c| accounts::token_owner(c, &hash)).await?;
        if let Some((owner, last_seen)) = found {
            // Last seen to the minute: no write on every request.
            if !owner.revoked && last_seen.is_none_or(|t| now - t >= 60_000) {
                let device = owner.device;
                self.with_conn(move |c| accounts::touch_device(c, device, now)).await?;
            }
            return Ok(Some(owner));
        }
        Ok(None)
    }

    async fn devices(&self, user: Uuid) -> Result<Vec<DeviceInfo>> {
        self.with_reader(move |c| accounts::devices(c, user)).await
    }

    async fn revoke_device(&self, user: Uuid, device: Uuid) -> Result<()> {
        self.with_conn(move |c| accounts::revoke_device(c, user, device)).await
    }

    async fn spaces(&self, user: Uuid) -> Result<Vec<SpaceInfo>> {
        self.with_reader(move |c| accounts::spaces(c, user)).await
    }

    async fn create_space(&self, user: Uuid, req: &SpaceRequest, now: i64) -> Result<SpaceInfo> {
        let req = req.clone();
        self.with_conn(move |c| accounts::create_space(c, user, &req, now)).await
    }

    async fn usable_spaces(&self, user: Uuid, spaces: Vec<Uuid>) -> Result<Vec<Uuid>> {
        self.with_reader(move |c| accounts::usable_spaces(c, user, &spaces)).await
    }

    async fn add_member(&self, owner: Uuid, space: Uuid, email_key: &str) -> Result<Uuid> {
        let key = email_key.to_string();
        self.with_conn(move |c| accounts::add_member(c, owner, space, &key)).await
    }

    async fn remove_member(&self, by: Uuid, space: Uuid, member: Uuid) -> Result<()> {
        self.with_conn(move |c| accounts::remove_member(c, by, space, member)).await
    }

    async fn counts(&self) -> Result<Counts> {
        self.with_conn(|c| {
            let n = |t: &str| c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0));
            Ok(Counts {
                ops: n("ops")?,
                users: n("users")?,
                devices: n("devices")?,
                spaces: n("spaces")?,
                members: n("members")?,
                state: n("state")? + n("records")? + n("texts")?,
            })
        })
        .await
    }
}
