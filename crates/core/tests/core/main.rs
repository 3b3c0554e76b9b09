//! rapport-core's integration tests: one binary, a module per area.

mod support;

mod demo;
mod deps;
mod entities;
mod io;
mod migrations;
mod reminders;
mod security;
mod views;
mod outbox;
mod search;
mod sync_merge;
mod sync_sim;
mod sync_snapshot;
