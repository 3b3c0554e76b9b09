//! The local store: one SQLCipher database per book. All SQL of core lives under this module.
//!
//! One writer connection (behind a mutex) takes every change through [`write::WriteTx`];
//! readers come from a small pool so views and search never wait for a write.

pub mod archive;
pub mod codec;
pub mod dump;
pub mod health;
pub mod heads;
pub mod import;
pub mod migrate;
pub mod query;
pub mod reminders;
pub mod search;
pub mod sync_state;
pub mod text;
pub mod views;
pub mod write;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use uuid::Uuid;

/// The secret that opens a book.
#[derive(Clone)]
pub enum Key {
    /// 32 random bytes (kept in the OS keyring; also what the recovery key encodes).
    Raw([u8; 32]),
    /// A passphrase, stretched by SQLCipher's own KDF (PBKDF2-HMAC-SHA512, 256,000 rounds).
    Passphrase(String),
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(***)")
    }
}

impl Key {
    fn pragma_value(&self) -> String {
        match self {
            Key::Raw(bytes) => {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                format!("x'{hex}'")
            }
            Key::Passphrase(p) => p.clone(),
        }
    }
}

/// The identity of this install within the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceInfo {
    pub device: Uuid,
    /// Index of this device in the `devices` table (field clocks refer to it).
    pub idx: i64,
    /// The user's private space: where new records go.
    pub space: Uuid,
}

pub(crate) struct Writer {
    pub conn: Connection,
    pub hlc: Hlc,
    pub seq: u64,
}

pub struct Store {
    path: PathBuf,
    key: Key,
    writer: Mutex<Writer>,
    readers: Mutex<Vec<Connection>>,
    pub(crate) device: DeviceInfo,
    pub(crate) clock: Arc<dyn Clock>,
}

const READERS_KEPT: usize = 4;

fn open_conn(path: &Path, key: &Key, flags: OpenFlags) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").ok();
    conn.pragma_update(None, "key", key.pragma_value())?;
    // Touch the schema: a wrong key fails here with "file is not a database".
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::NotADatabase => {
            return Err(Error::WrongKey)
        }
        Err(e) => return Err(e.into()),
    }
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;",
    )?;
    // The query planner's stability guarantee: without it SQLite compiles a bound `LIMIT ?`
    // (and a value matched against a partial index) into the plan, so every new binding
    // recompiles the cached statement on its next step.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(conn)
}

/// The writer's page cache, in KiB (see [`Store::open`]).
const WRITER_CACHE_KIB: u32 = 131_072;

