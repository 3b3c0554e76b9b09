//! Signing this book in to a sync server and out again. The device token lives in the OS
//! keyring (never in a file); the server address and email are kept in the book.

use super::http::HttpTransport;
use super::protocol::{LoginRequest, MemberRequest, SignUpRequest, SpaceKind, SpaceRequest};
use super::transport::Transport;
use super::transport::TransportError;
use crate::app::App;
use crate::error::{Error, Result};
use crate::store::sync_state;

/// The keyring service of device tokens (one entry per device id).
const SERVICE: &str = "app.rapport.sync";

/// Where this book syncs (absent: it has never signed in, or signed out).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncAccount {
    pub server: String,
    pub email: String,
}

fn entry(app: &App) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &app.store().device().device.to_string()).map_err(|e| Error::KeyringUnavailable(e.to_string()))
}

/// The device token, if this book is signed in and the keyring holds it.
pub fn token(app: &App) -> Result<Option<String>> {
    match entry(app)?.get_password() {
        Ok(t) => Ok(Some(t)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(Error::KeyringUnavailable(e.to_string())),
    }
}

/// The server and email this book is signed in with.
pub fn account(app: &App) -> Result<Option<SyncAccount>> {
    let (server, email) = app.store().read(|c| Ok((sync_state::meta(c, "sync_server")?, sync_state::meta(c, "sync_email")?)))?;
    Ok(match (server, email) {
        (Some(server), Some(email)) => Some(SyncAccount { server, email }),
        _ => None,
    })
}

/// Which sign-in this book is in (new at every sign-in): the background task keeps the token it
/// read from the keyring for as long as this stays the same.
pub(crate) fn session(app: &App) -> Result<Option<String>> {
    app.store().read(|c| sync_state::meta(c, "sync_session"))
}

fn check(email: &str, password: &str) -> Result<()> {
    if !email.contains('@') || email.trim().len() < 3 {
        return Err(Error::invalid("email", "enter the email you signed up with"));
    }
    if password.is_empty() {
        return Err(Error::invalid("password", "enter your password"));
    }
    Ok(())
}

fn sign_in_error(e: TransportError) -> Error {
    match e {
        TransportError::Offline(m) => Error::Offline(m),
        TransportError::Unauthorized(m) => Error::Unauthorized(m),
        TransportError::Forbidden(m) => Error::Unauthorized(m),
        TransportError::TooOld => Error::Conflict("the server needs a newer Rapport".into()),
        TransportError::Gap { .. } | TransportError::Server(_) => Error::Storage(e.to_string()),
    }
}

/// Creates an account on `server`, then signs this book in with it.
pub async fn sign_up(app: &App, server: &str, email: &str, password: &str) -> Result<SyncAccount> {
    check(email, password)?;
    let t = HttpTransport::new(server, None)?;
    t.sign_up(&SignUpRequest { email: email.trim().into(), password: password.into(), name: String::new() })
        .await
        .map_err(|e| match e {
            TransportError::Server(m) if m.starts_with("409") => Error::invalid("email", "an account with this email exists: sign in instead"),
            e => sign_in_error(e),
        })?;
    sign_in(app, server, email, password).await
}

/// Signs this book in: registers the device, keeps its token in the OS keyring. Signing in to
/// another server or account starts sync there from the beginning (nothing is lost: every
/// local change is pushed again, and the server keeps each op once).
pub async fn sign_in(app: &App, server: &str, email: &str, password: &str) -> Result<SyncAccount> {
    check(email, password)?;
    let t = HttpTransport::new(server, None)?;
    let device_name = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "Rapport laptop".into());
    let res = t
        .login(&LoginRequest { email: email.trim().into(), password: password.into(), device: app.store().device().device, device_name })
        .await
        .map_err(sign_in_error)?;
    entry(app)?.set_password(&res.token).map_err(|e| Error::KeyringUnavailable(e.to_string()))?;
    let new = SyncAccount { server: t.base().to_string(), email: email.trim().to_string() };
    if account(app)?.as_ref() != Some(&new) {
        forget_sync_state(app)?;
    }
    app.write(|w| {
        sync_state::set_meta(w.conn(), "sync_server", Some(&new.server))?;
        sync_state::set_meta(w.conn(), "sync_email", Some(&new.email))?;
        sync_state::set_meta(w.conn(), "sync_user", Some(&res.user.to_string()))?;
        sync_state::set_meta(w.conn(), "sync_session", Some(&uuid::Uuid::now_v7().to_string()))
    })?;
    Ok(new)
}

/// Signs out: the token leaves the keyring, the book stops syncing. Local data stays.
pub fn sign_out(app: &App) -> Result<()> {
    match entry(app)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => {}
        Err(e) => return Err(Error::KeyringUnavailable(e.to_string())),
    }
    forget_sync_state(app)?;
    app.write(|w| {
        for k in ["sync_server", "sync_email", "sync_user", "sync_session"] {
            sync_state::set_meta(w.conn(), k, None)?;
        }
        Ok(())
    })
}

fn forget_sync_state(app: &App) -> Result<()> {
    app.write(|w| {
        sync_state::forget_spaces(w.conn())?;
        sync_state::set_acked_seq(w.conn(), 0)?;
        sync_state::set_meta(w.conn(), "sync_space_registered", None)
    })
}

fn signed_in(app: &App) -> Result<HttpTransport> {
    let acct = account(app)?.ok_or_else(|| Error::Unauthorized("sign in to a sync server first".into()))?;
    let token = token(app)?.ok_or_else(|| Error::Unauthorized("sign in again: this laptop's sync token is missing".into()))?;
    HttpTransport::new(&acct.server, Some(token))
}

/// Creates a team space on the server (needs the network) and starts syncing it.
pub async fn create_team_space(app: &App, name: &str) -> Result<uuid::Uuid> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "give the team space a name"));
    }
    let t = signed_in(app)?;
    let id = uuid::Uuid::now_v7();
    t.create_space(SpaceRequest { id, name: name.into(), kind: SpaceKind::Team }).await.map_err(sign_in_error)?;
    app.remember_team_space(id, name)?;
    Ok(id)
}

/// Adds a colleague (by the email they signed up with) to a team space.
pub async fn add_member(app: &App, space: uuid::Uuid, email: &str) -> Result<()> {
    if !email.contains('@') {
        return Err(Error::invalid("email", "enter your colleague's email"));
    }
    signed_in(app)?.add_member(space, &MemberRequest { email: email.trim().into() }).await.map_err(sign_in_error)
}
