//! rapport-core's integration tests: one binary, a module per area.

mod support;

mod entities;
mod outbox;
mod search;
