//! Sign-up, login, devices, spaces and members.

use super::{decode, ApiError, AppState, Auth, Notice};
use crate::auth;
use crate::store::SyncStore;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rapport_core::sync::protocol::{DeviceInfo, LoginRequest, LoginResponse, MemberRequest, SignUpRequest, SpaceInfo, SpaceRequest};
use uuid::Uuid;

const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 1024;
const MAX_NAME: usize = 200;

fn check_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.len() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, format!("{field} must be at most {MAX_NAME} bytes, without control characters")));
    }
    Ok(())
}

fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    p.map(|Path(v)| v).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", format!("malformed path: {}", e.body_text())))
}

/// argon2 takes tens of milliseconds of CPU: off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| crate::store::StoreError::Storage(format!("password task: {e}")).into())
}

pub(super) async fn signup<S: SyncStore>(
    State(app): State<AppState<S>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let req: SignUpRequest = decode(body)?;
    if !auth::valid_email(&req.email) {
        return Err(ApiError::invalid("email", "this is not an email address"));
    }
    if req.password.chars().count() < MIN_PASSWORD || req.password.len() > MAX_PASSWORD {
        return Err(ApiError::invalid("password", format!("a password has at least {MIN_PASSWORD} characters")));
    }
    check_name("name", &req.name)?;
    let key = auth::email_key(&req.email);
    if app.store.user_by_email(&key).await?.is_some() {
        return Err(crate::store::StoreError::EmailTaken.into());
    }
    let password = req.password.clone();
    let hash = blocking(move || auth::hash_password(&password)).await?.map_err(crate::store::StoreError::Storage)?;
    let user = app.store.create_user(req.email.trim(), &key, req.name.trim(), &hash, crate::now_millis()).await?;
    tracing::info!(%user, "signed up");
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "user": user }))))
}

pub(super) async fn login<S: SyncStore>(
    State(app): State<AppState<S>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<LoginResponse>, ApiError> {
    let req: LoginRequest = decode(body)?;
    check_name("device_name", &req.device_name)?;
    if req.password.len() > MAX_PASSWORD {
        return Err(ApiError::invalid("password", "this password is too long"));
    }
    let bad = || ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "wrong email or password");
    let found = app.store.user_by_email(&auth::email_key(&req.email)).await?;
    // An unknown email costs the same argon2 check as a known one: timing tells nothing.
    let (user, hash) = match found {
        Some(u) => (Some(u.id), u.password_hash),
        None => (None, auth::decoy_hash().to_string()),
    };
    let password = req.password.clone();
    let ok = blocking(move || auth::verify_password(&password, &hash)).await?;
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!("login refused: bad credentials");
        return Err(bad());
    };
    let token = auth::new_token();
    app.store.register_device(user, req.device, req.device_name.trim(), &auth::token_hash(&token), crate::now_millis()).await?;
    let _ = app.notices.send(Notice::Device(req.device)); // the old token's streams end
    tracing::info!(%user, device = %req.device, "logged in");
    Ok(Json(LoginResponse { user, device: req.device, token }))
}

pub(super) async fn devices<S: SyncStore>(State(app): State<AppState<S>>, auth: Auth) -> Result<Json<Vec<DeviceInfo>>, ApiError> {
    Ok(Json(app.store.devices(auth.user).await?))
}

pub(super) async fn revoke<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    id: Result<Path<Uuid>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let device = path(id)?;
    app.store.revoke_device(auth.user, device).await?;
    let _ = app.notices.send(Notice::Device(device));
    tracing::info!(user = %auth.user, %device, "device revoked");
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn spaces<S: SyncStore>(State(app): State<AppState<S>>, auth: Auth) -> Result<Json<Vec<SpaceInfo>>, ApiError> {
    Ok(Json(app.store.spaces(auth.user).await?))
}

pub(super) async fn create_space<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SpaceInfo>, ApiError> {
    let req: SpaceRequest = decode(body)?;
    check_name("name", &req.name)?;
    if req.id.is_nil() {
        return Err(ApiError::invalid("id", "a space id is a UUID other than nil"));
    }
    let info = app.store.create_space(auth.user, &req, crate::now_millis()).await?;
    let _ = app.notices.send(Notice::Access(auth.user));
    Ok(Json(info))
}

pub(super) async fn add_member<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    id: Result<Path<Uuid>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let space = path(id)?;
    let req: MemberRequest = decode(body)?;
    if !auth::valid_email(&req.email) {
        return Err(ApiError::invalid("email", "this is not an email address"));
    }
    let user = app.store.add_member(auth.user, space, &auth::email_key(&req.email)).await.map_err(|e| {
        let invalid = matches!(e, crate::store::StoreError::Invalid(_));
        let err: ApiError = e.into();
        if invalid {
            err.with_field("id")
        } else {
            err
        }
    })?;
    let _ = app.notices.send(Notice::Access(user));
    tracing::info!(%space, member = %user, "member added");
    Ok(Json(serde_json::json!({ "user": user })))
}

pub(super) async fn remove_member<S: SyncStore>(
    State(app): State<AppState<S>>,
    auth: Auth,
    ids: Result<Path<(Uuid, Uuid)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (space, member) = path(ids)?;
    app.store.remove_member(auth.user, space, member).await?;
    let _ = app.notices.send(Notice::Access(member));
    tracing::info!(%space, %member, "member removed");
    Ok(StatusCode::NO_CONTENT)
}
