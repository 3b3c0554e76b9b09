//! The nouns of an AE's book: every entity, its fields and its validation rules.
//!
//! Each entity is a plain serde struct declared with [`entity!`], which also records its field
//! list (name and storage type). The store, the write path, the outbox and the canonical dump are
//! generic over that list, so adding a field is one line here plus one migration.

use crate::error::{Error, Result};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

mod account;
mod contact;
mod contract;
mod gift;
mod meeting;
mod note;
mod objection;
mod opportunity;
mod product;
mod quota;
mod reminder;
mod task;
pub mod validate;

pub use account::{Account, Lifecycle, Tier};
pub use contact::{BuyingRole, CommPreference, Contact};
pub use contract::Contract;
pub use gift::{Gift, GiftKind};
pub use meeting::Meeting;
pub use note::{Note, NoteKind};
pub use objection::{Objection, ObjectionCategory};
pub use opportunity::{OppKind, Opportunity};
pub use product::{Holding, Product};
pub use quota::Quota;
pub use reminder::Reminder;
pub use task::{Priority, Task};

pub type Id = uuid::Uuid;

/// How a field is stored and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldTy {
    /// A short string (or enum), TEXT.
    Text,
    /// Long text kept as a `yrs` text CRDT plus a plain copy for search. TEXT + `<name>_doc` BLOB.
    RichText,
    /// A whole number, INTEGER (money is always integer minor units).
    Int,
    Bool,
    /// A calendar date without a time (`YYYY-MM-DD`), TEXT. Never midnight UTC.
    Date,
    /// An instant, stored as INTEGER milliseconds since the epoch, UTC.
    Instant,
    /// A wall-clock date and time without a zone (`YYYY-MM-DDTHH:MM:SS`), TEXT.
    LocalDateTime,
    /// A reference to another record's id, TEXT.
    Ref(EntityKind),
    /// A list (tags, ids), stored as JSON TEXT.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldTy,
}

/// Every kind of record in the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Account,
    Contact,
    Note,
    Meeting,
    Product,
    Holding,
    Opportunity,
    Contract,
    Task,
    Reminder,
    Objection,
    Gift,
    Quota,
}

impl EntityKind {
    pub const ALL: [EntityKind; 13] = [
        EntityKind::Account,
        EntityKind::Contact,
        EntityKind::Note,
        EntityKind::Meeting,
        EntityKind::Product,
        EntityKind::Holding,
        EntityKind::Opportunity,
        EntityKind::Contract,
        EntityKind::Task,
        EntityKind::Reminder,
        EntityKind::Objection,
        EntityKind::Gift,
        EntityKind::Quota,
    ];

    /// The SQL table that holds this kind.
    pub fn table(self) -> &'static str {
        match self {
            EntityKind::Account => "accounts",
            EntityKind::Contact => "contacts",
            EntityKind::Note => "notes",
            EntityKind::Meeting => "meetings",
            EntityKind::Product => "products",
            EntityKind::Holding => "holdings",
            EntityKind::Opportunity => "opportunities",
            EntityKind::Contract => "contracts",
            EntityKind::Task => "tasks",
            EntityKind::Reminder => "reminders",
            EntityKind::Objection => "objections",
            EntityKind::Gift => "gifts",
            EntityKind::Quota => "quotas",
        }
    }

    /// The name used in ops and errors ("account", "contact", ...).
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Account => "account",
            EntityKind::Contact => "contact",
            EntityKind::Note => "note",
            EntityKind::Meeting => "meeting",
            EntityKind::Product => "product",
            EntityKind::Holding => "holding",
            EntityKind::Opportunity => "opportunity",
            EntityKind::Contract => "contract",
            EntityKind::Task => "task",
            EntityKind::Reminder => "reminder",
            EntityKind::Objection => "objection",
            EntityKind::Gift => "gift",
            EntityKind::Quota => "quota",
        }
    }

    pub fn from_name(name: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The fields of this kind, in storage order.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            EntityKind::Account => Account::FIELDS,
            EntityKind::Contact => Contact::FIELDS,
            EntityKind::Note => Note::FIELDS,
            EntityKind::Meeting => Meeting::FIELDS,
            EntityKind::Product => Product::FIELDS,
            EntityKind::Holding => Holding::FIELDS,
            EntityKind::Opportunity => Opportunity::FIELDS,
            EntityKind::Contract => Contract::FIELDS,
            EntityKind::Task => Task::FIELDS,
            EntityKind::Reminder => Reminder::FIELDS,
            EntityKind::Objection => Objection::FIELDS,
            EntityKind::Gift => Gift::FIELDS,
            EntityKind::Quota => Quota::FIELDS,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.name == name)
    }
}

/// What validation may consult besides the record itself.
#[derive(Debug, Clone)]
pub struct ValidationCtx<'a> {
    pub settings: &'a crate::settings::Settings,
}

/// A record kind of the book. Implemented by every struct declared with [`entity!`].
pub trait Entity: Serialize + DeserializeOwned + Clone + Default + Send + Sync + 'static {
    const KIND: EntityKind;

    /// Checks the record's own fields; errors name the field. References to other records are
    /// checked by the store.
    fn validate(&self, ctx: &ValidationCtx<'_>) -> Result<()>;

    /// Brings a value to its canonical form before validation (trim names, lowercase domains).
    fn normalize(&mut self) {}

    /// Fills fields the app keeps for the user (when a stage changed, when a task was done),
    /// given the stored version (`None` on create) and the time.
    fn on_write(&mut self, _old: Option<&Self>, _now: chrono::DateTime<chrono::Utc>) {}

    /// Ids this record refers to in list fields (contacts present, attendees, products), so the
    /// store can check they exist.
    fn list_refs(&self) -> Vec<(&'static str, EntityKind, &[Id])> {
        Vec::new()
    }
}

/// A stored record: its identity and bookkeeping around the entity's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Record<T> {
    pub id: Id,
    pub space: Id,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// In Trash.
    pub deleted: bool,
    #[serde(flatten)]
    pub data: T,
}

/// Declares an entity struct and its field list in one place.
macro_rules! entity {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $fty:expr ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(default)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            pub const FIELDS: &'static [$crate::domain::FieldSpec] = &[
                $( $crate::domain::FieldSpec { name: stringify!($field), ty: $fty }, )*
            ];
        }
    };
}
pub(crate) use entity;

/// Shorthand used by entity files.
pub(crate) fn require_text(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    validate::max_len(field, value, max)
}
