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

fn note(body: &str, account: Uuid) -> Map<String, Value> {
    let n = crate::domain::Note { account_id: Some(account), title: "Call".into(), body: body.into(), contact_ids: vec![], ..Default::default() };
    match serde_json::to_value(n) {
        Ok(Value::Object(m)) => m,
        other => panic!("a note serialises to an object, got {other:?}"),
    }
}

fn all_ops(store: &Store) -> Vec<Op> {
    store.read(|c| read_outbox(c, store.device().device, 0, usize::MAX)).expect("outbox")
}

#[test]
fn a_bulk_create_queues_the_op_an_ordinary_create_would() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    let acme = Uuid::now_v7();
    let (plain, bulk) = (Uuid::now_v7(), Uuid::now_v7());
    store.write(|w| w.create(EntityKind::Account, acme, &account("Acme"))).expect("write");
    store.write(|w| w.create(EntityKind::Note, plain, &note("Budget is tight — Łódź 🙂", acme))).expect("write");
    store
        .write(|w| {
            w.bulk();
            w.create(EntityKind::Note, bulk, &note("Budget is tight — Łódź 🙂", acme))
        })
        .expect("write");
    let ops = all_ops(&store);
    assert_eq!(ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2, 3]);
    let (a, b) = (&ops[1], &ops[2]);
    assert_eq!((b.row, b.cl, &b.space, b.schema), (bulk, Some(1), &a.space, a.schema));
    assert_eq!(b.set, a.set);
    // The same client inserting the same text: the same CRDT update, byte for byte.
    assert_eq!(b.text, a.text);
    assert!(b.hlc > a.hlc);
}

#[test]
fn records_of_a_bulk_run_changed_later_keep_their_create_ops_and_replay_to_the_same_book() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    let acme = Uuid::now_v7();
    let ids: Vec<Uuid> = (0..12).map(|_| Uuid::now_v7()).collect();
    store
        .write(|w| {
            w.bulk();
            w.create(EntityKind::Account, acme, &account("Acme"))?;
            for (i, id) in ids.iter().enumerate() {
                w.create(EntityKind::Note, *id, &note(&format!("Note {i}: first words"), acme))?;
            }
            // Changed in the same transaction: the first, one in the middle and the last.
            for i in [0, 5, 11] {
                let mut f = Map::new();
                f.insert("body".into(), Value::String(format!("Note {i}: first words, then more")));
                w.update(EntityKind::Note, ids[i], &f)?;
            }
            Ok(())
        })
        .expect("write");
    let team = Uuid::now_v7();
    store
        .write(|w| {
            let mut f = Map::new();
            f.insert("pinned".into(), Value::Bool(true));
            w.update(EntityKind::Note, ids[6], &f)?;
            w.set_deleted(EntityKind::Note, ids[8], true)?;
            w.move_to_space(EntityKind::Note, ids[9], team).map(|_| ())
        })
        .expect("write");
    let ops = all_ops(&store);
    assert_eq!(ops.iter().map(|o| o.seq).collect::<Vec<_>>(), (1..=ops.len() as u64).collect::<Vec<_>>());
    assert_eq!(ops.len(), 13 + 3 + 3);
    for (i, id) in ids.iter().enumerate() {
        let create = ops.iter().find(|o| o.row == *id).expect("a create op");
        assert_eq!(create.cl, Some(1));
        let doc = text::load(99, Some(&create.text["body"].0)).expect("doc");
        assert_eq!(text::plain(&doc), format!("Note {i}: first words"), "note {i} is created as it was");
    }
    // Pages from every point give the same ops.
    for after in 0..ops.len() as u64 {
        let page = store.read(|c| read_outbox(c, store.device().device, after, 4)).expect("page");
        assert_eq!(page, ops[after as usize..(after as usize + 4).min(ops.len())].to_vec(), "after {after}");
    }
    assert_eq!(store.read(|c| count_after(c, 0)).expect("count"), ops.len() as u64);
    assert_eq!(store.read(|c| count_after(c, 3)).expect("count"), ops.len() as u64 - 3);

    let dir2 = tempfile::tempdir().expect("temp dir");
    let other = Store::open(&dir2.path().join("other.db"), Key::Raw([8; 32]), Arc::new(FakeClock::at_ymd_hm(2026, 11, 24, 9, 0))).expect("open");
    other.write(|w| ops.iter().try_for_each(|op| w.apply_remote(op))).expect("apply");
    let dump = |s: &Store| s.read(super::super::dump::canonical_dump).expect("dump");
    assert_eq!(dump(&store), dump(&other));
}

#[test]
fn a_bulk_write_lifts_the_memory_limit_while_it_runs_and_puts_it_back_after_commit_or_failure() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    crate::store::limit_sqlite_memory(32);
    let limit = 32 * 1_048_576;
    assert_eq!(crate::store::soft_heap_limit(), limit);
    let acme = Uuid::now_v7();
    store
        .write(|w| {
            w.bulk();
            assert_eq!(crate::store::soft_heap_limit(), 0, "no limit inside a bulk write");
            w.create(EntityKind::Account, acme, &account("Acme"))
        })
        .expect("write");
    assert_eq!(crate::store::soft_heap_limit(), limit);
    // A bulk write that fails is rolled back and still puts the limit back.
    let failed = store.write(|w| {
        w.bulk();
        w.create(EntityKind::Account, acme, &account("Acme again"))
    });
    assert!(matches!(failed, Err(crate::error::Error::Conflict(_))), "{failed:?}");
    assert_eq!(crate::store::soft_heap_limit(), limit);
    // An ordinary write leaves the limit alone.
    store.write(|w| w.create(EntityKind::Account, Uuid::now_v7(), &account("Globex"))).expect("write");
    assert_eq!(crate::store::soft_heap_limit(), limit);
    crate::store::limit_sqlite_memory(0);
}
