//! Ops, stores, servers and signed-in devices for tests.

use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{LoginRequest, LoginResponse, Op, SignUpRequest, SpaceKind, SpaceRequest, SCHEMA_VERSION};
use rapport_server::{IncomingOp, PgStore, SqliteStore, SyncStore};
use sqlx::Connection as _;
use uuid::Uuid;

/// An op of `device` in `space` setting `name` on a fixed account row.
pub fn op(space: Uuid, device: Uuid, seq: u64) -> Op {
    let mut op = blank_op(space, device, seq, Hlc::new(1_700_000_000_000 + seq, 0), "account", Uuid::from_u128(42));
    op.set.insert("name".to_string(), serde_json::json!(format!("Acme {seq}")));
    op.cl = Some(1);
    op
}

/// An op that writes nothing yet. Built from JSON so fields the protocol adds later (with
/// defaults) need no change here.
pub fn blank_op(space: Uuid, device: Uuid, seq: u64, hlc: Hlc, table: &str, row: Uuid) -> Op {
    let json = serde_json::json!({
        "space": space, "device": device, "seq": seq, "hlc": hlc, "table": table, "row": row, "schema": SCHEMA_VERSION,
    });
    serde_json::from_value(json).expect("a blank op")
}

/// Ops `from..=to` of one device.
pub fn ops(space: Uuid, device: Uuid, from: u64, to: u64) -> Vec<Op> {
    (from..=to).map(|s| op(space, device, s)).collect()
}

pub fn incoming(ops: Vec<Op>) -> Vec<IncomingOp> {
    ops.into_iter().map(IncomingOp::from_op).collect()
}

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub fn sqlite() -> SqliteStore {
    SqliteStore::open_in_memory().expect("open store")
}

/// The accepted seq of a push, panicking on a gap.
pub async fn push_ok<S: SyncStore>(s: &S, device: Uuid, ops: Vec<Op>) -> u64 {
    match s.push(device, incoming(ops)).await.expect("push") {
        rapport_server::PushOutcome::Accepted { up_to, .. } => up_to,
        gap => panic!("push refused: {gap:?}"),
    }
}

fn admin_url() -> String {
    std::env::var("RAPPORT_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh PostgreSQL database for one test, dropped at the end (even when the test panics).
pub struct PgDb {
    pub store: PgStore,
    pub url: String,
    name: String,
}

impl PgDb {
    pub async fn create() -> PgDb {
        let admin = admin_url();
        let name = format!("rapport_test_{}", Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("PostgreSQL at RAPPORT_TEST_POSTGRES");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create database");
        let _ = conn.close().await;
        let (base, _) = admin.rsplit_once('/').expect("a database URL");
        let url = format!("{base}/{name}");
        let store = PgStore::connect(&url).await.expect("connect to the test database");
        PgDb { store, url, name }
    }

    pub async fn close(&self) {
        self.store.close().await;
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin, name) = (admin_url(), self.name.clone());
        // Drop runs inside the test's runtime: drop the database from a thread of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// A server on an ephemeral loopback port, stopped when dropped.
pub struct TestServer<S> {
    pub base: String,
    pub client: reqwest::Client,
    pub store: S,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A signed-in device with its private space.
#[derive(Debug, Clone)]
pub struct Device {
    pub user: Uuid,
    pub device: Uuid,
    pub token: String,
    pub space: Uuid,
}

impl<S: SyncStore> TestServer<S> {
    pub async fn start(store: S) -> TestServer<S> {
        Self::start_with(store, rapport_server::EVENTS_RECHECK).await
    }

    /// A server whose event streams recheck their token and spaces every `recheck`.
    pub async fn start_with(store: S, recheck: std::time::Duration) -> TestServer<S> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = rapport_server::router_with(store.clone(), recheck);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        TestServer { base, client: reqwest::Client::new(), store, _stop: stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: impl Into<reqwest::Body>) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).header("content-type", "application/json").body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("send")
    }

    pub async fn post<T: serde::Serialize>(&self, path: &str, token: Option<&str>, body: &T) -> reqwest::Response {
        self.post_raw(path, token, serde_json::to_vec(body).expect("encode")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("send")
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.delete(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("send")
    }

    pub async fn signup(&self, email: &str) {
        let req = SignUpRequest { email: email.into(), password: "correct horse battery".into(), name: "Ana".into() };
        let res = self.post("/v1/signup", None, &req).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap_or_default());
    }

    pub async fn login(&self, email: &str, device: Uuid) -> LoginResponse {
        let req = LoginRequest { email: email.into(), password: "correct horse battery".into(), device, device_name: "laptop".into() };
        let res = self.post("/v1/login", None, &req).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
        res.json().await.expect("login answer")
    }

    /// Signs up `email`, logs device `device` in and creates the user's private space.
    pub async fn device(&self, email: &str, device: Uuid) -> Device {
        self.signup(email).await;
        let login = self.login(email, device).await;
        let space = Uuid::now_v7();
        let res = self.post("/v1/spaces", Some(&login.token), &SpaceRequest { id: space, name: "Book".into(), kind: SpaceKind::Private }).await;
        assert_eq!(res.status(), 200);
        Device { user: login.user, device, token: login.token, space }
    }
}
