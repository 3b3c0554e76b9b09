//! The sync endpoints: push, pull, sync, snapshot and the server-sent pokes.

use super::{decode, decode_json, ApiError, AppState, Auth, MAX_PULLS, MAX_PUSH_OPS, MIN_CLIENT_SCHEMA};
use crate::store::{
    clamp, decode_after, encode_after, IncomingOp, PushOutcome, SyncStore, DEFAULT_SNAPSHOT_LIMIT, MAX_SNAPSHOT_LIMIT,
};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use rapport_core::sync::protocol::{Op, Poke, PullRequest, PushResponse, SnapshotPage, VersionVector};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeSet;
use std::convert::Infallible;
use uuid::Uuid;

/// `PushRequest` as read by the server: each op is kept as the client's JSON, so fields this
/// server does not know are stored and served back untouched.
#[derive(Deserialize)]
struct PushBody {
    device: Uuid,
    ops: Vec<Box<RawValue>>,
}

/// `SyncRequest`, read the same way.
#[derive(Deserialize)]
struct SyncBody {
    device: Uuid,
    #[serde(default)]
    push: Vec<Box<RawValue>>,
    #[serde(default)]
    pull: Vec<PullRequest>,
}

/// `PullResponse` as the server writes it: the stored ops' JSON as it was pushed.
#[derive(Serialize)]
pub(super) struct PullPage {
    space: Uuid,
    ops: Vec<Box<RawValue>>,
    cursor: VersionVector,
    has_more: bool,
    min_schema: u32,
}

/// `SyncResponse`, written the same way.
#[derive(Serialize)]
pub(super) struct SyncPage {
    accepted_seq: u64,
    pulls: Vec<PullPage>,
}

/// Checks a pushed batch before anything is stored: its size, each op's shape, that the ops are
/// the token's device's, and that the user may write every space they name.
async fn checked_ops<S: SyncStore>(
    app: &AppState<S>,
    auth: Auth,
    device: Uuid,
    raw: Vec<Box<RawValue>>,
    field: &str,
) -> Result<Vec<IncomingOp>, ApiError> {
    if device != auth.device {
        return Err(ApiError::forbidden(format!("this token belongs to device {}, not {device}", auth.device)).with_field("device"));
    }
    if raw.len() > MAX_PUSH_OPS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a push carries at most {MAX_PUSH_OPS} ops, this one has {}", raw.len()),
        )
        .with_field(field));
    }
    let mut ops = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        let at = format!("{field}[{i}]");
        let op: Op = decode_json(r.get().as_bytes(), &at)?;
        if op.device != device {
            return Err(ApiError::invalid(format!("{at}.device"), format!("op {i} is from device {}, not the pushing device {device}", op.device)));
        }
        if op.seq == 0 || op.seq > i64::MAX as u64 {
            return Err(ApiError::invalid(format!("{at}.seq"), "an op's seq starts at 1"));
        }
        if op.table.is_empty() || op.table.len() > 64 {
            return Err(ApiError::invalid(format!("{at}.table"), "an op names its record kind in 1 to 64 bytes"));
        }
        if let Some((name, _)) = op.text.iter().find(|(_, u)| !crate::store::is_text_update(&u.0)) {
            return Err(ApiError::invalid(format!("{at}.text.{name}"), "not a yrs v1 text update"));
        }
        ops.push(IncomingOp { op, raw: r.get().to_string() });
    }
    let spaces: BTreeSet<Uuid> = ops.iter().map(|o| o.op.space).collect();
    check_spaces(app, auth, spaces.into_iter().collect(), "write").await?;
    Ok(ops)
}

/// 403 unless the user may use every one of `spaces`.
async fn check_spaces<S: SyncStore>(app: &AppState<S>, auth: Auth, spaces: Vec<Uuid>, what: &str) -> Result<(), ApiError> {
    if spaces.is_empty() {
        return Ok(());
    }
    let usable = app.store.usable_spaces(auth.user, spaces.clone()).await?;
    if let Some(s) = spaces.iter().find(|s| !usable.contains(s)) {
        tracing::warn!(user = %auth.user, device = %auth.device, space = %s, "refused: no access to the space");
        return Err(ApiError::forbidden(format!("you may not {what} space {s}")));
    }
    Ok(())
}

/// Stores checked ops: the accepted seq, or 409 `gap` with the seq the server expects.
async fn store_ops<S: SyncStore>(app: &AppState<S>, device: Uuid, ops: Vec<IncomingOp>) -> Result<u64, ApiError> {
    let n = ops.len();
    match app.store.push(device, ops).await? {
        PushOutcome::Accepted { up_to, new_in } => {
            tracing::info!(%device, ops = n, accepted_seq = up_to, spaces = new_in.len(), "push");
            for space in new_in {
                let _ = app.pokes.send(space); // nobody listening is fine
            }
            Ok(up_to)
        }
        PushOutcome::Gap { expected_seq } => {
            tracing::info!(%device, expected_seq, "push refused: gap");
            let mut e = ApiError::new(StatusCode::CONFLICT, "gap", format!("the device's ops must continue from seq {expected_seq}"));
            e.body.expected_seq = Some(expected_seq);
            Err(e)
        }
    }
}

