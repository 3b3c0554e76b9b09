//! Every entity kind's record commands: create, get, update, patch, delete (to Trash), restore,
//! list and count. Each is one call into core's `Repo`.
//!
//! Trash is `<kind>_list` with `include: "deleted"` and `<kind>_restore`.

use crate::book::Book;
use crate::ipc::IpcError;
use rapport_core::domain::*;
use rapport_core::{ListQuery, Page};
use serde_json::{Map, Value};
use tauri::State;

/// Calls `$then!` with the command names of every entity kind, so the list is written once and
/// both defines the commands and registers them.
macro_rules! for_each_entity {
    ($then:ident [$($extra:tt)*]) => {
        $then! {
            [$($extra)*]
            Account: account_create account_get account_update account_patch account_delete account_restore account_list account_count;
            Contact: contact_create contact_get contact_update contact_patch contact_delete contact_restore contact_list contact_count;
            Note: note_create note_get note_update note_patch note_delete note_restore note_list note_count;
            Meeting: meeting_create meeting_get meeting_update meeting_patch meeting_delete meeting_restore meeting_list meeting_count;
            Product: product_create product_get product_update product_patch product_delete product_restore product_list product_count;
            Holding: holding_create holding_get holding_update holding_patch holding_delete holding_restore holding_list holding_count;
            Opportunity: opportunity_create opportunity_get opportunity_update opportunity_patch opportunity_delete opportunity_restore opportunity_list opportunity_count;
            Contract: contract_create contract_get contract_update contract_patch contract_delete contract_restore contract_list contract_count;
            Task: task_create task_get task_update task_patch task_delete task_restore task_list task_count;
            Reminder: reminder_create reminder_get reminder_update reminder_patch reminder_delete reminder_restore reminder_list reminder_count;
            Objection: objection_create objection_get objection_update objection_patch objection_delete objection_restore objection_list objection_count;
            Gift: gift_create gift_get gift_update gift_patch gift_delete gift_restore gift_list gift_count;
            Quota: quota_create quota_get quota_update quota_patch quota_delete quota_restore quota_list quota_count;
        }
    };
}
pub(crate) use for_each_entity;

macro_rules! define {
    ([] $($ty:ident: $create:ident $get:ident $update:ident $patch:ident $delete:ident $restore:ident $list:ident $count:ident;)*) => {$(
        #[doc = concat!("Creates a ", stringify!($ty), " (validated; errors name the field).")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $create(book: State<'_, Book>, data: $ty) -> Result<Record<$ty>, IpcError> {
            Ok(book.app()?.repo::<$ty>().create(data)?)
        }

        #[doc = concat!("One ", stringify!($ty), " by id (also when it is in Trash: see `deleted`).")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $get(book: State<'_, Book>, id: Id) -> Result<Record<$ty>, IpcError> {
            Ok(book.app()?.repo::<$ty>().get(id)?)
        }

        #[doc = concat!("Saves a whole ", stringify!($ty), "; only changed fields are written.")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $update(book: State<'_, Book>, id: Id, data: $ty) -> Result<Record<$ty>, IpcError> {
            Ok(book.app()?.repo::<$ty>().update(id, data)?)
        }

        #[doc = concat!("Changes some fields of a ", stringify!($ty), ", e.g. `{ stage: \"Propose\" }`.")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $patch(book: State<'_, Book>, id: Id, fields: Map<String, Value>) -> Result<Record<$ty>, IpcError> {
            Ok(book.app()?.repo::<$ty>().patch(id, fields)?)
        }

        #[doc = concat!("Moves a ", stringify!($ty), " to Trash.")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $delete(book: State<'_, Book>, id: Id) -> Result<(), IpcError> {
            Ok(book.app()?.repo::<$ty>().delete(id)?)
        }

        #[doc = concat!("Brings a ", stringify!($ty), " back from Trash.")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $restore(book: State<'_, Book>, id: Id) -> Result<(), IpcError> {
            Ok(book.app()?.repo::<$ty>().restore(id)?)
        }

        #[doc = concat!("A page of ", stringify!($ty), " records: filters, sort, offset/limit (at most 1000), include (alive, deleted, all).")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $list(book: State<'_, Book>, query: ListQuery) -> Result<Page<Record<$ty>>, IpcError> {
            Ok(book.app()?.repo::<$ty>().list(&query)?)
        }

        #[doc = concat!("How many ", stringify!($ty), " records match the query's filters.")]
        #[tauri::command]
        #[specta::specta]
        pub async fn $count(book: State<'_, Book>, query: ListQuery) -> Result<u64, IpcError> {
            Ok(book.app()?.repo::<$ty>().count(&query)?)
        }
    )*};
}

for_each_entity!(define []);
