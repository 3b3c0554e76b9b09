//! Sync (SYNC.md): the wire types shared with the server, the merge views (conflicts, pending
//! changes, Trash), the engine that pushes the outbox and pulls other devices' ops, its HTTP
//! transport, sign-in, and the background task.

pub mod account;
pub mod conflicts;
pub mod engine;
pub mod http;
pub mod protocol;
pub mod status;
pub mod task;
pub mod transport;

pub use account::{add_member, create_team_space, sign_in, sign_out, sign_up, SyncAccount};
pub use conflicts::{Conflict, PendingChange, Pick, TrashItem, Version};
pub use engine::{sync_once, SyncError, SyncReport};
pub use http::HttpTransport;
pub use status::SyncStatus;
pub use task::{start_sync, SyncHandle};
pub use transport::{Transport, TransportError};
