//! Where the server keeps its data: the `SyncStore` trait and its two backends, SQLite (the
//! embedded default) and PostgreSQL. The HTTP layer is generic over the trait; the backend is
//! picked once, at start, from the database URL.

mod postgres;
mod snapshot;
mod sqlite;

pub use postgres::PgStore;
pub use snapshot::{decode_after, encode_after, is_text_update, merge_text};
pub use sqlite::SqliteStore;

use rapport_core::sync::protocol::{DeviceInfo, Op, SnapshotRow, SpaceInfo, SpaceRequest, VersionVector};
use std::future::Future;
use uuid::Uuid;

/// The most ops one pull returns, whatever the client asks for.
pub const MAX_PULL_LIMIT: usize = 10_000;
/// What a pull returns when the client names no limit.
pub const DEFAULT_PULL_LIMIT: usize = 1_000;
/// The most records one snapshot page returns.
pub const MAX_SNAPSHOT_LIMIT: usize = 5_000;
/// What a snapshot page returns when the client names no limit.
pub const DEFAULT_SNAPSHOT_LIMIT: usize = 1_000;

/// An op as pushed: parsed for the server's checks, and its JSON exactly as the client sent it,
/// which is what is stored and served back (fields this server does not know pass through).
#[derive(Debug, Clone)]
pub struct IncomingOp {
    pub op: Op,
    pub raw: String,
}

impl IncomingOp {
    pub fn from_op(op: Op) -> IncomingOp {
        let raw = serde_json::to_string(&op).unwrap_or_default();
        IncomingOp { op, raw }
    }
}

/// The result of a push that the store could judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Every op of the device up to `up_to` is stored (ops already there were ignored);
    /// `new_in` lists the spaces that received ops they did not have.
    Accepted { up_to: u64, new_in: Vec<Uuid> },
    /// The batch does not continue the device's sequence; nothing was stored. The device should
    /// push again from `expected_seq`.
    Gap { expected_seq: u64 },
}

/// A page of stored ops (their JSON as pushed), the cursor after them, and whether more wait.
#[derive(Debug, Clone, Default)]
pub struct OpsPage {
    pub ops: Vec<String>,
    pub cursor: VersionVector,
    pub has_more: bool,
}

impl OpsPage {
    /// The ops parsed (for tests and tools; the server sends the stored JSON as it is).
    pub fn parsed(&self) -> Result<Vec<Op>, serde_json::Error> {
        self.ops.iter().map(|o| serde_json::from_str(o)).collect()
    }
}

/// A user's sign-in record.
#[derive(Clone)]
pub struct UserAuth {
    pub id: Uuid,
    pub password_hash: String,
}

impl std::fmt::Debug for UserAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserAuth").field("id", &self.id).field("password_hash", &"***").finish()
    }
}

/// The device a bearer token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOwner {
    pub user: Uuid,
    pub device: Uuid,
    pub revoked: bool,
}

