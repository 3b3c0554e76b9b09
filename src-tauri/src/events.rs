//! Core's events become Tauri events: `data-changed` and `reminder-due`. A due reminder is also
//! an OS notification, and the number of due reminders shows in the window title and badge.

use crate::book::Book;
use rapport_core::domain::{EntityKind, Id};
use rapport_core::reminders::DueReminder;
use rapport_core::sync::SyncStatus;
use rapport_core::{App, Event};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

/// Records of `kind` changed (a local edit or applied sync): refetch what shows them.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "data-changed")]
pub struct DataChanged {
    pub kind: EntityKind,
    pub ids: Vec<Id>,
}

/// A reminder is due now.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "reminder-due")]
pub struct ReminderFired(pub DueReminder);

/// The sync state changed ("Synced", "Offline: 3 changes will sync"...).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "sync-status")]
pub struct SyncStatusChanged(pub SyncStatus);

/// The window's title with no reminder due; `scripts/screenshot.sh` finds the window by it.
const TITLE: &str = "Rapport";

/// Starts the reminders engine and forwards core's events to the window until the app ends.
pub fn forward(handle: AppHandle, app: App) {
    let mut events = app.subscribe();
    tauri::async_runtime::spawn(async move {
        // Live as long as this task: the engines stop with the app.
        let _engine = app.start_reminders();
        if let Some(state) = handle.try_state::<crate::commands::sync::SyncState>() {
            state.set(rapport_core::sync::start_sync(app.clone()));
        }
        show_due_count(&handle, &app);
        loop {
            match events.recv().await {
                Ok(Event::Changed { kind, ids }) => {
                    if kind == EntityKind::Reminder {
                        show_due_count(&handle, &app);
                    }
                    emit(&handle, DataChanged { kind, ids });
                }
                Ok(Event::SyncStatus(status)) => emit(&handle, SyncStatusChanged(status)),
                Ok(Event::ReminderDue(due)) => {
                    notify(&handle, &due);
                    show_due_count(&handle, &app);
                    emit(&handle, ReminderFired(due));
                }
                Err(RecvError::Lagged(missed)) => tracing::warn!(missed, "events: the window missed some changes"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn emit(handle: &AppHandle, event: impl tauri_specta::Event + Serialize + Clone) {
    if let Err(e) = event.emit(handle) {
        tracing::warn!(error = %e, "events: could not tell the window");
    }
}

/// An OS notification (nothing shows where no notification daemon runs).
fn notify(handle: &AppHandle, due: &DueReminder) {
    if let Err(e) = handle.notification().builder().title(TITLE).body(&due.title).show() {
        tracing::warn!(error = %e, "events: could not show a notification");
    }
}

/// "Rapport (3)" in the title and a badge where the desktop supports one.
fn show_due_count(handle: &AppHandle, app: &App) {
    let count = match app.due_reminders() {
        Ok(due) => due.len(),
        Err(e) => {
            tracing::warn!(error = %e, "events: could not count due reminders");
            return;
        }
    };
    let Some(window) = handle.get_webview_window("main") else { return };
    let title = if count == 0 { TITLE.to_string() } else { format!("{TITLE} ({count})") };
    if let Err(e) = window.set_title(&title) {
        tracing::warn!(error = %e, "events: could not set the title");
    }
    // Only some Linux desktops (Unity launchers) and macOS show it; elsewhere it is a no-op.
    let _ = window.set_badge_count((count > 0).then_some(count as i64));
}

/// Starts forwarding when the book opened; a book that did not open has nothing to say.
pub fn start(handle: &AppHandle) {
    let Some(book) = handle.try_state::<Book>() else { return };
    if let Ok(app) = book.opened() {
        forward(handle.clone(), app.clone());
    }
}
