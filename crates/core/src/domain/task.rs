use super::{entity, require_text, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

entity! {
    /// A follow-up the AE owes someone.
    pub struct Task {
        title: String = FieldTy::Text,
        due_date: Option<chrono::NaiveDate> = FieldTy::Date,
        priority: Priority = FieldTy::Text,
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        contact_id: Option<Id> = FieldTy::Ref(EntityKind::Contact),
        opportunity_id: Option<Id> = FieldTy::Ref(EntityKind::Opportunity),
        meeting_id: Option<Id> = FieldTy::Ref(EntityKind::Meeting),
        done: bool = FieldTy::Bool,
        done_at: Option<chrono::DateTime<chrono::Utc>> = FieldTy::Instant,
        notes: Option<String> = FieldTy::Text,
    }
}

impl Entity for Task {
    const KIND: EntityKind = EntityKind::Task;

    fn on_write(&mut self, _old: Option<&Self>, now: chrono::DateTime<chrono::Utc>) {
        match (self.done, self.done_at) {
            (true, None) => self.done_at = Some(now),
            (false, Some(_)) => self.done_at = None,
            _ => {}
        }
    }

    fn normalize(&mut self) {
        self.title = self.title.trim().to_string();
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        require_text("title", &self.title, 300)?;
        validate::opt_max_len("notes", &self.notes, 10_000)
    }
}
