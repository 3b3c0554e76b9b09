//! The SQLite backend: one file, zero setup. One connection writes; pushes go to one thread
//! that commits all the pushes waiting at that moment in one transaction (group commit), each
//! in a savepoint of its own, so a device's pushes (and everyone's) are serialised and each is
//! still all or nothing. Reads run on a few read-only connections (WAL), at most one task per
//! connection at a time.

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
/// The most pushes committed in one transaction.
const MAX_GROUP: usize = 128;

/// The most spaces whose version vector is kept in memory (past it, the cache starts again).
const MAX_CACHED_SPACES: usize = 10_000;

/// The version vector of each space pulled lately, kept current by the group-commit thread
/// after every commit, so a pull does not read one row per device of the space. It only ever
/// holds committed seqs: a pull that read a space's vector while a commit happened does not
/// keep it (`gen` moved). One server process per database file, as SQLite is meant here.
#[derive(Default)]
struct Vectors {
    gen: u64,
    spaces: std::collections::HashMap<Uuid, Arc<VersionVector>>,
}

/// Work for the group-commit thread.
enum WriteJob {
    Push { device: Uuid, ops: Vec<IncomingOp>, reply: tokio::sync::oneshot::Sender<Result<PushOutcome>> },
    /// A device's `last_seen`; nobody waits for it.
    Touch { device: Uuid, now: i64 },
}

#[derive(Clone)]
pub struct SqliteStore {
    /// The one connection that writes; pushes (and every write) are serialised on it.
    conn: Arc<Mutex<Connection>>,
    /// Connections for reads (pulls, snapshots, token checks); empty for a database in memory,
    /// which then reads through `conn`.
    readers: Arc<Vec<Mutex<Connection>>>,
    /// One permit per reader connection: a read waits here, not in a blocking thread.
    reading: Arc<tokio::sync::Semaphore>,
    /// To the group-commit thread (which ends when the last store clone is dropped).
    writes: std::sync::mpsc::Sender<WriteJob>,
    vectors: Arc<Mutex<Vectors>>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let mut store = Self::setup(Connection::open(path)?)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let c = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
            settle(&c)?;
            readers.push(Mutex::new(c));
        }
        store.readers = Arc::new(readers);
        store.reading = Arc::new(tokio::sync::Semaphore::new(READERS));
        Ok(store)
    }

    /// A database in memory, for tests.
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<SqliteStore> {
        settle(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn)?;
        let conn = Arc::new(Mutex::new(conn));
        let (writes, jobs) = std::sync::mpsc::channel();
        let (writer, vectors) = (conn.clone(), Arc::new(Mutex::new(Vectors::default())));
        let cache = vectors.clone();
        std::thread::Builder::new()
            .name("rapport-sqlite-writer".into())
            .spawn(move || group_commit(&writer, &cache, &jobs))
            .map_err(|e| StoreError::Storage(format!("starting the writer thread: {e}")))?;
        Ok(SqliteStore { conn, readers: Arc::new(Vec::new()), reading: Arc::new(tokio::sync::Semaphore::new(1)), writes, vectors })
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

    /// Runs a read on a free reader connection, or on the writer in memory. Waits for a permit
    /// first, so a burst of requests queues here instead of in hundreds of blocked threads.
    async fn with_reader<T: Send + 'static>(&self, f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static) -> Result<T> {
        if self.readers.is_empty() {
            return self.with_conn(f).await;
        }
        let permit = self.reading.clone().acquire_owned().await.map_err(|_| StoreError::Storage("the store is closed".into()))?;
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            // A permit is held per connection in use, so one of them is free.
            let free = readers.iter().find_map(|r| r.try_lock().ok());
            let mut guard = match free {
                Some(g) => g,
                None => readers[0].lock().map_err(|_| StoreError::Storage("database lock poisoned".into()))?,
            };
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Storage(format!("database task: {e}")))?
    }

    fn send(&self, job: WriteJob) -> Result<()> {
        self.writes.send(job).map_err(|_| StoreError::Storage("the writer thread stopped".into()))
    }
}

