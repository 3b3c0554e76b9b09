//! The OpenAPI document covers every route the router answers, and nothing else.

use axum::body::Body;
use axum::http::{Method, Request};
use rapport_server::{route_table, router, SqliteStore, OPENAPI};
use std::collections::BTreeSet;
use tower::ServiceExt as _;

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_exists() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("openapi.json is JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (m.to_uppercase(), path.clone())))
        .collect();
    let routed: BTreeSet<(String, String)> = route_table().into_iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(routed.difference(&documented).collect::<Vec<_>>(), Vec::<&(String, String)>::new(), "undocumented routes");
    assert_eq!(documented.difference(&routed).collect::<Vec<_>>(), Vec::<&(String, String)>::new(), "documented but not routed");

    // The table is the router: each entry answers its method (not 404 or 405).
    let app = router(SqliteStore::open_in_memory().unwrap());
    for (method, path) in route_table() {
        let uri = path.replace("{id}", "0192b3f0-0000-7000-8000-000000000001").replace("{user}", "0192b3f0-0000-7000-8000-000000000002");
        let req = Request::builder().method(Method::from_bytes(method.as_bytes()).unwrap()).uri(&uri).body(Body::empty()).unwrap();
        let status = app.clone().oneshot(req).await.unwrap().status();
        assert!(status != 404 && status != 405, "{method} {path} answered {status}");
    }
}

#[tokio::test]
async fn every_schema_reference_resolves() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
    let mut refs = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r.strip_prefix("#/components/schemas/").expect("a local schema reference");
        assert!(doc["components"]["schemas"].get(name).is_some(), "{r} does not resolve");
    }
}

#[tokio::test]
async fn the_server_serves_the_document() {
    let app = router(SqliteStore::open_in_memory().unwrap());
    let res = app.oneshot(Request::get("/v1/openapi.json").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), 200);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    assert_eq!(bytes, OPENAPI.as_bytes());
}

#[tokio::test]
async fn answers_are_gzipped_for_clients_that_ask() {
    let app = router(SqliteStore::open_in_memory().unwrap());
    let req = Request::get("/v1/openapi.json").header("accept-encoding", "gzip").body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let gz = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    assert!(gz.len() < OPENAPI.len() / 3);
    let plain = app.oneshot(Request::get("/v1/openapi.json").body(Body::empty()).unwrap()).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
}
