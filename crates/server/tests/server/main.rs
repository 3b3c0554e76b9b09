//! rapport-server's integration tests: one binary (STYLE.md).

mod http;
mod store;
mod support;
