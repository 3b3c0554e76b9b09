//! Sync: sign-in and out, the status, what waits to sync, conflicts and Trash. Each one call
//! into core; the background task itself lives in core (`rapport_core::sync::task`).

use crate::book::Book;
use crate::ipc::IpcError;
use rapport_core::sync::{self, Conflict, PendingChange, Pick, SyncAccount, SyncHandle, SyncStatus, TrashItem};
use std::sync::Mutex;
use tauri::State;

/// The running sync task (absent until the book opened and the task started).
#[derive(Default)]
pub struct SyncState(Mutex<Option<SyncHandle>>);

impl SyncState {
    pub fn set(&self, handle: SyncHandle) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(handle);
        }
    }

    fn status(&self) -> SyncStatus {
        self.0.lock().ok().and_then(|h| h.as_ref().map(SyncHandle::status)).unwrap_or(SyncStatus::LocalOnly {})
    }

    fn now(&self) {
        if let Ok(h) = self.0.lock() {
            if let Some(h) = h.as_ref() {
                h.sync_now();
            }
        }
    }
}

/// The sync state in one value ("Synced", "N changes waiting", "Offline", "Sign in to sync"...).
#[tauri::command]
#[specta::specta]
pub async fn sync_status(sync: State<'_, SyncState>) -> Result<SyncStatus, IpcError> {
    Ok(sync.status())
}

/// The server and email this book syncs with, if signed in.
#[tauri::command]
#[specta::specta]
pub async fn sync_account(book: State<'_, Book>) -> Result<Option<SyncAccount>, IpcError> {
    Ok(sync::account::account(book.app()?)?)
}

/// Signs in (the token goes to the OS keyring) and syncs now.
#[tauri::command]
#[specta::specta]
pub async fn sync_sign_in(book: State<'_, Book>, sync: State<'_, SyncState>, server: String, email: String, password: String) -> Result<SyncStatus, IpcError> {
    sync::sign_in(book.app()?, &server, &email, &password).await?;
    sync.now();
    Ok(sync.status())
}

/// Creates an account on the server, signs in and syncs now.
#[tauri::command]
#[specta::specta]
pub async fn sync_sign_up(book: State<'_, Book>, sync: State<'_, SyncState>, server: String, email: String, password: String) -> Result<SyncStatus, IpcError> {
    sync::sign_up(book.app()?, &server, &email, &password).await?;
    sync.now();
    Ok(sync.status())
}

/// Signs out: the token leaves the keyring; the book stays.
#[tauri::command]
#[specta::specta]
pub async fn sync_sign_out(book: State<'_, Book>, sync: State<'_, SyncState>) -> Result<(), IpcError> {
    sync::sign_out(book.app()?)?;
    sync.now();
    Ok(())
}

/// Syncs now (the task also runs by itself).
#[tauri::command]
#[specta::specta]
pub async fn sync_now(sync: State<'_, SyncState>) -> Result<(), IpcError> {
    sync.now();
    Ok(())
}

/// Each field waiting to be pushed, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn sync_pending(book: State<'_, Book>) -> Result<Vec<PendingChange>, IpcError> {
    Ok(book.app()?.pending_changes(500)?)
}

/// Fields changed on two devices without seeing each other: the kept and the other value.
#[tauri::command]
#[specta::specta]
pub async fn sync_conflicts(book: State<'_, Book>) -> Result<Vec<Conflict>, IpcError> {
    Ok(book.app()?.conflicts()?)
}

/// Settles a conflict on every device: keep mine, take theirs, or keep both (text).
#[tauri::command]
#[specta::specta]
pub async fn sync_resolve_conflict(book: State<'_, Book>, id: String, pick: Pick) -> Result<(), IpcError> {
    Ok(book.app()?.resolve_conflict(&id, pick)?)
}

/// Trash across every kind of record, most recently deleted first, with "edited after delete".
#[tauri::command]
#[specta::specta]
pub async fn trash(book: State<'_, Book>) -> Result<Vec<TrashItem>, IpcError> {
    Ok(book.app()?.trash(200)?)
}
