//! A book written by every older schema version opens, migrates and keeps its data; a book from
//! a newer Rapport is refused.

use crate::support::key;
use rapport_core::store::migrate::{latest, migrate_to, version, MIGRATIONS};
use rapport_core::{App, EntityKind, Error, FakeClock, Key};
use std::path::Path;
use std::sync::Arc;

fn raw_conn(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    let Key::Raw(k) = key() else { unreachable!() };
    let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
    conn.pragma_update(None, "key", format!("x'{hex}'")).unwrap();
    conn
}

/// Writes an account and a note the way schema 1 stores them.
fn seed_v1(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "INSERT INTO accounts (id, space, cl, created_at, updated_at, _hlc, _dev, name, tier, lifecycle, currency, competitors, tags)
           VALUES ('0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-0000000000ff', 1, 1700000000000, 1700000000000, 1, 1,
                   'Vandelay Industries', 'A', 'customer', 'USD', '[]', '[\"import\"]');
         INSERT INTO notes (id, space, cl, created_at, updated_at, _hlc, _dev, kind, occurred_at, account_id, contact_ids, title, body, pinned)
           VALUES ('0190a000-0000-7000-8000-000000000002', '0190a000-0000-7000-8000-0000000000ff', 1, 1700000000000, 1700000000000, 1, 1,
                   'call', 1700000000000, '0190a000-0000-7000-8000-000000000001', '[]', 'Latex', 'They import latex and export chips', 0);",
    )
    .unwrap();
}

#[test]
fn a_book_from_every_older_schema_opens_with_its_data_and_search() {
    for from in MIGRATIONS.iter().map(|m| m.0).filter(|n| *n < latest()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = raw_conn(&path);
            migrate_to(&mut conn, from).unwrap();
            assert_eq!(version(&conn).unwrap(), from);
            seed_v1(&conn);
            if from >= 5 {
                // From schema 5 the write path indexes what it writes (no triggers): do what it
                // would have done for these rows.
                conn.execute_batch(
                    "INSERT INTO accounts_fts (rowid, name, domain, industry, tags) SELECT rid, name, domain, industry, tags FROM accounts;
                     INSERT INTO notes_fts (rowid, title, body) SELECT rid, title, body FROM notes;",
                )
                .unwrap();
            }
        }
        let app = App::open(&path, key(), Arc::new(FakeClock::at_ymd_hm(2026, 11, 23, 9, 0))).unwrap();
        let conn = raw_conn(&path);
        assert_eq!(version(&conn).unwrap(), latest(), "migrated from {from}");
        let acct = app.accounts().get(uuid::Uuid::parse_str("0190a000-0000-7000-8000-000000000001").unwrap()).unwrap();
        assert_eq!(acct.data.name, "Vandelay Industries");
        assert_eq!(acct.data.tags, vec!["import".to_string()]);
        let hits = app.search("latex", &[EntityKind::Note], 10).unwrap();
        assert_eq!(hits.len(), 1, "rows written before search existed are searchable (from {from})");
        let touch: i64 = conn
            .query_row("SELECT last_touch FROM account_touch WHERE account_id = '0190a000-0000-7000-8000-000000000001'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(touch, 1_700_000_000_000, "last touch backfilled (from {from})");
    }
}

#[test]
fn a_book_from_a_newer_rapport_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let mut conn = raw_conn(&path);
        migrate_to(&mut conn, latest()).unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
    }
    let err = App::open(&path, key(), Arc::new(FakeClock::at_ymd_hm(2026, 11, 23, 9, 0))).err().unwrap();
    assert!(matches!(err, Error::TooNew { .. }), "{err:?}");
    assert_eq!(version(&raw_conn(&path)).unwrap(), latest() + 1);
}
