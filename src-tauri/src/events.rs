//! Core's events become Tauri events: `data-changed` and `reminder-due`. A due reminder is also
//! an OS notification, and the number of due reminders shows in the window title and badge.
//!
//! Core announces the reminders of one look at the clock together (the first look after a week
//! away carries every one that came due meanwhile: thousands on a large book). They are told as
//! one batch: a notification each for up to [`NOTIFY_EACH`], one that counts them beyond that,
//! and one refresh of the window.

use crate::book::{Book, UiReady};
use rapport_core::domain::{EntityKind, Id};
use rapport_core::reminders::DueReminder;
use rapport_core::sync::SyncStatus;
use rapport_core::{App, Event};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use std::time::Duration;
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
const FIRST_SCREEN_WAIT: Duration = Duration::from_secs(10);

/// Forwards core's events to the window until the app ends, and starts the sync engine now and
/// the reminders engine and the health refresh once the first screen has shown its data.
///
/// The reminders engine's first look reads every contract renewing in the next 120 days: on the
/// 100,000-account book thousands of decrypted pages and a few hundred ms of CPU, which at start
/// competed with the first screen for the two cores and the page cache. Due reminders are on
/// Today anyway; their notifications and the badge come a moment later.
pub fn forward(handle: AppHandle, app: App, first_screen: UiReady) {
    let mut events = app.subscribe();
    tauri::async_runtime::spawn(async move {
        if let Some(state) = handle.try_state::<crate::commands::sync::SyncState>() {
            state.set(rapport_core::sync::start_sync(app.clone()));
        }
        let engines = tauri::async_runtime::spawn(start_upkeep(handle.clone(), app.clone(), first_screen));
        loop {
            match events.recv().await {
                Ok(Event::Changed { kind, ids }) => {
                    if kind == EntityKind::Reminder {
                        show_due_count(&handle, &app);
                    }
                    emit(&handle, DataChanged { kind, ids });
                }
                Ok(Event::SyncStatus(status)) => emit(&handle, SyncStatusChanged(status)),
                Ok(Event::RemindersDue(batch)) => announce(&handle, &app, &batch),
                Err(RecvError::Lagged(missed)) => tracing::warn!(missed, "events: the window missed some changes"),
                Err(RecvError::Closed) => break,
            }
        }
        // The engines stop with the app.
        engines.abort();
    });
}

/// Once the first screen has shown (or after [`FIRST_SCREEN_WAIT`]): starts the reminders
/// engine and shows the due count; once the engine's first look is over (or after
/// [`FIRST_LOOK_WAIT`]), brings the health bands up to date; then keeps the engine running until
/// this task is stopped.
///
/// The two run one after the other, not side by side: on a book just imported or left closed
/// for weeks each is seconds of work (announcing 16,000 reminders; recomputing 100,000 bands),
/// and together they held some 35 MiB more at once and both cores while the AE was already
/// scrolling.
async fn start_upkeep(handle: AppHandle, app: App, first_screen: UiReady) {
    let _ = tauri::async_runtime::spawn_blocking(move || first_screen.wait(FIRST_SCREEN_WAIT)).await;
    tracing::debug!(since_start_ms = crate::startup::ms(), "reminders engine starting");
    let engine = app.start_reminders();
    let counted = app.clone();
    let _ = tauri::async_runtime::spawn_blocking(move || show_due_count(&handle, &counted)).await;
    if tokio::time::timeout(FIRST_LOOK_WAIT, engine.first_look()).await.is_err() {
        tracing::warn!("reminders: the first look takes long; bringing health bands up to date meanwhile");
    }
    let _ = tauri::async_runtime::spawn_blocking(move || refresh_health(&app)).await;
    std::future::pending::<()>().await;
}

/// How long the health refresh waits for the reminders engine's first look.
const FIRST_LOOK_WAIT: Duration = Duration::from_secs(30);

/// Brings every account's stored health band up to date, so the first "filter by health" on a
/// large book does not wait for it (core also refreshes before each such filter, so this only
/// saves time).
fn refresh_health(app: &App) {
    let started = std::time::Instant::now();
    match app.refresh_health() {
        Ok(n) => tracing::info!(
            accounts = n,
            ms = started.elapsed().as_millis() as u64,
            sqlite_mib = rapport_core::store::sqlite_memory_mib(),
            "health bands up to date"
        ),
        Err(e) => tracing::warn!(error = %e, "could not refresh health bands"),
    }
}