impl Store {
    /// Opens (creating if needed) the book at `path`, migrating it to this binary's schema.
    pub fn open(path: &Path, key: Key, clock: Arc<dyn Clock>) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Storage(format!("cannot create {}: {e}", dir.display())))?;
        }
        // The writer is only used behind `Store::writer`'s mutex: SQLite's own per-call locking
        // (a lock and unlock around every step of every statement) is not needed.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = open_conn(path, &key, flags)?;
        migrate::migrate(&mut conn)?;
        // The writer gets a larger page cache than readers: a bulk write (an import, a sync
        // catching up) touches index pages all over the book, and re-reading one means
        // decrypting it again. Pages are only held once touched.
        conn.execute_batch(&format!("PRAGMA cache_size = -{WRITER_CACHE_KIB};"))?;
        // The write path prepares a statement per table and per kind of change; rusqlite keeps
        // 16 by default, and a sync applying ops of every kind would re-prepare in turn.
        conn.set_prepared_statement_cache_capacity(128);
        let device = ensure_identity(&conn)?;
        let hlc = Hlc::from_i64(meta_get(&conn, "hlc")?.and_then(|v| v.parse().ok()).unwrap_or(0));
        let seq: u64 = meta_get(&conn, "device_seq")?.and_then(|v| v.parse().ok()).unwrap_or(0);
        Ok(Store {
            path: path.to_path_buf(),
            key,
            writer: Mutex::new(Writer { conn, hlc, seq }),
            readers: Mutex::new(Vec::new()),
            device,
            clock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn device(&self) -> DeviceInfo {
        self.device
    }

    pub(crate) fn writer(&self) -> Result<MutexGuard<'_, Writer>> {
        self.writer.lock().map_err(|_| Error::Storage("the writer was poisoned by an earlier failure".into()))
    }

    /// Runs `f` on a read connection from the pool.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = {
            let mut pool = self.readers.lock().map_err(|_| Error::Storage("reader pool poisoned".into()))?;
            pool.pop()
        };
        let conn = match conn {
            Some(c) => c,
            None => open_conn(&self.path, &self.key, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?,
        };
        let out = f(&conn);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < READERS_KEPT {
                pool.push(conn);
            }
        }
        out
    }

    /// Runs `f` inside one write transaction; everything it wrote commits together or not at
    /// all. Returns what `f` returned and the ops it queued.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut write::WriteTx<'_>) -> Result<T>) -> Result<(T, Vec<write::Changed>)> {
        let mut guard = self.writer()?;
        let w = &mut *guard;
        let (hlc0, seq0) = (w.hlc, w.seq);
        let tx = w.conn.transaction()?;
        let mut wtx = write::WriteTx::new(&tx, self.device, self.clock.as_ref(), hlc0, seq0);
        let out = f(&mut wtx);
        let lifted = wtx.lifted_limit();
        let result = match out {
            Ok(v) => match wtx.finish().and_then(|(hlc, seq, changed)| Ok((hlc, seq, changed, tx.commit()?))) {
                Ok((hlc, seq, changed, ())) => {
                    w.hlc = hlc;
                    w.seq = seq;
                    Ok((v, changed))
                }
                Err(e) => Err(e),
            },
            Err(e) => {
                drop(wtx);
                tx.rollback().ok();
                Err(e)
            }
        };
        // A bulk write ran without the memory limit: put it back, and give back what the
        // writer's cache grew to (the next small edit does not need 128 MiB of pages).
        if let Some(limit) = lifted {
            set_soft_heap_limit(limit);
            w.conn.execute_batch("PRAGMA shrink_memory;").ok();
            trim_heap();
        }
        result
    }

    /// Reads a setting stored as JSON.
    pub fn setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.read(|c| {
            let v: Option<String> = c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
            Ok(match v {
                Some(s) => Some(serde_json::from_str(&s)?),
                None => None,
            })
        })
    }

    pub fn set_setting<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let json = serde_json::to_string(value)?;
        let w = self.writer()?;
        w.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            rusqlite::params![key, json],
        )?;
        Ok(())
    }

    /// Runs `f` with the writer's page cache bounded to `kib` (a background job that reads much
    /// of the book once and writes little, such as recomputing every account's health band,
    /// has no use for 128 MiB of pages it will not read again), then gives back what the cache
    /// held and restores its size, whether `f` succeeded or not.
    pub(crate) fn with_writer_cache<R>(&self, kib: u32, f: impl FnOnce() -> Result<R>) -> Result<R> {
        self.writer()?.conn.execute_batch(&format!("PRAGMA cache_size = -{kib};"))?;
        let out = f();
        let restored = self
            .writer()
            .and_then(|w| Ok(w.conn.execute_batch(&format!("PRAGMA shrink_memory; PRAGMA cache_size = -{WRITER_CACHE_KIB};"))?));
        trim_heap();
        let out = out?;
        restored?;
        Ok(out)
    }

    /// Gives back the memory a bulk write left in the writer's page cache (an import, a sync
    /// catching up, recomputing every account's health): up to 128 MiB of decrypted pages that
    /// the next small edit does not need. The readers keep theirs (the screens' reads are warm).
    pub fn release_memory(&self) -> Result<()> {
        {
            let w = self.writer()?;
            w.conn.execute_batch("PRAGMA shrink_memory;")?;
        }
        trim_heap();
        Ok(())
    }

    /// Writes the WAL back into the main file (on close, and before a backup).
    pub fn checkpoint(&self) -> Result<()> {
        let w = self.writer()?;
        w.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }
}