/// What every connection gets: a busy timeout, and the query planner's stability guarantee.
/// Without the guarantee SQLite (3.47 on) compiles a bound `LIMIT ?` value into the statement's
/// plan, so every new binding recompiles a cached statement on its next step: a pull, which runs
/// its `LIMIT` query once per device it reads, spent a third of its time in the SQL parser.
fn settle(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// The group-commit thread: takes every job waiting (up to [`MAX_GROUP`]), runs them in one
/// transaction, commits, then answers each push. A push that fails or leaves a gap is rolled
/// back to its savepoint alone.
fn group_commit(conn: &Mutex<Connection>, vectors: &Mutex<Vectors>, jobs: &std::sync::mpsc::Receiver<WriteJob>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let mut pushes = Vec::with_capacity(group.len());
        let mut touches = Vec::new();
        for job in group {
            match job {
                WriteJob::Push { device, ops, reply } => pushes.push((device, ops, reply)),
                WriteJob::Touch { device, now } => touches.push((device, now)),
            }
        }
        let outcome = match conn.lock() {
            Ok(mut c) => {
                let batch: Vec<(Uuid, &[IncomingOp])> = pushes.iter().map(|(d, ops, _)| (*d, ops.as_slice())).collect();
                sync::push_group(&mut c, &batch, &touches)
            }
            Err(_) => Err(StoreError::Storage("database lock poisoned".into())),
        };
        match outcome {
            Ok(results) => {
                if let Ok(mut v) = vectors.lock() {
                    v.gen += 1;
                    for ((_, ops, _), r) in pushes.iter().zip(&results) {
                        let Ok(PushOutcome::Accepted { up_to, .. }) = r else { continue };
                        for IncomingOp { op, .. } in ops.iter().filter(|o| o.op.seq <= *up_to) {
                            if let Some(vv) = v.spaces.get_mut(&op.space) {
                                Arc::make_mut(vv).advance(op.device, op.seq);
                            }
                        }
                    }
                }
                for ((_, _, reply), r) in pushes.into_iter().zip(results) {
                    let _ = reply.send(r); // the request may have gone away
                }
            }
            Err(e) => {
                tracing::error!(error = %e, pushes = pushes.len(), "a group commit failed");
                for (_, _, reply) in pushes {
                    let _ = reply.send(Err(StoreError::Storage(e.to_string())));
                }
            }
        }
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
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.send(WriteJob::Push { device, ops, reply })?;
        answer.await.map_err(|_| StoreError::Storage("the writer thread stopped".into()))?
    }

    async fn pull(&self, space: Uuid, cursor: VersionVector, limit: usize) -> Result<OpsPage> {
        let limit = super::clamp(limit, super::DEFAULT_PULL_LIMIT, super::MAX_PULL_LIMIT);
        let vectors = self.vectors.clone();
        self.with_reader(move |c| {
            let poisoned = || StoreError::Storage("version vector cache poisoned".into());
            let (gen, known) = vectors.lock().map(|v| (v.gen, v.spaces.get(&space).cloned())).map_err(|_| poisoned())?;
            let (page, loaded) = sync::pull(c, space, cursor, limit, known.as_deref())?;
            if let Some(vv) = loaded {
                let mut v = vectors.lock().map_err(|_| poisoned())?;
                if v.gen == gen {
                    if v.spaces.len() >= MAX_CACHED_SPACES {
                        v.spaces.clear();
                    }
                    v.spaces.insert(space, Arc::new(vv));
                }
            }
            Ok(page)
        })
        .await
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
            // Written with the next group of pushes; the request does not wait for it.
            if !owner.revoked && last_seen.is_none_or(|t| now - t >= 60_000) {
                self.send(WriteJob::Touch { device: owner.device, now })?;
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
