//! Push, pull, sync, limits and pokes over HTTP, on both backends.

use crate::support::*;
use rapport_core::sync::protocol::{
    ErrorBody, Op, Poke, PullRequest, PullResponse, PushRequest, PushResponse, SyncRequest, SyncResponse, VersionVector,
};
use rapport_server::{SyncStore, MAX_PUSH_OPS, MIN_CLIENT_SCHEMA};
use uuid::Uuid;

on_both_backends!(
    health_reports_the_backend_and_schema_version,
    pushed_ops_come_back_on_pull_with_the_minimum_schema,
    get_pull_takes_the_cursor_as_json_in_the_query,
    a_gap_gets_409_with_the_expected_seq,
    sync_pushes_and_pulls_several_spaces_in_one_round_trip,
    a_sync_with_a_gap_stores_nothing_and_pulls_nothing,
    ops_of_another_device_or_into_a_space_of_another_user_are_refused_and_nothing_is_stored,
    reading_a_space_of_another_user_is_forbidden,
    oversized_pushes_get_413_and_store_nothing,
    malformed_requests_get_400_naming_the_field_and_store_nothing,
    fields_from_a_newer_client_pass_through_to_other_devices,
    a_device_hears_a_poke_for_its_spaces_and_not_for_others,
    two_devices_outboxes_round_trip_through_the_server_to_the_same_book,
);

async fn health_reports_the_backend_and_schema_version<S: SyncStore>(s: S) {
    let backend = s.backend();
    let server = TestServer::start(s).await;
    let res = server.get("/health", None).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["backend"], backend);
    assert!(body["schema_version"].as_i64().unwrap() >= 1);
}

async fn pull_all<S: SyncStore>(server: &TestServer<S>, token: &str, space: Uuid) -> Vec<Op> {
    let mut cursor = VersionVector::default();
    let mut all = Vec::new();
    loop {
        let res = server.post("/v1/pull", Some(token), &PullRequest { space, cursor, limit: Some(2) }).await;
        assert_eq!(res.status(), 200);
        let page: PullResponse = res.json().await.unwrap();
        all.extend(page.ops);
        cursor = page.cursor;
        if !page.has_more {
            return all;
        }
    }
}

async fn pushed_ops_come_back_on_pull_with_the_minimum_schema<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let res = server.post("/v1/push", Some(&a.token), &PushRequest { device: a.device, ops: ops(a.space, a.device, 1, 5) }).await;
    assert_eq!(res.json::<PushResponse>().await.unwrap().accepted_seq, 5);
    let res = server.post("/v1/pull", Some(&a.token), &PullRequest { space: a.space, cursor: VersionVector::default(), limit: None }).await;
    let page: PullResponse = res.json().await.unwrap();
    assert_eq!((page.space, page.min_schema, page.has_more), (a.space, MIN_CLIENT_SCHEMA, false));
    assert_eq!(page.ops, ops(a.space, a.device, 1, 5));
    assert_eq!(pull_all(&server, &a.token, a.space).await, ops(a.space, a.device, 1, 5));
}

async fn get_pull_takes_the_cursor_as_json_in_the_query<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    server.post("/v1/push", Some(&a.token), &PushRequest { device: a.device, ops: ops(a.space, a.device, 1, 4) }).await;
    let mut cursor = VersionVector::default();
    cursor.advance(a.device, 2);
    let q = format!("/v1/pull?space={}&cursor={}&limit=10", a.space, urlencode(&serde_json::to_string(&cursor).unwrap()));
    let res = server.get(&q, Some(&a.token)).await;
    assert_eq!(res.status(), 200);
    let page: PullResponse = res.json().await.unwrap();
    assert_eq!(page.ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [3, 4]);
    let res = server.get(&format!("/v1/pull?space={}&cursor=%7Bnope", a.space), Some(&a.token)).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().field.as_deref(), Some("cursor"));
    assert_eq!(server.get("/v1/pull?space=nope", Some(&a.token)).await.status(), 400);
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn a_gap_gets_409_with_the_expected_seq<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    server.post("/v1/push", Some(&a.token), &PushRequest { device: a.device, ops: ops(a.space, a.device, 1, 2) }).await;
    let res = server.post("/v1/push", Some(&a.token), &PushRequest { device: a.device, ops: ops(a.space, a.device, 5, 5) }).await;
    assert_eq!(res.status(), 409);
    let err: ErrorBody = res.json().await.unwrap();
    assert_eq!((err.code.as_str(), err.expected_seq), ("gap", Some(3)));
}

