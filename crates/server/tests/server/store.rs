//! The `SyncStore` contract, on both backends.

use crate::support::*;
use rapport_core::sync::protocol::VersionVector;
use rapport_server::{IncomingOp, PushOutcome, SqliteStore, StoreError, SyncStore};

on_both_backends!(
    pushed_ops_come_back_on_pull,
    a_retried_push_is_harmless,
    a_push_that_skips_a_seq_is_refused_whole_with_the_expected_seq,
    ops_of_another_device_are_refused,
    a_cursor_never_skips_an_op_pushed_between_pulls,
    a_device_has_one_sequence_across_spaces_and_a_cursor_per_space,
    pull_pages_with_has_more_and_resumes_where_it_stopped,
    concurrent_pushes_of_one_device_store_each_op_once,
    concurrent_pushes_that_continue_a_devices_ops_store_each_op_once,
    unknown_fields_and_newer_schemas_pass_through_untouched,
    the_state_keeps_each_fields_highest_clock_and_the_highest_causal_length,
);

async fn pushed_ops_come_back_on_pull<S: SyncStore>(s: S) {
    let (space, dev) = (id(1), id(10));
    assert_eq!(s.push(dev, incoming(ops(space, dev, 1, 3))).await.unwrap(), PushOutcome::Accepted { up_to: 3, new_in: vec![space] });
    let res = s.pull(space, VersionVector::default(), 100).await.unwrap();
    assert_eq!(res.parsed().unwrap(), ops(space, dev, 1, 3));
    assert_eq!(res.cursor.get(&dev), 3);
    assert!(!res.has_more);
    let again = s.pull(space, res.cursor.clone(), 100).await.unwrap();
    assert!(again.ops.is_empty() && !again.has_more);
    assert_eq!(again.cursor, res.cursor);
    // Another space sees nothing.
    assert!(s.pull(id(2), VersionVector::default(), 100).await.unwrap().ops.is_empty());
}

async fn a_retried_push_is_harmless<S: SyncStore>(s: S) {
    let (space, dev) = (id(1), id(10));
    push_ok(&s, dev, ops(space, dev, 1, 3)).await;
    assert_eq!(s.push(dev, incoming(ops(space, dev, 1, 3))).await.unwrap(), PushOutcome::Accepted { up_to: 3, new_in: vec![] });
    // A batch overlapping what is stored keeps only the new ops.
    assert_eq!(push_ok(&s, dev, ops(space, dev, 2, 5)).await, 5);
    let res = s.pull(space, VersionVector::default(), 100).await.unwrap();
    assert_eq!(res.parsed().unwrap().iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(s.counts().await.unwrap().ops, 5);
}

async fn a_push_that_skips_a_seq_is_refused_whole_with_the_expected_seq<S: SyncStore>(s: S) {
    let (space, dev) = (id(1), id(10));
    push_ok(&s, dev, ops(space, dev, 1, 2)).await;
    assert_eq!(s.push(dev, incoming(ops(space, dev, 4, 6))).await.unwrap(), PushOutcome::Gap { expected_seq: 3 });
    // A gap inside a batch refuses the whole batch.
    let mut batch = ops(space, dev, 3, 4);
    batch.push(op(space, dev, 7));
    assert_eq!(s.push(dev, incoming(batch)).await.unwrap(), PushOutcome::Gap { expected_seq: 3 });
    let res = s.pull(space, VersionVector::default(), 100).await.unwrap();
    assert_eq!(res.parsed().unwrap().iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2]);
    // A first push must start at 1.
    assert_eq!(s.push(id(11), incoming(ops(space, id(11), 2, 3))).await.unwrap(), PushOutcome::Gap { expected_seq: 1 });
    assert_eq!(s.counts().await.unwrap().ops, 2);
}

async fn ops_of_another_device_are_refused<S: SyncStore>(s: S) {
    let (space, dev) = (id(1), id(10));
    let err = s.push(dev, incoming(ops(space, id(11), 1, 1))).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = s.push(dev, incoming(vec![op(space, dev, 0)])).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(s.counts().await.unwrap().ops, 0);
}

async fn a_cursor_never_skips_an_op_pushed_between_pulls<S: SyncStore>(s: S) {
    let space = id(1);
    let (a, b) = (id(10), id(11));
    push_ok(&s, a, ops(space, a, 1, 2)).await;
    let first = s.pull(space, VersionVector::default(), 100).await.unwrap();
    push_ok(&s, b, ops(space, b, 1, 2)).await;
    push_ok(&s, a, ops(space, a, 3, 3)).await;
    let second = s.pull(space, first.cursor.clone(), 100).await.unwrap();
    let mut seen: Vec<_> = first.parsed().unwrap().iter().chain(&second.parsed().unwrap()).map(|o| (o.device, o.seq)).collect();
    seen.sort();
    assert_eq!(seen, [(a, 1), (a, 2), (a, 3), (b, 1), (b, 2)]);
    assert_eq!((second.cursor.get(&a), second.cursor.get(&b)), (3, 2));
}

