//! The PostgreSQL backend (sqlx). Its SQL keeps to what Postgres-compatible distributed engines
//! run too: no sequences, no LISTEN, no advisory locks; a device's pushes are serialised by
//! locking the device's row; transactions that lose a serialisation race are retried.

mod accounts;
mod sync;

use super::{Counts, IncomingOp, OpsPage, PushOutcome, Result, StoreError, SyncStore, TokenOwner, UserAuth};
use rapport_core::sync::protocol::{DeviceInfo, SnapshotRow, SpaceInfo, SpaceRequest, VersionVector};
use sqlx::postgres::{PgPool, PgPoolOptions};
use uuid::Uuid;

/// Numbered migrations, never edited once shipped; `schema_migrations` lists those that ran.
const MIGRATIONS: &[&str] = &[include_str!("../../../migrations/postgres/0001_init.sql")];

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://...`) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await?;
        migrate(&pool).await?;
        Ok(PgStore { pool })
    }

    /// Closes every connection (tests drop their database afterwards).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn migrate(pool: &PgPool) -> Result<()> {
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        .execute(pool)
        .await?;
    let found: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(pool).await?;
    let supported = MIGRATIONS.len() as i64;
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let mut tx = pool.begin().await?;
        // The version row goes in first: a second server migrating at once fails here.
        sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
            .bind((i + 1) as i64)
            .bind(crate::now_millis())
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql)).execute(&mut *tx).await?;
        tx.commit().await?;
        tracing::info!(version = i + 1, "migrated the server database");
    }
    Ok(())
}

/// Whether a transaction failed only because it lost a race (serialisation or deadlock) and
/// running it again is the fix.
fn retryable(e: &StoreError) -> bool {
    matches!(e, StoreError::Busy(_))
}

impl SyncStore for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn schema_version(&self) -> i64 {
        MIGRATIONS.len() as i64
    }

    async fn push(&self, device: Uuid, ops: Vec<IncomingOp>) -> Result<PushOutcome> {
        super::check_ops(device, &ops)?;
        let mut attempt = 0;
        loop {
            match sync::push(&self.pool, device, &ops).await {
                Err(e) if retryable(&e) && attempt < 5 => {
                    attempt += 1;
                    tracing::debug!(%device, attempt, error = %e, "push lost a race; retrying");
                }
                r => return r,
            }
        }
    }

    async fn pull(&self, space: Uuid, cursor: VersionVector, limit: usize) -> Result<OpsPage> {
        let limit = super::clamp(limit, super::DEFAULT_PULL_LIMIT, super::MAX_PULL_LIMIT);
        sync::pull(&self.pool, space, cursor, limit).await
    }

    async fn version_vector(&self, space: Uuid) -> Result<VersionVector> {
        sync::version_vector(&self.pool, space).await
    }

    async fn snapshot_rows(&self, space: Uuid, after: Option<(String, Uuid)>, limit: usize) -> Result<Vec<SnapshotRow>> {
        let limit = super::clamp(limit, super::DEFAULT_SNAPSHOT_LIMIT, super::MAX_SNAPSHOT_LIMIT);
        sync::snapshot_rows(&self.pool, space, after, limit).await
    }

    async fn create_user(&self, email: &str, email_key: &str, name: &str, password_hash: &str, now: i64) -> Result<Uuid> {
        accounts::create_user(&self.pool, email, email_key, name, password_hash, now).await
    }

    async fn user_by_email(&self, email_key: &str) -> Result<Option<UserAuth>> {
        accounts::user_by_email(&self.pool, email_key).await
    }

    async fn register_device(&self, user: Uuid, device: Uuid, name: &str, token_hash: &str, now: i64) -> Result<()> {
        accounts::register_device(&self.pool, user, device, name, token_hash, now).await
    }

    async fn token_owner(&self, token_hash: &str, now: i64) -> Result<Option<TokenOwner>> {
        accounts::token_owner(&self.pool, token_hash, now).await
    }

    async fn devices(&self, user: Uuid) -> Result<Vec<DeviceInfo>> {
        accounts::devices(&self.pool, user).await
    }

    async fn revoke_device(&self, user: Uuid, device: Uuid) -> Result<()> {
        accounts::revoke_device(&self.pool, user, device).await
    }

    async fn spaces(&self, user: Uuid) -> Result<Vec<SpaceInfo>> {
        accounts::spaces(&self.pool, user).await
    }

    async fn create_space(&self, user: Uuid, req: &SpaceRequest, now: i64) -> Result<SpaceInfo> {
        accounts::create_space(&self.pool, user, req, now).await
    }

    async fn usable_spaces(&self, user: Uuid, spaces: Vec<Uuid>) -> Result<Vec<Uuid>> {
        accounts::usable_spaces(&self.pool, user, spaces).await
    }

    async fn add_member(&self, owner: Uuid, space: Uuid, email_key: &str) -> Result<Uuid> {
        accounts::add_member(&self.pool, owner, space, email_key).await
    }

    async fn remove_member(&self, by: Uuid, space: Uuid, member: Uuid) -> Result<()> {
        accounts::remove_member(&self.pool, by, space, member).await
    }

    async fn counts(&self) -> Result<Counts> {
        let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM ops), (SELECT count(*) FROM users), (SELECT count(*) FROM devices),
                    (SELECT count(*) FROM spaces), (SELECT count(*) FROM members),
                    (SELECT count(*) FROM state) + (SELECT count(*) FROM records) + (SELECT count(*) FROM texts)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Counts { ops: row.0, users: row.1, devices: row.2, spaces: row.3, members: row.4, state: row.5 })
    }
}
