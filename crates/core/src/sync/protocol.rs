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

/// `POST /v1/push`: ops of one device in one space, continuing the device's sequence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub space: Uuid,
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

/// Ops after the request's cursor (in seq order per device), the cursor to send next time, and
/// whether more ops are waiting.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    pub ops: Vec<Op>,
    pub cursor: VersionVector,
    pub has_more: bool,
}

/// An error answer from the server: a stable `code` to branch on and a message for people.
/// A push that does not continue the device's sequence carries the seq the server expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
}