async fn a_device_has_one_sequence_across_spaces_and_a_cursor_per_space<S: SyncStore>(s: S) {
    let (s1, s2, dev) = (id(1), id(2), id(10));
    // One batch naming two spaces.
    let batch = vec![op(s1, dev, 1), op(s2, dev, 2), op(s1, dev, 3)];
    assert_eq!(s.push(dev, incoming(batch)).await.unwrap(), PushOutcome::Accepted { up_to: 3, new_in: vec![s1, s2] });
    assert_eq!(push_ok(&s, dev, ops(s2, dev, 4, 5)).await, 5);
    assert_eq!(s.push(dev, incoming(ops(s1, dev, 7, 7))).await.unwrap(), PushOutcome::Gap { expected_seq: 6 });
    let in_s1 = s.pull(s1, VersionVector::default(), 100).await.unwrap();
    assert_eq!(in_s1.parsed().unwrap().iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(in_s1.cursor.get(&dev), 3);
    let in_s2 = s.pull(s2, VersionVector::default(), 100).await.unwrap();
    assert_eq!(in_s2.parsed().unwrap().iter().map(|o| o.seq).collect::<Vec<_>>(), [2, 4, 5]);
    assert_eq!(s.version_vector(s2).await.unwrap().get(&dev), 5);
}

async fn pull_pages_with_has_more_and_resumes_where_it_stopped<S: SyncStore>(s: S) {
    let space = id(1);
    let (a, b) = (id(10), id(11));
    push_ok(&s, a, ops(space, a, 1, 5)).await;
    push_ok(&s, b, ops(space, b, 1, 4)).await;
    let mut cursor = VersionVector::default();
    let (mut pages, mut seen) = (0, Vec::new());
    loop {
        let res = s.pull(space, cursor, 3).await.unwrap();
        assert!(res.ops.len() <= 3);
        seen.extend(res.parsed().unwrap().iter().map(|o| (o.device, o.seq)));
        cursor = res.cursor;
        pages += 1;
        if !res.has_more {
            break;
        }
    }
    assert_eq!(pages, 3);
    let mut expected: Vec<_> = (1..=5).map(|s| (a, s)).chain((1..=4).map(|s| (b, s))).collect();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);
    assert_eq!((cursor.get(&a), cursor.get(&b)), (5, 4));
}

async fn concurrent_pushes_of_one_device_store_each_op_once<S: SyncStore>(s: S) {
    let (space, dev) = (id(1), id(10));
    // The same outbox pushed by eight racing retries, each a little longer than the last.
    race_pushes(&s, space, dev, 1, 0).await;
    let res = s.pull(space, VersionVector::default(), 1000).await.unwrap();
    assert_eq!(res.parsed().unwrap().iter().map(|o| o.seq).collect::<Vec<_>>(), (1..=40).collect::<Vec<_>>());
    assert_eq!(s.counts().await.unwrap().ops, 40);
}

/// Eight pushes at once of the device's ops from `from` to `stored + 5n` (n = 1..=8); each is accepted.
async fn race_pushes<S: SyncStore>(s: &S, space: uuid::Uuid, dev: uuid::Uuid, from: u64, stored: u64) {
    let tasks: Vec<_> = (1..=8u64)
        .map(|n| {
            let s = s.clone();
            tokio::spawn(async move { s.push(dev, incoming(ops(space, dev, from, stored + n * 5))).await })
        })
        .collect();
    for t in tasks {
        assert!(matches!(t.await.unwrap().unwrap(), PushOutcome::Accepted { .. }));
    }
}

/// Racing pushes that all start right after what the device has stored (the one-statement way
/// on PostgreSQL): one wins, the others find the device's top moved and store only the rest.
async fn concurrent_pushes_that_continue_a_devices_ops_store_each_op_once<S: SyncStore>(s: S) {
    let (space, dev) = (id(1), id(10));
    push_ok(&s, dev, ops(space, dev, 1, 5)).await;
    race_pushes(&s, space, dev, 6, 5).await;
    let res = s.pull(space, VersionVector::default(), 1000).await.unwrap();
    assert_eq!(res.parsed().unwrap().iter().map(|o| o.seq).collect::<Vec<_>>(), (1..=45).collect::<Vec<_>>());
    assert_eq!(s.counts().await.unwrap().ops, 45);
    assert_eq!(s.version_vector(space).await.unwrap().get(&dev), 45);
    // The next push follows on from 45; one that starts further on is a gap.
    assert!(matches!(s.push(dev, incoming(ops(space, dev, 47, 48))).await.unwrap(), PushOutcome::Gap { expected_seq: 46 }));
    assert_eq!(push_ok(&s, dev, ops(space, dev, 46, 48)).await, 48);
}

