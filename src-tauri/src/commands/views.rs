//! Screens' views, composite actions, reminders, settings and the book: each one call into core.

use crate::book::Book;
use crate::first_screen::FirstToday;
use crate::ipc::IpcError;
use rapport_core::app::BookSummary;
use rapport_core::domain::{EntityKind, Gift, Id, Record, Reminder};
use rapport_core::reminders::DueReminder;
use rapport_core::settings::Settings;
use rapport_core::store::search::SearchHit;
use rapport_core::views::{AccountOverview, GiftCheck, GiftTotal, MeetingBrief, QuotaSummary, Suggestion, Today, Whitespace};
use rapport_core::wrapup::{WrapUp, WrappedUp};
use tauri::State;

/// Where the open book is and how much it holds.
#[tauri::command]
#[specta::specta]
pub async fn book_summary(book: State<'_, Book>) -> Result<BookSummary, IpcError> {
    Ok(book.app()?.summary()?)
}

/// The recovery key of a book created in this run, once; `null` afterwards and for older books.
#[tauri::command]
#[specta::specta]
pub async fn take_recovery_key(book: State<'_, Book>) -> Result<Option<String>, IpcError> {
    Ok(book.take_recovery_key())
}

/// The UI calls this once Today has rendered its data; the app logs `ui ready` (the bench
/// measures start-to-interactive by it).
#[tauri::command]
#[specta::specta]
pub async fn ui_ready(book: State<'_, Book>) -> Result<(), IpcError> {
    book.ui_ready();
    Ok(())
}

/// Today: meetings, due tasks, due reminders, renewals in their window, accounts going cold.
#[tauri::command]
#[specta::specta]
pub async fn today(book: State<'_, Book>, first: State<'_, FirstToday>) -> Result<Today, IpcError> {
    let app = book.app()?;
    if let Some(today) = first.take() {
        return Ok(today);
    }
    Ok(app.today()?)
}

/// An account's header and health (with reasons), pipeline, renewal and last touch.
#[tauri::command]
#[specta::specta]
pub async fn account_overview(book: State<'_, Book>, id: Id) -> Result<AccountOverview, IpcError> {
    Ok(book.app()?.account_overview(id)?)
}

/// The two-minute read before a meeting.
#[tauri::command]
#[specta::specta]
pub async fn meeting_brief(book: State<'_, Book>, meeting_id: Id) -> Result<MeetingBrief, IpcError> {
    Ok(book.app()?.meeting_brief(meeting_id)?)
}

/// The meeting brief as Markdown (the "Copy as Markdown" button).
#[tauri::command]
#[specta::specta]
pub async fn meeting_brief_markdown(book: State<'_, Book>, meeting_id: Id) -> Result<String, IpcError> {
    Ok(book.app()?.meeting_brief(meeting_id)?.to_markdown())
}

/// After a meeting: its notes become an interaction and each next step a task (all or nothing).
#[tauri::command]
#[specta::specta]
pub async fn meeting_wrap_up(book: State<'_, Book>, meeting_id: Id, wrap: WrapUp) -> Result<WrappedUp, IpcError> {
    Ok(book.app()?.wrap_up_meeting(meeting_id, wrap)?)
}

/// The whitespace grid: accounts (a page) by products, owned or not.
#[tauri::command]
#[specta::specta]
pub async fn whitespace(book: State<'_, Book>, offset: u32, limit: u32) -> Result<Whitespace, IpcError> {
    Ok(book.app()?.whitespace(offset, limit)?)
}

/// What to propose to an account: products similar accounts hold and it does not.
#[tauri::command]
#[specta::specta]
pub async fn whitespace_suggestions(book: State<'_, Book>, account_id: Id, limit: u32) -> Result<Vec<Suggestion>, IpcError> {
    Ok(book.app()?.whitespace_suggestions(account_id, limit)?)
}

/// Gift totals per recipient in the current period against the cap (one recipient, or all).
#[tauri::command]
#[specta::specta]
pub async fn gift_totals(book: State<'_, Book>, recipient_id: Option<Id>) -> Result<Vec<GiftTotal>, IpcError> {
    Ok(book.app()?.gift_totals(recipient_id)?)
}

/// Before logging a gift: would it take the recipient over the cap?
#[tauri::command]
#[specta::specta]
pub async fn gift_check(book: State<'_, Book>, draft: Gift) -> Result<GiftCheck, IpcError> {
    Ok(book.app()?.gift_check(&draft)?)
}

/// A quota against closed-won and weighted open pipeline.
#[tauri::command]
#[specta::specta]
pub async fn quota_summary(book: State<'_, Book>, quota_id: Id) -> Result<QuotaSummary, IpcError> {
    Ok(book.app()?.quota_summary(quota_id)?)
}

/// Full-text search across accounts, contacts, notes, opportunities and objections; `kinds`
/// empty means all of them.
#[tauri::command]
#[specta::specta]
pub async fn search(book: State<'_, Book>, query: String, kinds: Vec<EntityKind>, limit: u32) -> Result<Vec<SearchHit>, IpcError> {
    Ok(book.app()?.search(&query, &kinds, limit as usize)?)
}

/// Stored reminders due now and not done, oldest first (Today's list and the badge).
#[tauri::command]
#[specta::specta]
pub async fn reminders_due(book: State<'_, Book>) -> Result<Vec<DueReminder>, IpcError> {
    Ok(book.app()?.due_reminders()?)
}

/// Snoozes a reminder until `until` (an RFC 3339 instant in the future).
#[tauri::command]
#[specta::specta]
pub async fn reminder_snooze(book: State<'_, Book>, id: Id, until: chrono::DateTime<chrono::Utc>) -> Result<Record<Reminder>, IpcError> {
    Ok(book.app()?.snooze_reminder(id, until)?)
}

/// Marks a reminder done (a keep-in-touch one comes back after its recurrence).
#[tauri::command]
#[specta::specta]
pub async fn reminder_complete(book: State<'_, Book>, id: Id) -> Result<Record<Reminder>, IpcError> {
    Ok(book.app()?.complete_reminder(id)?)
}

/// The user's settings (language, currency, gift cap, cadences, stages).
#[tauri::command]
#[specta::specta]
pub async fn settings_get(book: State<'_, Book>) -> Result<Settings, IpcError> {
    Ok(book.app()?.settings())
}

/// Saves the settings (validated; errors name the field).
#[tauri::command]
#[specta::specta]
pub async fn settings_update(book: State<'_, Book>, settings: Settings) -> Result<Settings, IpcError> {
    Ok(book.app()?.update_settings(settings)?)
}
