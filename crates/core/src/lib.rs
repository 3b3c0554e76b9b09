//! rapport-core: the account executive's book of business on the laptop.
//!
//! Everything the desktop shell does is one call into [`App`]. Core never depends on Tauri,
//! axum or the UI; every behaviour can be driven from a Rust test.

pub mod app;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod error;
pub mod hlc;
pub mod io;
pub mod reminders;
pub mod repo;
pub mod security;
pub mod settings;
pub mod store;
pub mod sync;
pub mod views;
pub mod wrapup;

pub use app::{App, Batch, Event};
pub use clock::{Clock, FakeClock, SystemClock};
pub use domain::{Entity, EntityKind, Id, Record};
pub use error::{Error, Result, WireError};
pub use store::query::{Filter, FilterOp, Include, ListQuery, Page, Sort};
pub use store::Key;
