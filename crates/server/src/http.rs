//! The HTTP API: JSON in and out, limits checked before anything is stored.

use crate::store::{PushOutcome, StoreError, SyncStore, DEFAULT_PULL_LIMIT};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rapport_core::sync::protocol::{ErrorBody, PullRequest, PushRequest, PushResponse};
use serde::de::DeserializeOwned;
use std::future::Future;

/// The most ops one push may carry.
pub const MAX_PUSH_OPS: usize = 1_000;
/// The largest request body accepted (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The server's routes over `store`.
pub fn router<S: SyncStore>(store: S) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/push", post(push::<S>))
        .route("/v1/pull", post(pull::<S>))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(store)
}

/// Serves the router on `listener` until `shutdown` completes.
pub async fn serve<S: SyncStore>(
    listener: tokio::net::TcpListener,
    store: S,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store)).with_graceful_shutdown(shutdown).await
}

/// An error answer: a status and `{code, message, expected_seq?}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: ErrorBody { code: code.into(), message: message.into(), expected_seq: None } }
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
            StoreError::TooNew { .. } | StoreError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %e, "request failed");
        }
        ApiError::new(status, e.code(), e.to_string())
    }
}

/// Reads a JSON body: 413 when over the size limit, 400 with serde's message when malformed.
fn decode<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = body.map_err(|r| {
        let status = r.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "too_large" } else { "bad_body" };
        ApiError::new(status, code, r.body_text())
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", format!("malformed request: {e}")))
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn push<S: SyncStore>(State(store): State<S>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let req: PushRequest = decode(body)?;
    if req.ops.len() > MAX_PUSH_OPS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a push carries at most {MAX_PUSH_OPS} ops, this one has {}", req.ops.len()),
        ));
    }
    let (space, device, n) = (req.space, req.device, req.ops.len());
    match store.push(space, device, req.ops).await? {
        PushOutcome::Accepted { up_to } => {
            tracing::info!(%space, %device, ops = n, accepted_seq = up_to, "push");
            Ok(Json(PushResponse { accepted_seq: up_to }).into_response())
        }
        PushOutcome::Gap { expected_seq } => {
            tracing::info!(%space, %device, expected_seq, "push refused: gap");
            let mut e = ApiError::new(StatusCode::CONFLICT, "gap", format!("the device's ops must continue from seq {expected_seq}"));
            e.body.expected_seq = Some(expected_seq);
            Ok(e.into_response())
        }
    }
}

async fn pull<S: SyncStore>(State(store): State<S>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let req: PullRequest = decode(body)?;
    let res = store.pull(req.space, req.cursor, req.limit.unwrap_or(DEFAULT_PULL_LIMIT)).await?;
    tracing::debug!(space = %req.space, ops = res.ops.len(), has_more = res.has_more, "pull");
    Ok(Json(res).into_response())
}
