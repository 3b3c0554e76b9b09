use crate::support::*;
use rapport_core::sync::protocol::{ErrorBody, Op, PullRequest, PullResponse, PushRequest, PushResponse, VersionVector};
use rapport_core::{App, FakeClock, Key};
use rapport_server::MAX_PUSH_OPS;
use std::sync::Arc;

async fn pull_all(server: &TestServer, space: uuid::Uuid) -> Vec<Op> {
    let mut cursor = VersionVector::default();
    let mut all = Vec::new();
    loop {
        let res = server.post("/v1/pull", &PullRequest { space, cursor, limit: Some(2) }).await;
        assert_eq!(res.status(), 200);
        let page: PullResponse = res.json().await.unwrap();
        all.extend(page.ops);
        cursor = page.cursor;
        if !page.has_more {
            return all;
        }
    }
}

#[tokio::test]
async fn health_answers_ok() {
    let server = TestServer::start(store()).await;
    let res = server.client.get(format!("{}/health", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn oversized_pushes_get_413_and_store_nothing() {
    let server = TestServer::start(store()).await;
    let (space, dev) = (id(1), id(10));
    let too_many = PushRequest { space, device: dev, ops: ops(space, dev, 1, MAX_PUSH_OPS as u64 + 1) };
    let res = server.post("/v1/push", &too_many).await;
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "too_large");

    let mut big = op(space, dev, 1);
    big.set.insert("about".into(), serde_json::json!("x".repeat(1024 * 1024 + 1)));
    let res = server.post("/v1/push", &PushRequest { space, device: dev, ops: vec![big] }).await;
    assert_eq!(res.status(), 413);

    assert!(pull_all(&server, space).await.is_empty());
}

#[tokio::test]
async fn malformed_requests_get_400_with_a_message_and_store_nothing() {
    let server = TestServer::start(store()).await;
    for body in ["{not json", r#"{"space": "nope", "device": 1, "ops": []}"#, "[]", ""] {
        let res = server.post_raw("/v1/push", body).await;
        assert_eq!(res.status(), 400, "body {body:?}");
        let err: ErrorBody = res.json().await.unwrap();
        assert_eq!(err.code, "malformed");
        assert!(!err.message.is_empty());
    }
    let res = server.post_raw("/v1/pull", "{\"space\": 3}").await;
    assert_eq!(res.status(), 400);
    // Ops of another device: 400 too.
    let (space, dev) = (id(1), id(10));
    let res = server.post("/v1/push", &PushRequest { space, device: dev, ops: ops(space, id(11), 1, 1) }).await;
    assert_eq!(res.status(), 400);
    assert!(pull_all(&server, space).await.is_empty());
}

#[tokio::test]
async fn a_gap_gets_409_with_the_expected_seq() {
    let server = TestServer::start(store()).await;
    let (space, dev) = (id(1), id(10));
    let res = server.post("/v1/push", &PushRequest { space, device: dev, ops: ops(space, dev, 1, 2) }).await;
    assert_eq!(res.json::<PushResponse>().await.unwrap().accepted_seq, 2);
    let res = server.post("/v1/push", &PushRequest { space, device: dev, ops: ops(space, dev, 5, 5) }).await;
    assert_eq!(res.status(), 409);
    let err: ErrorBody = res.json().await.unwrap();
    assert_eq!((err.code.as_str(), err.expected_seq), ("gap", Some(3)));
}

fn app(dir: &tempfile::TempDir) -> App {
    let clock = FakeClock::at_ymd_hm(2026, 11, 23, 9, 0);
    App::open(&dir.path().join("book.db"), Key::Raw([7; 32]), Arc::new(clock)).expect("open book")
}

async fn push_outbox(server: &TestServer, app: &App) -> uuid::Uuid {
    let ops = app.outbox(0, 10_000).unwrap();
    let (space, device) = (ops[0].space, ops[0].device);
    let req = PushRequest { space, device, ops: ops.clone() };
    for _ in 0..2 {
        // The second push is a retry: harmless.
        let res = server.post("/v1/push", &req).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<PushResponse>().await.unwrap().accepted_seq, ops.len() as u64);
    }
    space
}

#[tokio::test]
async fn two_devices_outboxes_round_trip_through_the_server_to_the_same_book() {
    use rapport_core::domain::*;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (app(&da), app(&db));
    let acme = a.accounts().create(Account { name: "Acme".into(), tier: Tier::A, ..Default::default() }).unwrap();
    a.contacts()
        .create(Contact { account_id: Some(acme.id), first_name: "Ana".into(), last_name: "Nowak".into(), ..Default::default() })
        .unwrap();
    let n = a
        .notes()
        .create(Note { account_id: Some(acme.id), body: "Budget is tight 🙂".into(), occurred_at: a.now(), ..Default::default() })
        .unwrap();
    let mut nd = n.data.clone();
    nd.body = "Budget is tight but approved 🙂".into();
    a.notes().update(n.id, nd).unwrap();
    b.accounts().create(Account { name: "Globex".into(), ..Default::default() }).unwrap();
    b.tasks().create(Task { title: "Send proposal".into(), ..Default::default() }).unwrap();

    let server = TestServer::start(store()).await;
    let space_a = push_outbox(&server, &a).await;
    let space_b = push_outbox(&server, &b).await;
    assert_ne!(space_a, space_b);

    let from_a = pull_all(&server, space_a).await;
    assert_eq!(from_a, a.outbox(0, 10_000).unwrap());
    b.apply_ops(&from_a).unwrap();
    a.apply_ops(&pull_all(&server, space_b).await).unwrap();
    let dump = a.canonical_dump().unwrap();
    assert!(dump.contains("Globex") && dump.contains("but approved"));
    assert_eq!(dump, b.canonical_dump().unwrap());
}
