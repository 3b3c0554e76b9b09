use super::{entity, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Meeting,
    Call,
    Email,
    #[default]
    Note,
}

entity! {
    /// A note or logged interaction. Every note is a touch on its account.
    pub struct Note {
        kind: NoteKind = FieldTy::Text,
        occurred_at: chrono::DateTime<chrono::Utc> = FieldTy::Instant,
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        /// Contacts present (or written to).
        contact_ids: Vec<Id> = FieldTy::Json,
        title: String = FieldTy::Text,
        /// Markdown, merged as a text CRDT.
        body: String = FieldTy::RichText,
        outcome: Option<String> = FieldTy::Text,
        next_steps: Option<String> = FieldTy::Text,
        /// Pinned notes show on top of their account's (and contacts') timeline.
        pinned: bool = FieldTy::Bool,
        meeting_id: Option<Id> = FieldTy::Ref(EntityKind::Meeting),
    }
}

impl Entity for Note {
    const KIND: EntityKind = EntityKind::Note;

    fn list_refs(&self) -> Vec<(&'static str, EntityKind, &[Id])> {
        vec![("contact_ids", EntityKind::Contact, &self.contact_ids)]
    }

    fn normalize(&mut self) {
        self.title = self.title.trim().to_string();
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        if self.title.is_empty() && self.body.trim().is_empty() {
            return Err(Error::invalid("body", "a note needs a title or some text"));
        }
        if self.account_id.is_none() && self.contact_ids.is_empty() {
            return Err(Error::invalid("account_id", "a note belongs to an account or to at least one contact"));
        }
        if self.occurred_at.timestamp() <= 0 {
            return Err(Error::invalid("occurred_at", "is required"));
        }
        validate::max_len("title", &self.title, 300)?;
        validate::max_len("body", &self.body, 1_000_000)?;
        validate::opt_max_len("outcome", &self.outcome, 2_000)?;
        validate::opt_max_len("next_steps", &self.next_steps, 5_000)?;
        if self.contact_ids.len() > 100 {
            return Err(Error::invalid("contact_ids", "has more than 100 contacts"));
        }
        Ok(())
    }
}
