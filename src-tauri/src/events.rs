//! Core's events become Tauri events: `data-changed` and `reminder-due`. A due reminder is also
//! an OS notification, and the number of due reminders shows in the window title and badge.

use crate::book::{Book, UiReady};
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

/// How long the reminders engine waits for the first screen before it starts anyway (a window
/// that never reports).
const FIRST_SCREEN_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Forwards core's events to the window until the app ends, and starts the sync engine now and
/// the reminders engine once the first screen has shown its data.
///
/// The reminders engine's first look reads every contract renewing in the next 120 days and
/// whether each step was announced: on the 100,000-account book some 400 ms of CPU and thousands
/// of decrypted pages, which at start competed with the first screen for the two cores and the
/// page cache. Due reminders are on Today anyway; their notifications and the badge come a
/// moment later.
pub fn forward(handle: AppHandle, app: App, first_screen: UiReady) {
    let mut events = app.subscribe();
    tauri::async_runtime::spawn(async move {
        if let Some(state) = handle.try_state::<crate::commands::sync::SyncState>() {
            state.set(rapport_core::sync::start_sync(app.clone()));
        }
        let engines = tauri::async_runtime::spawn(start_reminders(handle.clone(), app.clone(), first_screen));
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
        // The engines stop with the app.
        engines.abort();
    });
}

/// Once the first screen has shown (or after [`FIRST_SCREEN_WAIT`]): starts the reminders
/// engine, shows the due count, and keeps the engine running until this task is stopped.
async fn start_reminders(handle: AppHandle, app: App, first_screen: UiReady) {
    let _ = tauri::async_runtime::spawn_blocking(move || first_screen.wait(FIRST_SCREEN_WAIT)).await;
    tracing::debug!(since_start_ms = crate::startup::ms(), "reminders engine starting");
    let _engine = app.start_reminders();
    let counted = app.clone();
    let _ = tauri::async_runtime::spawn_blocking(move || show_due_count(&handle, &counted)).await;
    std::future::pending::<()>().await;
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
        forward(handle.clone(), app.clone(), book.ui_ready_signal());
    }
}
