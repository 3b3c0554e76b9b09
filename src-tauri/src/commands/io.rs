//! Import and export: each command one call into core's `imports()` / `exports()`.
//!
//! Where files come from and go to, and why:
//! - Files to import arrive as bytes from the webview (a file input or a drop on the wizard):
//!   the page needs no file-system or dialog permission, and it never names a path the shell
//!   would read.
//! - Exports are saved where the user picks in a native save dialog that the shell opens
//!   itself (tauri-plugin-dialog's Rust API): the page only says *what* to export, never
//!   *where*, so the capabilities grant the page no dialog or fs permission at all and the CSP
//!   stays as strict as it was. The archive (a folder) is picked the same way.
//! - `RAPPORT_EXPORT_DIR` (unattended runs, the end-to-end tests): save into that folder under
//!   the suggested name instead of asking.

use crate::book::Book;
use crate::ipc::IpcError;
use rapport_core::domain::{EntityKind, Id};
use rapport_core::io::archive::Manifest;
use rapport_core::io::export::{Export, Format};
use rapport_core::io::ics::IcsReport;
use rapport_core::io::vcard::VcardReport;
use rapport_core::io::{BatchInfo, ImportReport, Mapping, Preview, Progress, Table, UndoReport};
use rapport_core::ListQuery;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_specta::Event;

/// Saves exports into this folder without asking (unattended runs and the end-to-end tests).
pub const EXPORT_DIR_ENV: &str = "RAPPORT_EXPORT_DIR";

/// A file read for import and how core proposes to read it (the wizard shows and edits the
/// mapping, then sends both back to preview).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ImportFile {
    pub table: Table,
    pub mapping: Mapping,
}

/// How far an import's commit has got (the wizard's progress bar), as core reports it.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "import-progress")]
pub struct ImportProgress(pub Progress);

/// Reads a CSV or .xlsx file the user picked or dropped, and recognises it (Salesforce,
/// HubSpot, a saved mapping, or a guess to correct).
#[tauri::command]
#[specta::specta]
pub async fn import_read(book: State<'_, Book>, name: String, bytes: Vec<u8>) -> Result<ImportFile, IpcError> {
    let im = book.app()?.imports();
    let table = im.read(&name, &bytes)?;
    Ok(ImportFile { mapping: im.recognise(&table)?, table })
}

/// Plans the import of the files together (ids resolve across them). Writes nothing.
#[tauri::command]
#[specta::specta]
pub async fn import_preview(book: State<'_, Book>, files: Vec<ImportFile>) -> Result<Preview, IpcError> {
    let files: Vec<(Table, Mapping)> = files.into_iter().map(|f| (f.table, f.mapping)).collect();
    Ok(book.app()?.imports().preview(&files)?)
}

/// Writes a preview with the user's per-row choices in one transaction; progress arrives as
/// `import-progress` events.
#[tauri::command]
#[specta::specta]
pub async fn import_commit(handle: AppHandle, book: State<'_, Book>, preview: Preview) -> Result<ImportReport, IpcError> {
    let mut progress = |p: Progress| {
        if let Err(e) = ImportProgress(p).emit(&handle) {
            tracing::warn!(error = %e, "import: could not report progress");
        }
    };
    Ok(book.app()?.imports().commit(&preview, &mut progress)?)
}

/// Takes an import batch back: created records to Trash, updated fields to their old values.
#[tauri::command]
#[specta::specta]
pub async fn import_undo(book: State<'_, Book>, batch: Id) -> Result<UndoReport, IpcError> {
    Ok(book.app()?.imports().undo(batch)?)
}

/// Past imports, newest first.
#[tauri::command]
#[specta::specta]
pub async fn import_batches(book: State<'_, Book>) -> Result<Vec<BatchInfo>, IpcError> {
    Ok(book.app()?.imports().batches()?)
}

/// Saves a column mapping under a name; a later file with the same columns gets it back.
#[tauri::command]
#[specta::specta]
pub async fn import_save_mapping(book: State<'_, Book>, name: String, mapping: Mapping) -> Result<Mapping, IpcError> {
    Ok(book.app()?.imports().save_mapping(&name, &mapping)?)
}