/// One page of a space's ops after a cursor (access already checked).
async fn pull_page<S: SyncStore>(app: &AppState<S>, req: PullRequest) -> Result<PullPage, ApiError> {
    let page = app.store.pull(req.space, req.cursor, req.limit.unwrap_or(0)).await?;
    let ops = page
        .ops
        .into_iter()
        .map(RawValue::from_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| crate::store::StoreError::Storage(format!("a stored op is not JSON: {e}")))?;
    tracing::debug!(space = %req.space, ops = ops.len(), has_more = page.has_more, "pull");
    Ok(PullPage { space: req.space, ops, cursor: page.cursor, has_more: page.has_more, min_schema: MIN_CLIENT_SCHEMA })
}

pub(super) async fn push<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let req: PushBody = decode(body)?;
    let ops = checked_ops(&app, auth, req.device, req.ops, "ops").await?;
    Ok(Json(PushResponse { accepted_seq: store_ops(&app, auth.device, ops).await? }))
}

pub(super) async fn pull_post<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let req: PullRequest = decode(body)?;
    check_spaces(&app, auth, vec![req.space], "read").await?;
    Ok(Json(pull_page(&app, req).await?))
}

#[derive(Deserialize)]
pub(super) struct PullQuery {
    space: Uuid,
    cursor: Option<String>,
    limit: Option<usize>,
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(q)| q).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", format!("malformed query: {}", e.body_text())))
}

pub(super) async fn pull_get<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    q: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let q = query(q)?;
    let cursor = match q.cursor.as_deref() {
        None | Some("") => VersionVector::default(),
        Some(c) => decode_json(c.as_bytes(), "cursor")?,
    };
    check_spaces(&app, auth, vec![q.space], "read").await?;
    Ok(Json(pull_page(&app, PullRequest { space: q.space, cursor, limit: q.limit }).await?))
}

pub(super) async fn sync<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SyncPage>, ApiError> {
    let req: SyncBody = decode(body)?;
    if req.pull.len() > MAX_PULLS {
        return Err(ApiError::invalid("pull", format!("a sync pulls at most {MAX_PULLS} spaces")));
    }
    let ops = checked_ops(&app, auth, req.device, req.push, "push").await?;
    let spaces: BTreeSet<Uuid> = req.pull.iter().map(|p| p.space).collect();
    check_spaces(&app, auth, spaces.into_iter().collect(), "read").await?;
    let accepted_seq = store_ops(&app, auth.device, ops).await?;
    let mut pulls = Vec::with_capacity(req.pull.len());
    for p in req.pull {
        pulls.push(pull_page(&app, p).await?);
    }
    Ok(Json(SyncPage { accepted_seq, pulls }))
}

#[derive(Deserialize)]
pub(super) struct SnapshotQuery {
    space: Uuid,
    after: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn snapshot<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    q: Result<Query<SnapshotQuery>, QueryRejection>,
) -> Result<Json<SnapshotPage>, ApiError> {
    let q = query(q)?;
    check_spaces(&app, auth, vec![q.space], "read").await?;
    let limit = clamp(q.limit.unwrap_or(0), DEFAULT_SNAPSHOT_LIMIT, MAX_SNAPSHOT_LIMIT);
    // The cursor is read before the first page's rows: state may be newer than it, never older.
    let (after, cursor) = match q.after.as_deref() {
        None | Some("") => (None, app.store.version_vector(q.space).await?),
        Some(token) => {
            let (t, r, c) = decode_after(token).ok_or_else(|| ApiError::invalid("after", "not a snapshot page token"))?;
            (Some((t, r)), c)
        }
    };
    let rows = app.store.snapshot_rows(q.space, after, limit).await?;
    let next = match rows.last() {
        Some(last) if rows.len() == limit => Some(encode_after(&last.table, last.row, &cursor)),
        _ => None,
    };
    Ok(Json(SnapshotPage { space: q.space, rows, cursor, next }))
}

/// `GET /v1/events`: `event: poke` with `{"space": ...}` whenever a space the device may read
/// receives ops; keep-alive comments in between.
pub(super) async fn events<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
) -> impl axum::response::IntoResponse {
    let mut pokes = app.pokes.subscribe();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Event, Infallible>>(64);
    let store = app.store.clone();
    tokio::spawn(async move {
        loop {
            let spaces = tokio::select! {
                _ = tx.closed() => break,
                got = pokes.recv() => match got {
                    Ok(space) => vec![space],
                    // Missed some: poke every space the user has, the client pulls what is new.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => match store.spaces(auth.user).await {
                        Ok(all) => all.into_iter().map(|s| s.id).collect(),
                        Err(_) => continue,
                    },
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
            };
            let Ok(usable) = store.usable_spaces(auth.user, spaces).await else { continue };
            for space in usable {
                let Ok(event) = Event::default().event("poke").json_data(Poke { space }) else { continue };
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
            }
        }
    });
    tracing::debug!(device = %auth.device, "events stream opened");
    Sse::new(tokio_stream::wrappers::ReceiverStream::new(rx)).keep_alive(KeepAlive::default())
}