async fn sync_pushes_and_pulls_several_spaces_in_one_round_trip<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let team = Uuid::now_v7();
    let req = rapport_core::sync::protocol::SpaceRequest { id: team, name: "Team".into(), kind: rapport_core::sync::protocol::SpaceKind::Team };
    server.post("/v1/spaces", Some(&a.token), &req).await;
    let laptop2 = server.login("ana@example.com", Uuid::now_v7()).await;
    server.post("/v1/push", Some(&laptop2.token), &PushRequest { device: laptop2.device, ops: vec![op(team, laptop2.device, 1)] }).await;
    let sync = SyncRequest {
        device: a.device,
        push: vec![op(a.space, a.device, 1), op(team, a.device, 2)],
        pull: vec![
            PullRequest { space: a.space, cursor: VersionVector::default(), limit: None },
            PullRequest { space: team, cursor: VersionVector::default(), limit: None },
        ],
    };
    let res = server.post("/v1/sync", Some(&a.token), &sync).await;
    assert_eq!(res.status(), 200);
    let got: SyncResponse = res.json().await.unwrap();
    assert_eq!(got.accepted_seq, 2);
    assert_eq!(got.pulls.iter().map(|p| (p.space, p.ops.len())).collect::<Vec<_>>(), [(a.space, 1), (team, 2)]);
    // An empty push tells the device where its sequence stands.
    let res = server.post("/v1/sync", Some(&a.token), &SyncRequest { device: a.device, push: vec![], pull: vec![] }).await;
    assert_eq!(res.json::<SyncResponse>().await.unwrap().accepted_seq, 2);
}

async fn a_sync_with_a_gap_stores_nothing_and_pulls_nothing<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let sync = SyncRequest {
        device: a.device,
        push: ops(a.space, a.device, 2, 3),
        pull: vec![PullRequest { space: a.space, cursor: VersionVector::default(), limit: None }],
    };
    let res = server.post("/v1/sync", Some(&a.token), &sync).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().expected_seq, Some(1));
    assert_eq!(server.store.counts().await.unwrap().ops, 0);
}

async fn ops_of_another_device_or_into_a_space_of_another_user_are_refused_and_nothing_is_stored<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let b = server.device("bob@example.com", Uuid::now_v7()).await;
    let before = server.store.counts().await.unwrap();
    // Bob's token pushing as Ana's device.
    let res = server.post("/v1/push", Some(&b.token), &PushRequest { device: a.device, ops: ops(a.space, a.device, 1, 1) }).await;
    assert_eq!((res.status().as_u16(), res.json::<ErrorBody>().await.unwrap().code), (403, "forbidden".to_string()));
    // Bob's device writing into Ana's space, mixed with an op of his own space: nothing stored.
    let batch = vec![op(b.space, b.device, 1), op(a.space, b.device, 2)];
    let res = server.post("/v1/push", Some(&b.token), &PushRequest { device: b.device, ops: batch.clone() }).await;
    assert_eq!(res.status(), 403);
    let res = server.post("/v1/sync", Some(&b.token), &SyncRequest { device: b.device, push: batch, pull: vec![] }).await;
    assert_eq!(res.status(), 403);
    // An op naming another device inside Bob's own push.
    let res = server.post("/v1/push", Some(&b.token), &PushRequest { device: b.device, ops: vec![op(b.space, a.device, 1)] }).await;
    assert_eq!((res.status().as_u16(), res.json::<ErrorBody>().await.unwrap().field), (400, Some("ops[0].device".into())));
    // A space nobody created is nobody's to write.
    let res = server.post("/v1/push", Some(&b.token), &PushRequest { device: b.device, ops: vec![op(Uuid::now_v7(), b.device, 1)] }).await;
    assert_eq!(res.status(), 403);
    assert_eq!(server.store.counts().await.unwrap(), before);
}