async fn unknown_fields_and_newer_schemas_pass_through_untouched<S: SyncStore>(s: S) {
    let (space, dev) = (id(1), id(10));
    let mut json = serde_json::to_value(op(space, dev, 1)).unwrap();
    json["schema"] = serde_json::json!(99);
    json["colour"] = serde_json::json!({"from": "a future client"});
    let raw = serde_json::to_string(&json).unwrap();
    let parsed = serde_json::from_str(&raw).unwrap();
    push_ok_raw(&s, dev, vec![IncomingOp { op: parsed, raw: raw.clone() }]).await;
    let res = s.pull(space, VersionVector::default(), 10).await.unwrap();
    assert_eq!(res.ops, vec![raw]);
}

async fn push_ok_raw<S: SyncStore>(s: &S, dev: uuid::Uuid, ops: Vec<IncomingOp>) {
    assert!(matches!(s.push(dev, ops).await.unwrap(), PushOutcome::Accepted { .. }));
}

async fn the_state_keeps_each_fields_highest_clock_and_the_highest_causal_length<S: SyncStore>(s: S) {
    use rapport_core::hlc::Hlc;
    let space = id(1);
    let (a, b) = (id(10), id(11));
    let mut late = op(space, a, 1);
    late.hlc = Hlc::new(2_000, 0);
    late.set.insert("name".into(), serde_json::json!("Acme (late)"));
    let mut early = op(space, b, 1);
    early.hlc = Hlc::new(1_000, 0);
    early.set.insert("name".into(), serde_json::json!("Acme (early)"));
    early.set.insert("tier".into(), serde_json::json!("A"));
    early.cl = Some(2);
    // The later clock wins whatever the arrival order.
    push_ok(&s, a, vec![late]).await;
    push_ok(&s, b, vec![early]).await;
    let rows = s.snapshot_rows(space, None, 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].fields["name"].value, serde_json::json!("Acme (late)"));
    assert_eq!((rows[0].fields["name"].hlc, rows[0].fields["name"].device), (Hlc::new(2_000, 0), a));
    assert_eq!(rows[0].fields["tier"].value, serde_json::json!("A"));
    assert_eq!(rows[0].cl, 2);
}

#[tokio::test]
async fn ops_survive_reopening_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let (space, dev) = (id(1), id(10));
    {
        let s = SqliteStore::open(&path).unwrap();
        push_ok(&s, dev, ops(space, dev, 1, 2)).await;
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.push(dev, incoming(ops(space, dev, 4, 4))).await.unwrap(), PushOutcome::Gap { expected_seq: 3 });
    assert_eq!(s.pull(space, VersionVector::default(), 100).await.unwrap().ops.len(), 2);
}

#[tokio::test]
async fn a_first_slice_database_migrates_and_keeps_its_ops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let (space, dev) = (id(1), id(10));
    {
        // The schema of version 1, with one op stored the way version 1 stored it.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(include_str!("../../migrations/sqlite/0001_ops.sql")).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        let body = serde_json::to_string(&op(space, dev, 1)).unwrap();
        c.execute("INSERT INTO ops (space, device, seq, hlc, body) VALUES (?1, ?2, 1, 0, ?3)", rusqlite::params![space.to_string(), dev.to_string(), body]).unwrap();
        c.execute("INSERT INTO devices (device, max_seq) VALUES (?1, 1)", [dev.to_string()]).unwrap();
        c.execute("INSERT INTO space_devices (space, device, max_seq) VALUES (?1, ?2, 1)", [space.to_string(), dev.to_string()]).unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.pull(space, VersionVector::default(), 10).await.unwrap().parsed().unwrap(), vec![op(space, dev, 1)]);
    assert_eq!(push_ok(&s, dev, ops(space, dev, 2, 2)).await, 2);
    let rows = s.snapshot_rows(space, None, 10).await.unwrap();
    assert_eq!((rows.len(), rows[0].cl), (1, 1));
}

#[tokio::test]
async fn a_database_from_a_newer_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    assert!(matches!(SqliteStore::open(&path), Err(StoreError::TooNew { found: 99, .. })));
}
