//! How the engine reaches a server: the HTTP client in production, a simulated network in the
//! simulation tests. The engine is generic over it.

use super::protocol::{SnapshotPage, SpaceInfo, SpaceRequest, SyncRequest, SyncResponse};
use std::future::Future;
use uuid::Uuid;

/// Why a round trip failed, as the engine needs to tell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No answer (no network, server down, timeout): a normal state, retried later.
    #[error("offline: {0}")]
    Offline(String),
    /// The device token is missing, unknown or revoked: the user must sign in again.
    #[error("sign-in needed: {0}")]
    Unauthorized(String),
    /// The device may not use this space.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The push does not continue the device's sequence: the server expects this seq next.
    #[error("the server expects seq {expected_seq} next")]
    Gap { expected_seq: u64 },
    /// The server needs a newer client.
    #[error("this Rapport is too old for the server")]
    TooOld,
    /// Anything else the server answered (a bug, a 5xx): retried with back-off.
    #[error("server: {0}")]
    Server(String),
}

pub trait Transport: Send + Sync {
    /// Pushes ops and pulls spaces in one round trip (`POST /v1/sync`).
    fn sync(&self, req: SyncRequest) -> impl Future<Output = Result<SyncResponse, TransportError>> + Send;

    /// One page of a space's current state (`GET /v1/snapshot`).
    fn snapshot(&self, space: Uuid, after: Option<String>, limit: usize) -> impl Future<Output = Result<SnapshotPage, TransportError>> + Send;

    /// The spaces this device may use (`GET /v1/spaces`).
    fn spaces(&self) -> impl Future<Output = Result<Vec<SpaceInfo>, TransportError>> + Send;

    /// Creates a space with the client's id, idempotently (`POST /v1/spaces`).
    fn create_space(&self, req: SpaceRequest) -> impl Future<Output = Result<(), TransportError>> + Send;
}
