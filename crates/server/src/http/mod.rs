//! The HTTP API: JSON in and out, authenticated by device tokens, limits checked before anything
//! is stored.

mod accounts;
mod sync;

use crate::store::{StoreError, SyncStore};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, MethodRouter};
use axum::{Json, Router};
use rapport_core::sync::protocol::ErrorBody;
use serde::de::DeserializeOwned;
use std::future::Future;
use tokio::sync::broadcast;
use uuid::Uuid;

/// The most ops one push may carry.
pub const MAX_PUSH_OPS: usize = 1_000;
/// The largest request body accepted (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The oldest client schema this server accepts ([`rapport_core::sync::protocol::PullResponse::min_schema`]).
pub const MIN_CLIENT_SCHEMA: u32 = 1;
/// The most spaces one `/v1/sync` may pull.
pub const MAX_PULLS: usize = 100;

/// What every handler shares: the store and the in-process channel of notices for the open
/// event streams. Pokes only make clients sync sooner (they also poll); a stream also checks
/// its token and spaces on a timer, so a second server process changes nothing it relies on.
#[derive(Clone)]
pub struct AppState<S> {
    pub store: S,
    pub notices: broadcast::Sender<Notice>,
    /// How often an open event stream checks its token and spaces in the store.
    pub recheck: std::time::Duration,
}

/// How often an open event stream checks its token and spaces (see [`AppState::recheck`]).
pub const EVENTS_RECHECK: std::time::Duration = std::time::Duration::from_secs(30);

/// What this process tells its open `/v1/events` streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The space received ops it did not have.
    Poke(Uuid),
    /// The device was revoked or signed in again (its old token replaced): its streams check
    /// their token and end when it no longer holds.
    Device(Uuid),
    /// The user's spaces changed (created, joined, left, removed from): their streams reload them.
    Access(Uuid),
}

/// Every route as (method, path, handler); the router is built from this list and the OpenAPI
/// test walks it.
fn routes<S: SyncStore>() -> Vec<(&'static str, &'static str, MethodRouter<AppState<S>>)> {
    vec![
        ("GET", "/health", get(health::<S>)),
        ("GET", "/v1/openapi.json", get(openapi)),
        ("POST", "/v1/signup", post(accounts::signup::<S>)),
        ("POST", "/v1/login", post(accounts::login::<S>)),
        ("GET", "/v1/devices", get(accounts::devices::<S>)),
        ("DELETE", "/v1/devices/{id}", delete(accounts::revoke::<S>)),
        ("GET", "/v1/spaces", get(accounts::spaces::<S>)),
        ("POST", "/v1/spaces", post(accounts::create_space::<S>)),
        ("POST", "/v1/spaces/{id}/members", post(accounts::add_member::<S>)),
        ("DELETE", "/v1/spaces/{id}/members/{user}", delete(accounts::remove_member::<S>)),
        ("POST", "/v1/push", post(sync::push::<S>)),
        ("POST", "/v1/pull", post(sync::pull_post::<S>)),
        ("GET", "/v1/pull", get(sync::pull_get::<S>)),
        ("POST", "/v1/sync", post(sync::sync::<S>)),
        ("GET", "/v1/snapshot", get(sync::snapshot::<S>)),
        ("GET", "/v1/events", get(sync::events::<S>)),
    ]
}

/// Every route the server answers, as (method, path with `{param}`s).
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    routes::<crate::SqliteStore>().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The server's routes over `store`.
pub fn router<S: SyncStore>(store: S) -> Router {
    router_with(store, EVENTS_RECHECK)
}

/// The routes with event streams rechecking every `recheck` (tests shorten it).
pub fn router_with<S: SyncStore>(store: S, recheck: std::time::Duration) -> Router {
    let (notices, _) = broadcast::channel(1024);
    let mut router = Router::new();
    for (_, path, handler) in routes::<S>() {
        router = router.route(path, handler);
    }
    router
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this endpoint does not take that method")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // gzip for clients that ask (pulls and snapshots compress well); never for event streams.
        // The fastest level: the JSON still shrinks several times, at a fraction of the CPU.
        .layer(tower_http::compression::CompressionLayer::new().gzip(true).quality(tower_http::compression::CompressionLevel::Fastest))
        .layer(axum::middleware::from_fn(log_request))
        .with_state(AppState { store, notices, recheck })
}