/// How many rows each table holds: tests use it to prove a refused request stored nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub ops: i64,
    pub users: i64,
    pub devices: i64,
    pub spaces: i64,
    pub members: i64,
    pub state: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request contradicts itself (an op of another device, a seq of 0).
    #[error("{0}")]
    Invalid(String),
    /// Another user signed up with this email already.
    #[error("an account with this email exists already")]
    EmailTaken,
    /// The thing exists but belongs to someone else.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The database was written by a newer rapport-server.
    #[error("the database is at schema version {found}, newer than this server's {supported}: upgrade rapport-server")]
    TooNew { found: i64, supported: i64 },
    /// The transaction lost a race (serialisation failure, deadlock): running it again is the fix.
    #[error("busy, try again: {0}")]
    Busy(String),
    #[error("storage: {0}")]
    Storage(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Invalid(_) => "invalid",
            StoreError::EmailTaken => "email_taken",
            StoreError::Forbidden(_) => "forbidden",
            StoreError::NotFound(_) => "not_found",
            StoreError::TooNew { .. } => "database_too_new",
            StoreError::Busy(_) => "busy",
            StoreError::Storage(_) => "storage",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Storage(e.to_string())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let code = e.as_database_error().and_then(|d| d.code()).map(|c| c.into_owned());
        if matches!(code.as_deref(), Some("40001" | "40P01")) {
            return StoreError::Busy(e.to_string());
        }
        StoreError::Storage(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Storage(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Durable storage, one implementation per database.
pub trait SyncStore: Clone + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// The number of migrations the database is at.
    fn schema_version(&self) -> i64;

    /// Stores ops of `device` (one gap-free sequence across all spaces). Ops at or below the
    /// device's stored maximum are duplicates and ignored; a batch that would leave a gap is
    /// refused whole. Pushes of one device are serialised.
    fn push(&self, device: Uuid, ops: Vec<IncomingOp>) -> impl Future<Output = Result<PushOutcome>> + Send;

    /// Up to `limit` ops of `space` after `cursor`, in seq order per device, with the cursor to
    /// resume from and whether more are waiting.
    fn pull(&self, space: Uuid, cursor: VersionVector, limit: usize) -> impl Future<Output = Result<OpsPage>> + Send;

    /// The space's version vector: the highest seq stored from each device.
    fn version_vector(&self, space: Uuid) -> impl Future<Output = Result<VersionVector>> + Send;

    /// Up to `limit` records of `space` after `(table, row)`, in that order, from `state`.
    fn snapshot_rows(&self, space: Uuid, after: Option<(String, Uuid)>, limit: usize)
        -> impl Future<Output = Result<Vec<SnapshotRow>>> + Send;

    /// A new user; `email_key` is the lower-cased email, unique. Fails with `EmailTaken`.
    fn create_user(&self, email: &str, email_key: &str, name: &str, password_hash: &str, now: i64)
        -> impl Future<Output = Result<Uuid>> + Send;

    fn user_by_email(&self, email_key: &str) -> impl Future<Output = Result<Option<UserAuth>>> + Send;

    /// Registers `device` for `user` with a new token hash (replacing any older token, and
    /// lifting a revocation). `Forbidden` if the device id belongs to another user.
    fn register_device(&self, user: Uuid, device: Uuid, name: &str, token_hash: &str, now: i64)
        -> impl Future<Output = Result<()>> + Send;

    /// The device holding this token, marking it seen at `now`.
    fn token_owner(&self, token_hash: &str, now: i64) -> impl Future<Output = Result<Option<TokenOwner>>> + Send;

    fn devices(&self, user: Uuid) -> impl Future<Output = Result<Vec<DeviceInfo>>> + Send;

    /// Revokes one of `user`'s devices; `NotFound` if the user has no such device.
    fn revoke_device(&self, user: Uuid, device: Uuid) -> impl Future<Output = Result<()>> + Send;

    /// The spaces `user` owns or is a member of.
    fn spaces(&self, user: Uuid) -> impl Future<Output = Result<Vec<SpaceInfo>>> + Send;

    /// Creates the space owned by `user`, or returns it if `user` created it already
    /// (idempotent). `Forbidden` if the id belongs to someone else's space.
    fn create_space(&self, user: Uuid, req: &SpaceRequest, now: i64) -> impl Future<Output = Result<SpaceInfo>> + Send;

    /// Which of `spaces` the user may read and write (owner or member).
    fn usable_spaces(&self, user: Uuid, spaces: Vec<Uuid>) -> impl Future<Output = Result<Vec<Uuid>>> + Send;

    /// Adds the user with this email to a team space of `owner`. `NotFound` for an unknown
    /// space or email, `Forbidden` if `owner` does not own the space, `Invalid` for a private one.
    fn add_member(&self, owner: Uuid, space: Uuid, email_key: &str) -> impl Future<Output = Result<Uuid>> + Send;

    /// Removes `member` from a space: its owner may remove anyone, a member may leave.
    fn remove_member(&self, by: Uuid, space: Uuid, member: Uuid) -> impl Future<Output = Result<()>> + Send;

    fn counts(&self) -> impl Future<Output = Result<Counts>> + Send;
}

/// Checks that every op belongs to the pusher and carries a usable seq.
pub(crate) fn check_ops(device: Uuid, ops: &[IncomingOp]) -> Result<()> {
    for (i, IncomingOp { op, .. }) in ops.iter().enumerate() {
        if op.device != device {
            return Err(StoreError::Invalid(format!("ops[{i}] is from device {}, not the pushing device {device}", op.device)));
        }
        if op.seq == 0 || op.seq > i64::MAX as u64 {
            return Err(StoreError::Invalid(format!("ops[{i}].seq must be between 1 and {}", i64::MAX)));
        }
    }
    Ok(())
}

/// A clamped limit: 0 means the default.
pub fn clamp(limit: usize, default: usize, max: usize) -> usize {
    if limit == 0 {
        default
    } else {
        limit.min(max)
    }
}

/// What one accepted op changes in the materialised state: its record's causal length, its
/// scalar fields, its text updates. Collected for a whole push and written sorted by key, so two
/// concurrent pushes lock rows in the same order.
#[derive(Debug, Default)]
pub(crate) struct StateWrites {
    /// (space, table, row) -> causal length.
    pub records: std::collections::BTreeMap<(Uuid, String, Uuid), i64>,
    /// (space, table, row, field) -> (hlc, device, value as JSON).
    pub fields: std::collections::BTreeMap<FieldKey, (i64, Uuid, String)>,
    /// (space, table, row, field, device, seq, update).
    pub texts: Vec<TextWrite>,
}

pub(crate) type FieldKey = (Uuid, String, Uuid, String);
pub(crate) type TextWrite = (Uuid, String, Uuid, String, Uuid, i64, Vec<u8>);

impl StateWrites {
    pub fn add(&mut self, op: &Op) {
        let rec = (op.space, op.table.clone(), op.row);
        let cl = op.cl.map(i64::from).unwrap_or(0);
        let e = self.records.entry(rec).or_insert(0);
        *e = (*e).max(cl);
        for (field, value) in &op.set {
            let key = (op.space, op.table.clone(), op.row, field.clone());
            let new = (op.hlc.as_i64(), op.device, value.to_string());
            match self.fields.get(&key) {
                Some(old) if (old.0, old.1) >= (new.0, new.1) => {}
                _ => {
                    self.fields.insert(key, new);
                }
            }
        }
        for (field, update) in &op.text {
            self.texts.push((op.space, op.table.clone(), op.row, field.clone(), op.device, op.seq as i64, update.0.clone()));
        }
    }
}
