//! The errors a caller of core can act on.

use serde::Serialize;

/// Every failure core reports. Each variant is something the user or the caller can act on;
/// `code()` is the stable string the UI maps to a message in the user's language.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} not found")]
    NotFound { what: &'static str },

    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },

    #[error("conflict: {0}")]
    Conflict(String),

    #[error("offline: {0}")]
    Offline(String),

    #[error("unauthorized: {0}")]
    Unauthorized(String),

    /// The OS keyring cannot be reached; the caller should ask the user for a passphrase.
    #[error("the system keyring is not available ({0}); enter a passphrase or recovery key")]
    KeyringUnavailable(String),

    /// The book exists but its key is neither in the keyring nor supplied.
    #[error("the key for this book is missing from the keyring; enter its recovery key or passphrase")]
    KeyMissing,

    /// The supplied key, passphrase or recovery key does not open the book.
    #[error("this key does not open the book")]
    WrongKey,

    /// The database was written by a newer Rapport.
    #[error("this book was written by a newer Rapport (schema {found}, this app knows up to {known}); update the app")]
    TooNew { found: i64, known: i64 },

    #[error("storage: {0}")]
    Storage(String),
}

impl Error {
    /// A stable code the UI branches on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Invalid { .. } => "invalid",
            Error::Conflict(_) => "conflict",
            Error::Offline(_) => "offline",
            Error::Unauthorized(_) => "unauthorized",
            Error::KeyringUnavailable(_) => "keyring_unavailable",
            Error::KeyMissing => "key_missing",
            Error::WrongKey => "wrong_key",
            Error::TooNew { .. } => "too_new",
            Error::Storage(_) => "storage",
        }
    }

    /// The field an `Invalid` error is about.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), reason: reason.into() }
    }

    /// The form that crosses to the UI: `{kind, code, message, field?}`.
    pub fn to_wire(&self) -> WireError {
        WireError {
            code: self.code().to_string(),
            message: self.to_string(),
            field: self.field().map(str::to_string),
        }
    }
}

/// The serialised error that crosses to the UI.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WireError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => Error::WrongKey,
            _ => Error::Storage(e.to_string()),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Storage(format!("encoding: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