/// The saved column mappings.
#[tauri::command]
#[specta::specta]
pub async fn import_mappings(book: State<'_, Book>) -> Result<Vec<Mapping>, IpcError> {
    Ok(book.app()?.imports().mappings()?)
}

/// Imports calendar invites (.ics) as meetings.
#[tauri::command]
#[specta::specta]
pub async fn import_ics(book: State<'_, Book>, bytes: Vec<u8>) -> Result<IcsReport, IpcError> {
    Ok(book.app()?.imports().ics(&bytes)?)
}

/// Imports contact cards (.vcf) as contacts.
#[tauri::command]
#[specta::specta]
pub async fn import_vcard(book: State<'_, Book>, bytes: Vec<u8>) -> Result<VcardReport, IpcError> {
    Ok(book.app()?.imports().vcard(&bytes)?)
}

/// Restores a whole-book archive from a folder the user picks; `null` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn import_archive(handle: AppHandle, book: State<'_, Book>) -> Result<Option<Manifest>, IpcError> {
    let Some(dir) = pick_folder(&handle).await else { return Ok(None) };
    Ok(Some(book.app()?.imports().archive(&dir)?))
}

/// A list as the user filtered it, saved as CSV or .xlsx where they pick; returns the path
/// saved to, or `null` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn export_list(handle: AppHandle, book: State<'_, Book>, kind: EntityKind, query: ListQuery, format: Format) -> Result<Option<String>, IpcError> {
    save(&handle, book.app()?.exports().list(kind, &query, format)?).await
}

/// Search results as the search screen shows them, saved where the user picks.
#[tauri::command]
#[specta::specta]
pub async fn export_search(handle: AppHandle, book: State<'_, Book>, query: String, kinds: Vec<EntityKind>, limit: u32, format: Format) -> Result<Option<String>, IpcError> {
    save(&handle, book.app()?.exports().search(&query, &kinds, limit as usize, format)?).await
}

/// The gift ledger as a compliance report, saved where the user picks.
#[tauri::command]
#[specta::specta]
pub async fn export_gift_ledger(handle: AppHandle, book: State<'_, Book>, format: Format) -> Result<Option<String>, IpcError> {
    save(&handle, book.app()?.exports().gift_ledger(format)?).await
}

/// The whole book as a portable archive in a folder the user picks (an empty or new one).
#[tauri::command]
#[specta::specta]
pub async fn export_archive(handle: AppHandle, book: State<'_, Book>) -> Result<Option<Manifest>, IpcError> {
    let Some(dir) = pick_folder(&handle).await else { return Ok(None) };
    Ok(Some(book.app()?.exports().archive(&dir)?))
}

/// Writes an export where the user picks (or into `RAPPORT_EXPORT_DIR`); the path, or `None`
/// when the dialog was cancelled.
async fn save(handle: &AppHandle, export: Export) -> Result<Option<String>, IpcError> {
    let path = match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) => PathBuf::from(dir).join(&export.file_name),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let ext = export.file_name.rsplit('.').next().unwrap_or_default().to_string();
            handle
                .dialog()
                .file()
                .set_file_name(&export.file_name)
                .add_filter(ext.to_uppercase(), &[ext.as_str()])
                .save_file(move |p| {
                    let _ = tx.send(p);
                });
            let Some(picked) = rx.await.ok().flatten() else { return Ok(None) };
            picked.into_path().map_err(|e| storage(format!("the place picked cannot be written: {e}")))?
        }
    };
    std::fs::write(&path, &export.bytes).map_err(|e| storage(format!("{}: {e}", path.display())))?;
    Ok(Some(path.display().to_string()))
}

/// A folder from the native dialog (or `RAPPORT_EXPORT_DIR/rapport-archive` when set).
async fn pick_folder(handle: &AppHandle) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV) {
        return Some(PathBuf::from(dir).join("rapport-archive"));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle.dialog().file().set_can_create_directories(true).pick_folder(move |p| {
        let _ = tx.send(p);
    });
    rx.await.ok().flatten().and_then(|p| p.into_path().ok())
}

fn storage(message: String) -> IpcError {
    rapport_core::Error::Storage(message).into()
}
