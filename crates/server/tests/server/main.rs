//! rapport-server's integration tests: one binary (STYLE.md). Every store and HTTP test runs on
//! both backends: SQLite in a temporary file, and PostgreSQL in a fresh database `rapport_test_<random>`
//! on RAPPORT_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres), dropped after.

/// Runs each named `async fn(store)` once per backend, as `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    // A file, so reads go through the reader connections as in production.
                    let dir = tempfile::tempdir().expect("temp dir");
                    let store = rapport_server::SqliteStore::open(&dir.path().join("server.db")).expect("open store");
                    super::$name(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = crate::support::PgDb::create().await;
                    super::$name(db.store.clone()).await;
                    db.close().await;
                }
            )*
        }
    };
}

mod accounts;
mod binary;
mod events;
mod fuzz;
mod http;
mod openapi;
mod snapshot;
mod store;
mod support;
