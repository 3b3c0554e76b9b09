//! rapport-server: stores every device's ops and hands them to the other devices of a space.
//!
//! This first slice serves `GET /health`, `POST /v1/push` and `POST /v1/pull` over plain HTTP,
//! backed by SQLite. Not here yet (see README): accounts, device tokens and authorisation,
//! PostgreSQL, `/v1/sync`, `/v1/snapshot`, server-sent pokes and the OpenAPI document.

pub mod config;
pub mod http;
pub mod store;

pub use config::Config;
pub use http::{router, serve, MAX_BODY_BYTES, MAX_PUSH_OPS};
pub use store::{PushOutcome, SqliteStore, StoreError, SyncStore};
