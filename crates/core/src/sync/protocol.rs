//! The op format of SYNC.md, shared by client and server.

use crate::hlc::Hlc;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The schema version this binary writes into ops.
pub const SCHEMA_VERSION: u32 = 4;

/// One change to one record, made at one instant by one device.
///
/// SYNC.md describes an op as a change to one field. An op here may carry several fields written
/// at the same instant (a record's creation sets all of them): it is exactly the set of per-field
/// ops that share `(device, hlc)`, merged field by field on apply, with a `prev` clock per field.
/// Keeping them together makes the outbox about eight times smaller for a new record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub space: Uuid,
    pub device: Uuid,
    /// Gap-free per device, starting at 1.
    pub seq: u64,
    pub hlc: Hlc,
    /// The record kind (`account`, `note`, ...).
    pub table: String,
    pub row: Uuid,
    /// Scalar fields written, last-writer-wins per field by `(hlc, device)`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, serde_json::Value>,
    /// Text CRDT updates (yrs v1 encoding), merged, never overwritten.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub text: BTreeMap<String, TextUpdate>,
    /// Causal length after this op: odd is alive, even is deleted; the highest wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cl: Option<u32>,
    /// For each field in `set`, the clock of the version this op overwrote (absent: none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prev: BTreeMap<String, Hlc>,
    /// For each field in `set`, other versions this write also overwrote: concurrent versions
    /// the writer had seen (and so settled, e.g. by resolving a conflict or editing a list).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub also_prev: BTreeMap<String, Vec<Hlc>>,
    pub schema: u32,
}

/// A yrs update, base64 on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextUpdate(pub Vec<u8>);

impl Serialize for TextUpdate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for TextUpdate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .map(TextUpdate)
            .map_err(serde::de::Error::custom)
    }
}

/// The part of an op kept in the outbox's `body` column (the rest has columns of its own).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct OpBody {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub text: BTreeMap<String, TextUpdate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cl: Option<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prev: BTreeMap<String, Hlc>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub also_prev: BTreeMap<String, Vec<Hlc>>,
}

/// A cursor: for each device, the highest `seq` of its ops already seen in one space.
///
/// A device's ops reach the server in seq order with no gaps, so "everything up to seq N from
/// device D" is a safe place to resume: a cursor can never skip an op.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionVector(pub BTreeMap<Uuid, u64>);

impl VersionVector {
    /// The highest seq seen from `device` (0: none).
    pub fn get(&self, device: &Uuid) -> u64 {
        self.0.get(device).copied().unwrap_or(0)
    }

    /// Records that everything up to `seq` from `device` has been seen.
    pub fn advance(&mut self, device: Uuid, seq: u64) {
        let e = self.0.entry(device).or_insert(0);
        *e = (*e).max(seq);
    }
}

/// `POST /v1/push`: ops of one device, continuing its sequence. A device has one gap-free
/// sequence across all spaces, so a batch may name several spaces (each op names its own); the
/// server checks that the device may write every one of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub device: Uuid,
    pub ops: Vec<Op>,
}

/// The answer to an accepted push: every op of the device up to `accepted_seq` is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub accepted_seq: u64,
}

/// `POST /v1/pull`: the ops of a space after a cursor, at most `limit` of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRequest {
    pub space: Uuid,
    #[serde(default)]
    pub cursor: VersionVector,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// Ops of one space after the request's cursor (in seq order per device), the cursor to send
/// next time, whether more ops are waiting, and the oldest client schema the space still accepts
/// (a client whose [`SCHEMA_VERSION`] is lower is too old: it keeps working offline and says so).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    #[serde(default)]
    pub space: Uuid,
    pub ops: Vec<Op>,
    pub cursor: VersionVector,
    pub has_more: bool,
    #[serde(default)]
    pub min_schema: u32,
}

/// `POST /v1/sync`: the common round trip. Pushes `push` (the device's ops from its next
/// unacknowledged seq, possibly empty), then pulls each space of `pull` after its cursor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRequest {
    pub device: Uuid,
    #[serde(default)]
    pub push: Vec<Op>,
    #[serde(default)]
    pub pull: Vec<PullRequest>,
}

/// The answer to `/v1/sync`: what was accepted (as `/v1/push` answers; on a gap the whole
/// request fails with 409 and nothing is pulled) and one page per pulled space.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncResponse {
    pub accepted_seq: u64,
    pub pulls: Vec<PullResponse>,
}

/// `GET /v1/snapshot?space=S&after=A&limit=N`: the current state of a space's records, keyset
/// paged by `(table, row)`. A new device applies every page, then pulls ops after `cursor` (the
/// space's version vector when the first page was read). Applying state newer than the cursor
/// and then the ops after it converges, because every field is last-writer-wins by clock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotPage {
    pub space: Uuid,
    pub rows: Vec<SnapshotRow>,
    pub cursor: VersionVector,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The winning state of one record: each scalar field with the clock that wrote it, each text
/// field as one merged yrs update, and the record's causal length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRow {
    pub table: String,
    pub row: Uuid,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldState>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub text: BTreeMap<String, TextUpdate>,
    #[serde(default)]
    pub cl: u32,
}

/// One field's winning value and the `(hlc, device)` that wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldState {
    pub value: serde_json::Value,
    pub hlc: Hlc,
    pub device: Uuid,
}

/// `POST /v1/signup`: a new user. The password is hashed with argon2id and never stored.
#[derive(Clone, Serialize, Deserialize)]
pub struct SignUpRequest {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub name: String,
}

/// `POST /v1/login`: signs in and registers (or re-registers) `device`, returning its token.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    pub device: Uuid,
    #[serde(default)]
    pub device_name: String,
}

/// A device token, sent afterwards as `Authorization: Bearer <token>`. The server keeps only
/// its hash; revoking the device makes it useless.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    pub user: Uuid,
    pub device: Uuid,
    pub token: String,
}

impl std::fmt::Debug for SignUpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignUpRequest").field("email", &self.email).field("password", &"***").finish()
    }
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest").field("email", &self.email).field("password", &"***").field("device", &self.device).finish()
    }
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse").field("user", &self.user).field("device", &self.device).field("token", &"***").finish()
    }
}

/// `GET /v1/devices`: the signed-in user's devices. `DELETE /v1/devices/{id}` revokes one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: Uuid,
    pub name: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
    pub revoked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpaceKind {
    /// One user's own book; every device of that user reads and writes it.
    Private,
    /// Shared by its members (an AE handing accounts to an account manager).
    Team,
}

/// `POST /v1/spaces`: creates a space with a client-chosen id (a book made offline already has
/// one), owned by the signed-in user. Idempotent; 403 if the id belongs to someone else.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpaceRequest {
    pub id: Uuid,
    pub name: String,
    pub kind: SpaceKind,
}

/// `GET /v1/spaces`: the spaces the signed-in user may read and write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpaceInfo {
    pub id: Uuid,
    pub name: String,
    pub kind: SpaceKind,
    pub owner: Uuid,
}

/// `POST /v1/spaces/{id}/members`: adds the user with this email to a team space (owner only).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberRequest {
    pub email: String,
}

/// A server-sent event on `GET /v1/events` (`event: poke`): `space` has new ops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poke {
    pub space: Uuid,
}

/// An error answer from the server: a stable `code` to branch on and a message for people.
/// A push that does not continue the device's sequence carries the seq the server expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
    /// The request field a validation error is about (`ops[3].seq`, `email`, `limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