async fn reading_a_space_of_another_user_is_forbidden<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let b = server.device("bob@example.com", Uuid::now_v7()).await;
    server.post("/v1/push", Some(&a.token), &PushRequest { device: a.device, ops: ops(a.space, a.device, 1, 1) }).await;
    let pull = PullRequest { space: a.space, cursor: VersionVector::default(), limit: None };
    let answers = [
        server.post("/v1/pull", Some(&b.token), &pull).await,
        server.get(&format!("/v1/pull?space={}", a.space), Some(&b.token)).await,
        server.get(&format!("/v1/snapshot?space={}", a.space), Some(&b.token)).await,
        server.post("/v1/sync", Some(&b.token), &SyncRequest { device: b.device, push: vec![op(b.space, b.device, 1)], pull: vec![pull.clone()] }).await,
    ];
    for res in answers {
        assert_eq!(res.status(), 403, "{}", res.url());
        assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "forbidden");
    }
    // The refused sync stored nothing of Bob's either.
    assert_eq!(server.store.counts().await.unwrap().ops, 1);
}

async fn oversized_pushes_get_413_and_store_nothing<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let too_many = PushRequest { device: a.device, ops: ops(a.space, a.device, 1, MAX_PUSH_OPS as u64 + 1) };
    let res = server.post("/v1/push", Some(&a.token), &too_many).await;
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "too_large");
    let res = server.post("/v1/sync", Some(&a.token), &SyncRequest { device: a.device, push: too_many.ops, pull: vec![] }).await;
    assert_eq!(res.status(), 413);
    let mut big = op(a.space, a.device, 1);
    big.set.insert("about".into(), serde_json::json!("x".repeat(1024 * 1024 + 1)));
    let res = server.post("/v1/push", Some(&a.token), &PushRequest { device: a.device, ops: vec![big] }).await;
    assert_eq!(res.status(), 413);
    assert_eq!(server.store.counts().await.unwrap().ops, 0);
    assert_eq!(server.store.counts().await.unwrap().state, 0);
}

async fn malformed_requests_get_400_naming_the_field_and_store_nothing<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let before = server.store.counts().await.unwrap();
    let mut bad_seq = serde_json::to_value(op(a.space, a.device, 1)).unwrap();
    bad_seq["seq"] = serde_json::json!("one");
    let bad_seq = serde_json::json!({"device": a.device, "ops": [op(a.space, a.device, 1), bad_seq]}).to_string();
    let mut bad_text = serde_json::to_value(op(a.space, a.device, 1)).unwrap();
    bad_text["text"] = serde_json::json!({"body": "////"});
    let bad_text = serde_json::json!({"device": a.device, "ops": [bad_text]}).to_string();
    let cases: Vec<(String, Option<&str>)> = vec![
        ("{not json".into(), None),
        (r#"{"device": 1, "ops": []}"#.into(), Some("device")),
        ("[]".into(), None),
        ("".into(), None),
        (bad_seq, Some("ops[1].seq")),
        (bad_text, Some("ops[0].text.body")),
        (format!(r#"{{"device": "{}", "ops": []}} trailing"#, a.device), None),
    ];
    for (body, field) in cases {
        let res = server.post_raw("/v1/push", Some(&a.token), body.clone()).await;
        assert_eq!(res.status(), 400, "body {body:?}");
        let err: ErrorBody = res.json().await.unwrap();
        assert!(!err.message.is_empty());
        if field.is_some() {
            assert_eq!(err.field.as_deref(), field, "{body}: {err:?}");
        }
    }
    let res = server.post_raw("/v1/pull", Some(&a.token), "{\"space\": 3}").await;
    assert_eq!((res.status().as_u16(), res.json::<ErrorBody>().await.unwrap().field), (400, Some("space".into())));
    assert_eq!(server.store.counts().await.unwrap(), before);
}

async fn fields_from_a_newer_client_pass_through_to_other_devices<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let mut future = serde_json::to_value(op(a.space, a.device, 1)).unwrap();
    future["schema"] = serde_json::json!(99);
    future["reactions"] = serde_json::json!(["👍"]);
    let body = serde_json::json!({"device": a.device, "ops": [future.clone()]}).to_string();
    assert_eq!(server.post_raw("/v1/push", Some(&a.token), body).await.status(), 200);
    let res = server.post("/v1/pull", Some(&a.token), &PullRequest { space: a.space, cursor: VersionVector::default(), limit: None }).await;
    let page: serde_json::Value = res.json().await.unwrap();
    assert_eq!(page["ops"][0], future);
}

/// Reads the SSE stream until a poke arrives.
async fn next_poke(res: &mut reqwest::Response) -> Poke {
    let mut buf = String::new();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(20), res.chunk()).await.expect("a poke").unwrap().expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(at) = buf.find("event: poke\ndata: ") {
            let rest = &buf[at + "event: poke\ndata: ".len()..];
            if let Some(end) = rest.find('\n') {
                return serde_json::from_str(&rest[..end]).unwrap();
            }
        }
    }
}