fn emit(handle: &AppHandle, event: impl tauri_specta::Event + Serialize + Clone) {
    if let Err(e) = event.emit(handle) {
        tracing::warn!(error = %e, "events: could not tell the window");
    }
}

/// Up to this many reminders due together get a notification each; more get one that counts.
const NOTIFY_EACH: usize = 3;

/// What the desktop and the window are told of reminders due together.
struct Telling<'a> {
    /// The bodies of the OS notifications.
    notifications: Vec<String>,
    /// The `reminder-due` events for the window: each reminder, or for a large batch only the
    /// newest (the window refreshes once; Today lists them all).
    events: Vec<&'a DueReminder>,
}

fn telling<'a>(batch: &'a [DueReminder], language: &str) -> Telling<'a> {
    if batch.len() <= NOTIFY_EACH {
        return Telling { notifications: batch.iter().map(|d| d.title.clone()).collect(), events: batch.iter().collect() };
    }
    let newest = batch.iter().max_by(|a, b| (a.due_at, &a.key).cmp(&(b.due_at, &b.key)));
    Telling { notifications: vec![count_text(batch.len(), language)], events: newest.into_iter().collect() }
}

/// "12 reminders are due", in the settings' language.
fn count_text(n: usize, language: &str) -> String {
    match language {
        "es" => format!("{n} recordatorios pendientes"),
        "pl" => format!("Przypomnienia do zrobienia: {n}"),
        "it" => format!("{n} promemoria in scadenza"),
        _ => format!("{n} reminders are due"),
    }
}

/// Tells the desktop and the window about reminders due together, and updates the count.
fn announce(handle: &AppHandle, app: &App, batch: &[DueReminder]) {
    let told = telling(batch, &app.settings().language);
    for body in &told.notifications {
        notify(handle, body);
    }
    show_due_count(handle, app);
    for due in told.events {
        emit(handle, ReminderFired(due.clone()));
    }
}

/// An OS notification (nothing shows where no notification daemon runs).
fn notify(handle: &AppHandle, body: &str) {
    if let Err(e) = handle.notification().builder().title(TITLE).body(body).show() {
        tracing::warn!(error = %e, "events: could not show a notification");
    }
}

/// "Rapport (3)" in the title and a badge where the desktop supports one.
fn show_due_count(handle: &AppHandle, app: &App) {
    let count = match app.due_reminder_count() {
        Ok(n) => n,
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
    let _ = window.set_badge_count((count > 0).then_some(i64::try_from(count).unwrap_or(i64::MAX)));
}

/// Starts forwarding once the book is open (it opens on a thread while the window starts, so
/// this waits for it off the main thread); a book that did not open has nothing to say.
pub fn start(handle: &AppHandle) {
    let handle = handle.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let Some(book) = handle.try_state::<Book>() else { return };
        if let Ok(app) = book.opened() {
            forward(handle.clone(), app.clone(), book.ui_ready_signal());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::reminders::ReminderSource;

    fn due(title: &str, at: &str) -> DueReminder {
        let id = uuid::Uuid::now_v7();
        DueReminder {
            key: id.to_string(),
            title: title.into(),
            due_at: at.parse().unwrap(),
            about_kind: None,
            about_id: None,
            source: ReminderSource::Reminder { id, recurring: false },
        }
    }

    #[test]
    fn a_few_reminders_due_together_get_a_notification_and_an_event_each() {
        let batch = [due("Call Ana", "2026-12-07T09:00:00Z"), due("Send the quote", "2026-12-07T09:30:00Z")];
        let told = telling(&batch, "en");
        assert_eq!(told.notifications, ["Call Ana", "Send the quote"]);
        assert_eq!(told.events.len(), 2);
    }

    #[test]
    fn many_reminders_due_together_get_one_notification_that_counts_them_in_the_users_language() {
        let batch: Vec<DueReminder> = (0..40).map(|i| due(&format!("Check in {i}"), &format!("2026-11-{:02}T09:00:00Z", 1 + i % 28))).collect();
        assert_eq!(telling(&batch, "en").notifications, ["40 reminders are due"]);
        assert_eq!(telling(&batch, "pl").notifications, ["Przypomnienia do zrobienia: 40"]);
        assert_eq!(telling(&batch, "es").notifications, ["40 recordatorios pendientes"]);
        assert_eq!(telling(&batch, "it").notifications, ["40 promemoria in scadenza"]);
        // The window refreshes once, told of the newest.
        let told = telling(&batch, "en");
        assert_eq!(told.events.len(), 1);
        assert_eq!(told.events[0].due_at.to_rfc3339(), "2026-11-28T09:00:00+00:00");
    }
}
