//! rapport-server: stores every device's ops and hands them to the other devices of a space.
//!
//! Accounts and device tokens, spaces and members, push/pull/sync, snapshots for new devices,
//! server-sent pokes, an OpenAPI document; SQLite (the default) or PostgreSQL behind the
//! `SyncStore` trait. See README.md.

pub mod auth;
pub mod config;
pub mod http;
pub mod store;

pub use config::{Config, Database};
pub use http::{route_table, router, router_with, serve, EVENTS_RECHECK, MAX_BODY_BYTES, MAX_PUSH_OPS, MIN_CLIENT_SCHEMA, OPENAPI};
pub use store::{Counts, IncomingOp, OpsPage, PgStore, PushOutcome, SqliteStore, StoreError, SyncStore};

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