impl Drop for Store {
    /// Closes the readers before the writer: SQLite writes the WAL back into the book when its
    /// last connection closes, which a read-only connection cannot do. Left behind, the WAL
    /// would be replayed at every open (10 ms for 30 MB).
    fn drop(&mut self) {
        if let Ok(mut pool) = self.readers.lock() {
            pool.clear();
        }
    }
}

/// Bounds the memory SQLite's page caches may grow to, all connections together, in MiB (0:
/// no bound). A soft bound: past it, a connection reuses its least recently used cached pages
/// instead of taking more memory. The desktop app sets one (a long session scrolling 100,000
/// accounts would otherwise fill every reader's cache); a bulk write lifts it while it runs
/// ([`write::WriteTx::bulk`]).
pub fn limit_sqlite_memory(mib: u64) {
    set_soft_heap_limit((mib as i64).saturating_mul(1_048_576));
}

/// Sets SQLite's soft heap limit in bytes; returns the one before.
pub(crate) fn set_soft_heap_limit(bytes: i64) -> i64 {
    // SAFETY: sets a process-wide counter inside SQLite; no pointers.
    unsafe { rusqlite::ffi::sqlite3_soft_heap_limit64(bytes) }
}

/// SQLite's soft heap limit in bytes (0: none).
pub(crate) fn soft_heap_limit() -> i64 {
    // SAFETY: a negative argument only reads the limit.
    unsafe { rusqlite::ffi::sqlite3_soft_heap_limit64(-1) }
}

/// The memory SQLite holds (all connections: page caches, statements), in MiB.
pub fn sqlite_memory_mib() -> f64 {
    // SAFETY: a read of SQLite's global counter; no arguments.
    let bytes = unsafe { rusqlite::ffi::sqlite3_memory_used() };
    (bytes as f64 / 1_048_576.0 * 10.0).round() / 10.0
}

/// Returns the heap's free pages to the OS: glibc keeps what SQLite freed for its next
/// allocation, so without this a shrunk cache still counts in the process's memory.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value],
    )?;
    Ok(())
}

/// Gives a new book its device id and private space; reads them back on later opens.
fn ensure_identity(conn: &Connection) -> Result<DeviceInfo> {
    let device = match meta_get(conn, "device_id")? {
        Some(d) => Uuid::parse_str(&d).map_err(|e| Error::Storage(format!("device id: {e}")))?,
        None => {
            let d = Uuid::now_v7();
            meta_set(conn, "device_id", &d.to_string())?;
            d
        }
    };
    let space = match meta_get(conn, "space_id")? {
        Some(s) => Uuid::parse_str(&s).map_err(|e| Error::Storage(format!("space id: {e}")))?,
        None => {
            let s = Uuid::now_v7();
            meta_set(conn, "space_id", &s.to_string())?;
            s
        }
    };
    conn.execute("INSERT OR IGNORE INTO devices (id) VALUES (?1)", [device.to_string()])?;
    let idx: i64 = conn.query_row("SELECT idx FROM devices WHERE id = ?1", [device.to_string()], |r| r.get(0))?;
    Ok(DeviceInfo { device, idx, space })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_connection_keeps_a_limit_query_compiled_whatever_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let conn = open_conn(&dir.path().join("book.db"), &Key::Raw([7; 32]), flags).unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);").unwrap();
        for limit in 1..=3 {
            let mut stmt = conn.prepare_cached("SELECT n FROM t ORDER BY n LIMIT ?1").unwrap();
            let got: Vec<i64> = stmt.query_map([limit], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            assert_eq!(got, (1..=limit).collect::<Vec<i64>>());
        }
        let stmt = conn.prepare_cached("SELECT n FROM t ORDER BY n LIMIT ?1").unwrap();
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0, "a new LIMIT recompiled the statement");
    }
}
