use crate::support::*;
use rapport_core::sync::protocol::VersionVector;
use rapport_server::{PushOutcome, SqliteStore, StoreError, SyncStore};

#[tokio::test]
async fn pushed_ops_come_back_on_pull() {
    let s = store();
    let (space, dev) = (id(1), id(10));
    assert_eq!(s.push(space, dev, ops(space, dev, 1, 3)).await.unwrap(), PushOutcome::Accepted { up_to: 3 });
    let res = s.pull(space, VersionVector::default(), 100).await.unwrap();
    assert_eq!(res.ops, ops(space, dev, 1, 3));
    assert_eq!(res.cursor.get(&dev), 3);
    assert!(!res.has_more);
    let again = s.pull(space, res.cursor.clone(), 100).await.unwrap();
    assert!(again.ops.is_empty() && !again.has_more);
    assert_eq!(again.cursor, res.cursor);
    // Another space sees nothing.
    assert!(s.pull(id(2), VersionVector::default(), 100).await.unwrap().ops.is_empty());
}

#[tokio::test]
async fn a_retried_push_is_harmless() {
    let s = store();
    let (space, dev) = (id(1), id(10));
    s.push(space, dev, ops(space, dev, 1, 3)).await.unwrap();
    assert_eq!(s.push(space, dev, ops(space, dev, 1, 3)).await.unwrap(), PushOutcome::Accepted { up_to: 3 });
    // A batch overlapping what is stored keeps only the new ops.
    assert_eq!(s.push(space, dev, ops(space, dev, 2, 5)).await.unwrap(), PushOutcome::Accepted { up_to: 5 });
    let res = s.pull(space, VersionVector::default(), 100).await.unwrap();
    assert_eq!(res.ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn a_push_that_skips_a_seq_is_refused_whole_with_the_expected_seq() {
    let s = store();
    let (space, dev) = (id(1), id(10));
    s.push(space, dev, ops(space, dev, 1, 2)).await.unwrap();
    assert_eq!(s.push(space, dev, ops(space, dev, 4, 6)).await.unwrap(), PushOutcome::Gap { expected_seq: 3 });
    // A gap inside a batch refuses the whole batch.
    let mut batch = ops(space, dev, 3, 4);
    batch.push(op(space, dev, 7));
    assert_eq!(s.push(space, dev, batch).await.unwrap(), PushOutcome::Gap { expected_seq: 3 });
    let res = s.pull(space, VersionVector::default(), 100).await.unwrap();
    assert_eq!(res.ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2]);
    // A first push must start at 1.
    assert_eq!(s.push(space, id(11), ops(space, id(11), 2, 3)).await.unwrap(), PushOutcome::Gap { expected_seq: 1 });
}

#[tokio::test]
async fn ops_of_another_device_or_space_are_refused() {
    let s = store();
    let (space, dev) = (id(1), id(10));
    let err = s.push(space, dev, ops(space, id(11), 1, 1)).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = s.push(space, dev, ops(id(2), dev, 1, 1)).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert!(s.pull(space, VersionVector::default(), 100).await.unwrap().ops.is_empty());
}

#[tokio::test]
async fn a_cursor_never_skips_an_op_pushed_between_pulls() {
    let s = store();
    let space = id(1);
    let (a, b) = (id(10), id(11));
    s.push(space, a, ops(space, a, 1, 2)).await.unwrap();
    let first = s.pull(space, VersionVector::default(), 100).await.unwrap();
    s.push(space, b, ops(space, b, 1, 2)).await.unwrap();
    s.push(space, a, ops(space, a, 3, 3)).await.unwrap();
    let second = s.pull(space, first.cursor.clone(), 100).await.unwrap();
    let mut seen: Vec<_> = first.ops.iter().chain(&second.ops).map(|o| (o.device, o.seq)).collect();
    seen.sort();
    assert_eq!(seen, [(a, 1), (a, 2), (a, 3), (b, 1), (b, 2)]);
    assert_eq!((second.cursor.get(&a), second.cursor.get(&b)), (3, 2));
}

#[tokio::test]
async fn a_device_writing_in_two_spaces_keeps_one_sequence() {
    let s = store();
    let (s1, s2, dev) = (id(1), id(2), id(10));
    s.push(s1, dev, ops(s1, dev, 1, 2)).await.unwrap();
    assert_eq!(s.push(s2, dev, ops(s2, dev, 1, 1)).await.unwrap(), PushOutcome::Accepted { up_to: 2 });
    assert_eq!(s.push(s2, dev, ops(s2, dev, 3, 4)).await.unwrap(), PushOutcome::Accepted { up_to: 4 });
    let res = s.pull(s2, VersionVector::default(), 100).await.unwrap();
    assert_eq!(res.ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(res.cursor.get(&dev), 4);
}

#[tokio::test]
async fn pull_pages_with_has_more_and_resumes_where_it_stopped() {
    let s = store();
    let space = id(1);
    let (a, b) = (id(10), id(11));
    s.push(space, a, ops(space, a, 1, 5)).await.unwrap();
    s.push(space, b, ops(space, b, 1, 4)).await.unwrap();
    let mut cursor = VersionVector::default();
    let mut pages = 0;
    let mut seen = Vec::new();
    loop {
        let res = s.pull(space, cursor, 3).await.unwrap();
        assert!(res.ops.len() <= 3);
        seen.extend(res.ops.iter().map(|o| (o.device, o.seq)));
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
    // Per device, seqs arrive in order.
    assert_eq!((cursor.get(&a), cursor.get(&b)), (5, 4));
}

#[tokio::test]
async fn ops_survive_reopening_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let (space, dev) = (id(1), id(10));
    {
        let s = SqliteStore::open(&path).unwrap();
        s.push(space, dev, ops(space, dev, 1, 2)).await.unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.push(space, dev, ops(space, dev, 4, 4)).await.unwrap(), PushOutcome::Gap { expected_seq: 3 });
    assert_eq!(s.pull(space, VersionVector::default(), 100).await.unwrap().ops.len(), 2);
}
