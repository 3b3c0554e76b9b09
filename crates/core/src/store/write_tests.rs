//! The write path's own bookkeeping, seen from inside a transaction.

use super::*;
use crate::clock::FakeClock;
use crate::domain::Account;
use crate::store::{Key, Store};
use std::sync::Arc;

fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("book.db"), Key::Raw([7; 32]), Arc::new(FakeClock::at_ymd_hm(2026, 11, 23, 9, 0))).expect("open book")
}

fn account(name: &str) -> Map<String, Value> {
    match serde_json::to_value(Account { name: name.into(), ..Default::default() }) {
        Ok(Value::Object(m)) => m,
        other => panic!("an account serialises to an object, got {other:?}"),
    }
}

#[test]
fn a_record_trashed_earlier_in_the_same_transaction_no_longer_exists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    let id = Uuid::now_v7();
    let seen = store
        .write(|w| {
            w.create(EntityKind::Account, id, &account("Acme"))?;
            let created = w.exists(EntityKind::Account, &id)?;
            w.set_deleted(EntityKind::Account, id, true)?;
            let trashed = w.exists(EntityKind::Account, &id)?;
            w.set_deleted(EntityKind::Account, id, false)?;
            Ok((created, trashed, w.exists(EntityKind::Account, &id)?))
        })
        .expect("write")
        .0;
    assert_eq!(seen, (true, false, true));
}

#[test]
fn records_created_in_one_transaction_are_all_indexed_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    store
        .write(|w| {
            for i in 0..50 {
                w.create(EntityKind::Account, Uuid::now_v7(), &account(&format!("Fabryka Kraków {i}")))?;
            }
            Ok(())
        })
        .expect("write");
    let found: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM accounts_fts WHERE accounts_fts MATCH 'krakow'", [], |r| r.get(0))?))
        .expect("search");
    assert_eq!(found, 50);
    // The index holds exactly the rows' words (FTS5 compares it with the table).
    store
        .write(|w| Ok(w.conn().execute("INSERT INTO accounts_fts (accounts_fts, rank) VALUES ('integrity-check', 1)", [])?))
        .expect("the index matches the accounts");
}
