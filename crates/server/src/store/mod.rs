//! Where the server keeps ops: the `SyncStore` trait and its backends (SQLite for now).

mod sqlite;

pub use sqlite::SqliteStore;

use rapport_core::sync::protocol::{Op, PullResponse, VersionVector};
use std::future::Future;
use uuid::Uuid;

/// The most ops one pull returns, whatever the client asks for.
pub const MAX_PULL_LIMIT: usize = 10_000;
/// What a pull returns when the client names no limit.
pub const DEFAULT_PULL_LIMIT: usize = 1_000;

/// The result of a push that the store could judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Every op of the device up to this seq is stored (ops already there were ignored).
    Accepted { up_to: u64 },
    /// The batch does not continue the device's sequence; nothing was stored. The device should
    /// push again from `expected_seq`.
    Gap { expected_seq: u64 },
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request contradicts itself (an op of another device or space, a seq of 0).
    #[error("{0}")]
    Invalid(String),
    /// The database was written by a newer rapport-server.
    #[error("the database is at schema version {found}, newer than this server's {supported}: upgrade rapport-server")]
    TooNew { found: i64, supported: i64 },
    #[error("storage: {0}")]
    Storage(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Invalid(_) => "invalid",
            StoreError::TooNew { .. } => "database_too_new",
            StoreError::Storage(_) => "storage",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Storage(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Storage(e.to_string())
    }
}

/// Durable storage of ops, one implementation per database. The HTTP layer is generic over it.
pub trait SyncStore: Clone + Send + Sync + 'static {
    /// Stores `ops` of `device` in `space`. Ops must continue the device's sequence: ops at or
    /// below the stored maximum are duplicates and ignored; a batch that would leave a gap is
    /// refused whole. Pushes of one device are serialised.
    fn push(&self, space: Uuid, device: Uuid, ops: Vec<Op>) -> impl Future<Output = Result<PushOutcome, StoreError>> + Send;

    /// Up to `limit` ops of `space` after `cursor`, in seq order per device, with the cursor to
    /// resume from and whether more are waiting.
    fn pull(&self, space: Uuid, cursor: VersionVector, limit: usize) -> impl Future<Output = Result<PullResponse, StoreError>> + Send;
}

/// Checks that every op belongs to the pusher and carries a usable seq.
pub(crate) fn check_ops(space: Uuid, device: Uuid, ops: &[Op]) -> Result<(), StoreError> {
    for op in ops {
        if op.device != device {
            return Err(StoreError::Invalid(format!("op {} is from device {}, not the pushing device {device}", op.seq, op.device)));
        }
        if op.space != space {
            return Err(StoreError::Invalid(format!("op {} is in space {}, not the pushed space {space}", op.seq, op.space)));
        }
        if op.seq == 0 {
            return Err(StoreError::Invalid("op seq starts at 1".into()));
        }
    }
    Ok(())
}
