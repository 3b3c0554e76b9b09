//! Sync (SYNC.md): the wire types shared with the server, the merge views (conflicts, pending
//! changes, Trash), and the engine that pushes the outbox and pulls other devices' ops.

pub mod conflicts;
pub mod protocol;