async fn a_device_hears_a_poke_for_its_spaces_and_not_for_others<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let b = server.device("bob@example.com", Uuid::now_v7()).await;
    let mut events = server.get("/v1/events", Some(&a.token)).await;
    assert_eq!(events.status(), 200);
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    // Bob's push comes first; Ana's stream must skip it and report only her own space.
    server.post("/v1/push", Some(&b.token), &PushRequest { device: b.device, ops: ops(b.space, b.device, 1, 1) }).await;
    let laptop2 = server.login("ana@example.com", Uuid::now_v7()).await;
    server.post("/v1/push", Some(&laptop2.token), &PushRequest { device: laptop2.device, ops: ops(a.space, laptop2.device, 1, 1) }).await;
    assert_eq!(next_poke(&mut events).await, Poke { space: a.space });
}

async fn two_devices_outboxes_round_trip_through_the_server_to_the_same_book<S: SyncStore>(s: S) {
    use rapport_core::domain::*;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (app(&da), app(&db));
    let acme = a.accounts().create(Account { name: "Acme".into(), tier: Tier::A, ..Default::default() }).unwrap();
    let n = a
        .notes()
        .create(Note { account_id: Some(acme.id), body: "Budget is tight 🙂".into(), occurred_at: a.now(), ..Default::default() })
        .unwrap();
    let mut nd = n.data.clone();
    nd.body = "Budget is tight but approved 🙂".into();
    a.notes().update(n.id, nd).unwrap();
    b.accounts().create(Account { name: "Globex".into(), ..Default::default() }).unwrap();

    let server = TestServer::start(s).await;
    let (from_a, from_b) = (a.outbox(0, 10_000).unwrap(), b.outbox(0, 10_000).unwrap());
    // One user, two laptops, each with its own book (space) shared by both.
    server.signup("ana@example.com").await;
    let ta = server.login("ana@example.com", from_a[0].device).await;
    let tb = server.login("ana@example.com", from_b[0].device).await;
    for (t, space) in [(&ta.token, from_a[0].space), (&ta.token, from_b[0].space)] {
        let req = rapport_core::sync::protocol::SpaceRequest { id: space, name: "Book".into(), kind: rapport_core::sync::protocol::SpaceKind::Private };
        assert_eq!(server.post("/v1/spaces", Some(t), &req).await.status(), 200);
    }
    for (t, ops) in [(&ta.token, &from_a), (&tb.token, &from_b)] {
        let req = PushRequest { device: ops[0].device, ops: ops.clone() };
        for _ in 0..2 {
            let res = server.post("/v1/push", Some(t), &req).await;
            assert_eq!(res.json::<PushResponse>().await.unwrap().accepted_seq, ops.len() as u64);
        }
    }
    let pulled_a = pull_all(&server, &tb.token, from_a[0].space).await;
    assert_eq!(pulled_a, from_a);
    b.apply_ops(&pulled_a).unwrap();
    a.apply_ops(&pull_all(&server, &ta.token, from_b[0].space).await).unwrap();
    let dump = a.canonical_dump().unwrap();
    assert!(dump.contains("Globex") && dump.contains("but approved"));
    assert_eq!(dump, b.canonical_dump().unwrap());
}

fn app(dir: &tempfile::TempDir) -> rapport_core::App {
    let clock = rapport_core::FakeClock::at_ymd_hm(2026, 11, 23, 9, 0);
    rapport_core::App::open(&dir.path().join("book.db"), rapport_core::Key::Raw([7; 32]), std::sync::Arc::new(clock)).expect("open book")
}
