//! Numbered schema migrations, applied in order at open. A database newer than this binary is
//! refused rather than guessed at.

use crate::error::{Error, Result};
use rusqlite::Connection;

/// Every migration this binary knows, in order. Never edit a shipped one: add the next.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_search.sql")),
    (3, include_str!("../../migrations/0003_touch.sql")),
    (4, include_str!("../../migrations/0004_views.sql")),
    (5, include_str!("../../migrations/0005_index_in_write_path.sql")),
    (6, include_str!("../../migrations/0006_alive_list_indexes.sql")),
    (7, include_str!("../../migrations/0007_import.sql")),
    (8, include_str!("../../migrations/0008_sync.sql")),
    (9, include_str!("../../migrations/0009_bulk_runs.sql")),
    (11, include_str!("../../migrations/0011_account_health.sql")),
];

pub fn latest() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the database up to `target` (normally [`latest`]); each step is one transaction.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = version(conn)?;
    if found > latest() {
        return Err(Error::TooNew { found, known: latest() });
    }
    for (n, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > found && *n <= target) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql).map_err(|e| Error::Storage(format!("migration {n}: {e}")))?;
        tx.pragma_update(None, "user_version", n)?;
        tx.commit()?;
        tracing::info!(version = n, "migrated book");
    }
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, latest())
}
