//! Sync: the wire types shared with the server. The client engine and transport come with the
//! sync issue; the write path already queues every change in the op format below.

pub mod protocol;