/// One log line per request, with its method, path and status.
async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let res = next.run(req).await;
    let status = res.status().as_u16();
    if status >= 500 {
        tracing::error!(%method, %path, status, "request");
    } else {
        tracing::info!(%method, %path, status, "request");
    }
    res
}

/// Serves the router on `listener` until `shutdown` completes.
pub async fn serve<S: SyncStore>(
    listener: tokio::net::TcpListener,
    store: S,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // TCP_NODELAY: a compressed answer goes out in several writes (head, gzip chunks, the
    // last chunk); with Nagle's algorithm each write after the first waits for the client's
    // delayed ACK, tens of ms on every small sync round trip.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    axum::serve(listener, router(store)).with_graceful_shutdown(shutdown).await
}

/// An error answer: a status and `{code, message, field?, expected_seq?}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: ErrorBody { code: code.into(), message: message.into(), expected_seq: None, field: None } }
    }

    /// 400 `invalid` about one field of the request.
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid", message);
        e.body.field = Some(field.into());
        e
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub(crate) fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.body.field = Some(field.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let status = match e {
            StoreError::Invalid(_) => StatusCode::BAD_REQUEST,
            StoreError::EmailTaken => StatusCode::CONFLICT,
            StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            StoreError::TooNew { .. } | StoreError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %e, "request failed");
            return ApiError::new(status, e.code(), "the server could not complete the request; try again later");
        }
        ApiError::new(status, e.code(), e.to_string())
    }
}

/// Reads a JSON body: 413 when over the size limit, 400 naming the field when malformed.
pub(crate) fn decode<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = body.map_err(|r| {
        let status = r.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "too_large" } else { "bad_body" };
        ApiError::new(status, code, r.body_text())
    })?;
    decode_json(&bytes, "")
}

/// Parses JSON, naming the path of the first bad field (under `prefix`) in a 400.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8], prefix: &str) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de);
    if value.is_ok() {
        if let Err(e) = de.end() {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed", format!("malformed request: {e}")));
        }
    }
    value.map_err(|e| {
        let path = e.path().to_string();
        // `?` marks where serde_path_to_error could not name the place (bad syntax).
        let path = path.trim_end_matches(".?").trim_end_matches('?');
        let field = match (prefix, path) {
            (p, "." | "") => p.to_string(),
            ("", f) => f.to_string(),
            (p, f) => format!("{p}.{f}"),
        };
        let message = format!("malformed request: {}", e.inner());
        let mut err = ApiError::new(StatusCode::BAD_REQUEST, "malformed", message);
        if !field.is_empty() {
            err.body.field = Some(field);
        }
        err
    })
}

/// The device behind the request's bearer token.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    pub user: Uuid,
    pub device: Uuid,
}

impl<S: SyncStore> FromRequestParts<AppState<S>> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Auth, ApiError> {
        let unauthorized = || ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in: this request needs a device token");
        let hash = bearer_hash(&parts.headers).ok_or_else(unauthorized)?;
        let owner = state.store.token_owner(&hash, crate::now_millis()).await?.ok_or_else(unauthorized)?;
        if owner.revoked {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "device_revoked", "this device was signed out; sign in again"));
        }
        Ok(Auth { user: owner.user, device: owner.device })
    }
}

/// The stored hash of the request's bearer token; `None` when there is no usable one.
pub(crate) fn bearer_hash(headers: &axum::http::HeaderMap) -> Option<String> {
    let token = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")?.trim();
    if token.is_empty() || token.len() > 256 {
        return None;
    }
    Some(crate::auth::token_hash(token))
}

async fn health<S: SyncStore>(State(app): State<AppState<S>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "backend": app.store.backend(),
        "schema_version": app.store.schema_version(),
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// The OpenAPI 3.1 document of every endpoint.
pub const OPENAPI: &str = include_str!("../../openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
