//! What the UI says about sync, in one value (UI.md: "Synced 2 min ago", "Offline: 14 changes
//! will sync", "Sign in to sync", "Update needed to sync").

use serde::{Deserialize, Serialize};

/// The sync state. Offline is a normal state, not an error; only `needs_sign_in`, `too_old` and
/// `error` need the user. Times are milliseconds since the epoch.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncStatus {
    /// Never signed in: the book lives on this laptop only.
    LocalOnly {},
    /// Everything is pushed and pulled.
    Synced { at: i64 },
    /// Online, with changes still going up or down.
    Waiting { changes: u64, last_synced_at: Option<i64> },
    /// The server cannot be reached; changes wait and sync later by themselves.
    Offline { changes: u64, last_synced_at: Option<i64> },
    /// The server no longer accepts this device (signed out, token revoked).
    NeedsSignIn { changes: u64 },
    /// The server's data needs a newer Rapport: this one keeps working offline.
    TooOld { changes: u64 },
    /// Something else went wrong; sync retries by itself.
    Error { changes: u64, message: String },
}

impl SyncStatus {
    /// Changes waiting to be pushed, as the status reports them.
    pub fn changes(&self) -> u64 {
        match self {
            SyncStatus::LocalOnly {} | SyncStatus::Synced { .. } => 0,
            SyncStatus::Waiting { changes, .. }
            | SyncStatus::Offline { changes, .. }
            | SyncStatus::NeedsSignIn { changes }
            | SyncStatus::TooOld { changes }
            | SyncStatus::Error { changes, .. } => *changes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_cross_to_the_ui_tagged_by_state() {
        let s = serde_json::to_value(SyncStatus::Offline { changes: 14, last_synced_at: Some(5) }).unwrap();
        assert_eq!(s, serde_json::json!({"state": "offline", "changes": 14, "last_synced_at": 5}));
        let s = serde_json::to_value(SyncStatus::LocalOnly {}).unwrap();
        assert_eq!(s, serde_json::json!({"state": "local_only"}));
    }
}
