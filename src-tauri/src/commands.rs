//! Tauri commands: each one call into core (or the shell's state) and an error conversion.

use crate::book::Book;
use rapport_core::app::BookSummary;
use crate::ipc::IpcError;
use tauri::State;

/// Where the open book is and how much it holds.
#[tauri::command]
pub fn book_summary(book: State<'_, Book>) -> Result<BookSummary, IpcError> {
    Ok(book.app()?.summary()?)
}

/// The recovery key of a book created in this run, once; `null` afterwards and for older books.
#[tauri::command]
pub fn take_recovery_key(book: State<'_, Book>) -> Option<String> {
    book.take_recovery_key()
}
