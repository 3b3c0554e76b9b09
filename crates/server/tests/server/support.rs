//! Ops and servers for tests.

use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{Op, SCHEMA_VERSION};
use rapport_server::SqliteStore;
use std::collections::BTreeMap;
use uuid::Uuid;

/// An op of `device` in `space` setting `name` on a fixed account row.
pub fn op(space: Uuid, device: Uuid, seq: u64) -> Op {
    let mut set = BTreeMap::new();
    set.insert("name".to_string(), serde_json::json!(format!("Acme {seq}")));
    Op {
        space,
        device,
        seq,
        hlc: Hlc::new(1_700_000_000_000 + seq, 0),
        table: "account".into(),
        row: Uuid::from_u128(42),
        set,
        text: BTreeMap::new(),
        cl: Some(1),
        prev: BTreeMap::new(),
        schema: SCHEMA_VERSION,
    }
}

/// Ops `from..=to` of one device.
pub fn ops(space: Uuid, device: Uuid, from: u64, to: u64) -> Vec<Op> {
    (from..=to).map(|s| op(space, device, s)).collect()
}

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub fn store() -> SqliteStore {
    SqliteStore::open_in_memory().expect("open store")
}

/// A server on an ephemeral loopback port, stopped when dropped.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestServer {
    pub async fn start(store: SqliteStore) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(rapport_server::serve(listener, store, async {
            let _ = stopped.await;
        }));
        TestServer { base, client: reqwest::Client::new(), _stop: stop }
    }

    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send")
    }

    pub async fn post<T: serde::Serialize>(&self, path: &str, body: &T) -> reqwest::Response {
        self.post_raw(path, serde_json::to_vec(body).expect("encode")).await
    }
}
