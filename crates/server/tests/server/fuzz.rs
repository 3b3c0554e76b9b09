//! Bad input through the router in-process: raw bytes and mutated valid JSON to every endpoint.
//! Nothing panics, nothing answers 5xx, and a refused request leaves the stored data as it was.
//! 256 cases per property by default; more with PROPTEST_CASES=10000.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use proptest::prelude::*;
use rapport_core::sync::protocol::{LoginRequest, MemberRequest, PullRequest, PushRequest, SignUpRequest, SpaceKind, SpaceRequest, SyncRequest};
use rapport_server::{route_table, router, Counts, SyncStore};
use tower::ServiceExt as _;
use uuid::Uuid;

struct Target<S> {
    app: Router,
    store: S,
    token: String,
    space: Uuid,
    device: Uuid,
}

async fn call(app: &Router, method: &str, uri: &str, token: Option<&str>, body: Vec<u8>) -> StatusCode {
    let mut req = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let Ok(req) = req.body(Body::from(body)) else { return StatusCode::BAD_REQUEST };
    let res = app.clone().oneshot(req).await.expect("the router answers");
    let status = res.status();
    // The whole body is read (a panic while streaming it would surface here), except an event
    // stream's, which never ends.
    let streaming = res.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if !streaming {
        let _ = axum::body::to_bytes(res.into_body(), 2 * 1024 * 1024).await;
    }
    status
}

async fn setup<S: SyncStore>(store: S) -> Target<S> {
    let app = router(store.clone());
    let signup = SignUpRequest { email: "ana@example.com".into(), password: "correct horse battery".into(), name: "Ana".into() };
    assert_eq!(call(&app, "POST", "/v1/signup", None, serde_json::to_vec(&signup).unwrap()).await, 201);
    let device = Uuid::now_v7();
    let login = LoginRequest { email: signup.email, password: signup.password, device, device_name: "laptop".into() };
    let req = Request::post("/v1/login").body(Body::from(serde_json::to_vec(&login).unwrap())).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    let token = serde_json::from_slice::<rapport_core::sync::protocol::LoginResponse>(&bytes).unwrap().token;
    let space = Uuid::now_v7();
    let req = SpaceRequest { id: space, name: "Book".into(), kind: SpaceKind::Team };
    assert_eq!(call(&app, "POST", "/v1/spaces", Some(&token), serde_json::to_vec(&req).unwrap()).await, 200);
    let push = PushRequest { device, ops: ops(space, device, 1, 3) };
    assert_eq!(call(&app, "POST", "/v1/push", Some(&token), serde_json::to_vec(&push).unwrap()).await, 200);
    Target { app, store, token, space, device }
}

/// Every route with its path parameters filled in.
fn endpoints(t: &Target<impl SyncStore>) -> Vec<(&'static str, String)> {
    route_table()
        .into_iter()
        .map(|(m, p)| (m, p.replace("{id}", &t.space.to_string()).replace("{user}", &Uuid::now_v7().to_string())))
        .collect()
}

/// Valid requests that change nothing when sent (a retried push, a pull, an existing email...).
fn valid_bodies(t: &Target<impl SyncStore>) -> Vec<(&'static str, String, Vec<u8>)> {
    let pull = PullRequest { space: t.space, cursor: Default::default(), limit: Some(2) };
    let j = |v: &dyn erased::Json| v.to_json();
    vec![
        ("POST", "/v1/push".into(), j(&PushRequest { device: t.device, ops: ops(t.space, t.device, 1, 3) })),
        ("POST", "/v1/sync".into(), j(&SyncRequest { device: t.device, push: ops(t.space, t.device, 2, 3), pull: vec![pull.clone()] })),
        ("POST", "/v1/pull".into(), j(&pull)),
        ("POST", "/v1/spaces".into(), j(&SpaceRequest { id: t.space, name: "Book".into(), kind: SpaceKind::Team })),
        ("POST", format!("/v1/spaces/{}/members", t.space), j(&MemberRequest { email: "nobody@example.com".into() })),
        ("POST", "/v1/signup".into(), j(&SignUpRequest { email: "ana@example.com".into(), password: "whatever it is".into(), name: String::new() })),
        ("POST", "/v1/login".into(), j(&LoginRequest { email: "ana@example.com".into(), password: "wrong password".into(), device: t.device, device_name: String::new() })),
    ]
}

mod erased {
    pub trait Json {
        fn to_json(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            serde_json::to_vec(self).unwrap()
        }
    }
}

fn percent(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

/// One request: no 5xx, and unless it succeeded, the same row counts after it as before.
fn check<S: SyncStore>(rt: &tokio::runtime::Runtime, t: &Target<S>, baseline: &mut Counts, method: &str, uri: &str, authed: bool, body: Vec<u8>) -> Result<(), TestCaseError> {
    let token = authed.then_some(t.token.as_str());
    let status = rt.block_on(call(&t.app, method, uri, token, body));
    prop_assert!(!status.is_server_error(), "{method} {uri} answered {status}");
    let now = rt.block_on(t.store.counts()).unwrap();
    if status.is_success() {
        *baseline = now;
    } else {
        prop_assert_eq!(now, *baseline, "{} {} answered {} but changed stored data", method, uri, status);
    }
    Ok(())
}

fn fuzz<S: SyncStore>(rt: &tokio::runtime::Runtime, store: S) {
    let t = rt.block_on(setup(store));
    let baseline = std::cell::RefCell::new(rt.block_on(t.store.counts()).unwrap());
    let eps = endpoints(&t);
    let valid = valid_bodies(&t);
    let config = ProptestConfig { failure_persistence: None, ..ProptestConfig::default() };

    proptest!(config.clone(), |(which in 0..eps.len(), authed in any::<bool>(), bytes in prop::collection::vec(any::<u8>(), 0..512))| {
        let (method, path) = &eps[which];
        if *method == "GET" || *method == "DELETE" {
            let uri = format!("{path}?space={}&{}", percent(&bytes[..bytes.len().min(64)]), percent(&bytes));
            check(rt, &t, &mut baseline.borrow_mut(), method, &uri, authed, Vec::new())?;
        } else {
            check(rt, &t, &mut baseline.borrow_mut(), method, path, authed, bytes)?;
        }
    });

    proptest!(config, |(which in 0..valid.len(), edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..6))| {
        let (method, path, body) = &valid[which];
        let mut body = body.clone();
        for (at, byte, kind) in edits {
            let i = at.index(body.len().max(1));
            match kind {
                0 if i < body.len() => body[i] = byte,
                1 => body.insert(i.min(body.len()), byte),
                _ if i < body.len() => { body.remove(i); }
                _ => {}
            }
        }
        check(rt, &t, &mut baseline.borrow_mut(), method, path, true, body)?;
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

#[test]
fn sqlite_survives_random_and_mutated_requests_to_every_endpoint() {
    let rt = runtime();
    fuzz(&rt, sqlite());
}

#[test]
fn postgres_survives_random_and_mutated_requests_to_every_endpoint() {
    let rt = runtime();
    let db = rt.block_on(PgDb::create());
    fuzz(&rt, db.store.clone());
    rt.block_on(db.close());
}
