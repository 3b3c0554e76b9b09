use super::{entity, require_text, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GiftKind {
    #[default]
    Gift,
    /// Business entertainment (a dinner the AE attends): logged, not counted against the cap.
    Entertainment,
}

entity! {
    /// A gift or entertainment given to a client contact.
    pub struct Gift {
        date: Option<chrono::NaiveDate> = FieldTy::Date,
        recipient_id: Option<Id> = FieldTy::Ref(EntityKind::Contact),
        kind: GiftKind = FieldTy::Text,
        description: String = FieldTy::Text,
        value_cents: i64 = FieldTy::Int,
        currency: String = FieldTy::Text,
    }
}

impl Entity for Gift {
    const KIND: EntityKind = EntityKind::Gift;

    fn normalize(&mut self) {
        self.description = self.description.trim().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "USD".into();
        }
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        if self.date.is_none() {
            return Err(Error::invalid("date", "is required"));
        }
        if self.recipient_id.is_none() {
            return Err(Error::invalid("recipient_id", "is required"));
        }
        require_text("description", &self.description, 500)?;
        validate::non_negative("value_cents", self.value_cents)?;
        validate::currency("currency", &self.currency)
    }
}
