//! The sync endpoints: push, pull, sync, snapshot and the server-sent pokes.

use super::{decode, decode_json, ApiError, AppState, Auth, Notice, MAX_PULLS, MAX_PUSH_OPS, MIN_CLIENT_SCHEMA};
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
use std::collections::{BTreeSet, HashSet};
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

/// Checks a pushed batch before anything is stored: its size, each op's shape, and that the ops
/// are the token's device's ([`check_access`] checks the spaces).
fn checked_ops(device: Uuid, auth: Auth, raw: Vec<Box<RawValue>>, field: &str) -> Result<Vec<IncomingOp>, ApiError> {
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
    Ok(ops)
}

/// 403 unless the user may write every space `ops` name and read every one of `reads`; one
/// store lookup for both.
async fn check_access<S: SyncStore>(app: &AppState<S>, auth: Auth, ops: &[IncomingOp], reads: &[Uuid]) -> Result<(), ApiError> {
    let writes: BTreeSet<Uuid> = ops.iter().map(|o| o.op.space).collect();
    let all: BTreeSet<Uuid> = writes.iter().chain(reads).copied().collect();
    if all.is_empty() {
        return Ok(());
    }
    let usable = app.store.usable_spaces(auth.user, all.into_iter().collect()).await?;
    let refused = |what: &str, s: &Uuid| {
        tracing::warn!(user = %auth.user, device = %auth.device, space = %s, "refused: no access to the space");
        ApiError::forbidden(format!("you may not {what} space {s}"))
    };
    if let Some(s) = writes.iter().find(|s| !usable.contains(s)) {
        return Err(refused("write", s));
    }
    if let Some(s) = reads.iter().find(|s| !usable.contains(s)) {
        return Err(refused("read", s));
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
                let _ = app.notices.send(Notice::Poke(space)); // nobody listening is fine
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
    let ops = checked_ops(req.device, auth, req.ops, "ops")?;
    check_access(&app, auth, &ops, &[]).await?;
    Ok(Json(PushResponse { accepted_seq: store_ops(&app, auth.device, ops).await? }))
}

pub(super) async fn pull_post<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let req: PullRequest = decode(body)?;
    check_access(&app, auth, &[], &[req.space]).await?;
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
    check_access(&app, auth, &[], &[q.space]).await?;
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
    let ops = checked_ops(req.device, auth, req.push, "push")?;
    let reads: Vec<Uuid> = req.pull.iter().map(|p| p.space).collect();
    check_access(&app, auth, &ops, &reads).await?;
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
    check_access(&app, auth, &[], &[q.space]).await?;
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
/// receives ops; keep-alive comments in between. The stream ends when its device is revoked or
/// its token replaced, and stops poking a space the user no longer belongs to: at once for
/// changes made through this process, and within [`AppState::recheck`] for any other.
pub(super) async fn events<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    headers: axum::http::HeaderMap,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let hash = super::bearer_hash(&headers).ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in"))?;
    // Subscribed before the spaces are read: a change in between is heard, not missed.
    let mut notices = app.notices.subscribe();
    let mut spaces = readable(&app.store, auth).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Event, Infallible>>(64);
    let (store, every) = (app.store.clone(), app.recheck);
    tokio::spawn(async move {
        let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            let poke: Vec<Uuid> = tokio::select! {
                _ = tx.closed() => break,
                _ = recheck.tick() => match still_valid(&store, auth, &hash).await {
                    Some(now) => {
                        spaces = now;
                        continue;
                    }
                    None => break,
                },
                got = notices.recv() => match got {
                    Ok(Notice::Poke(space)) if spaces.contains(&space) => vec![space],
                    Ok(Notice::Device(d)) if d == auth.device => match still_valid(&store, auth, &hash).await {
                        Some(now) => {
                            spaces = now;
                            continue;
                        }
                        None => break,
                    },
                    Ok(Notice::Access(u)) if u == auth.user => match readable(&store, auth).await {
                        Ok(now) => {
                            spaces = now;
                            continue;
                        }
                        Err(_) => break,
                    },
                    Ok(_) => continue,
                    // Missed some: recheck, then poke every space; the client pulls what is new.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => match still_valid(&store, auth, &hash).await {
                        Some(now) => {
                            spaces = now;
                            spaces.iter().copied().collect()
                        }
                        None => break,
                    },
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
            };
            for space in poke {
                let Ok(event) = Event::default().event("poke").json_data(Poke { space }) else { continue };
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
            }
        }
        tracing::debug!(device = %auth.device, "events stream ended");
    });
    tracing::debug!(device = %auth.device, "events stream opened");
    Ok(Sse::new(tokio_stream::wrappers::ReceiverStream::new(rx)).keep_alive(KeepAlive::default()))
}

/// The spaces the stream's user may read.
async fn readable<S: SyncStore>(store: &S, auth: Auth) -> Result<HashSet<Uuid>, crate::store::StoreError> {
    Ok(store.spaces(auth.user).await?.into_iter().map(|s| s.id).collect())
}

/// The user's spaces if the stream's token still belongs to its device and is not revoked;
/// `None` (end the stream: the client reconnects and learns why) otherwise or when the store
/// cannot say.
async fn still_valid<S: SyncStore>(store: &S, auth: Auth, hash: &str) -> Option<HashSet<Uuid>> {
    match store.token_owner(hash, crate::now_millis()).await {
        Ok(Some(owner)) if !owner.revoked && owner.device == auth.device && owner.user == auth.user => readable(store, auth).await.ok(),
        _ => None,
    }
}
