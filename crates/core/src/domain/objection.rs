use super::{entity, require_text, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ObjectionCategory {
    Price,
    Timing,
    Competitor,
    Authority,
    Need,
    #[default]
    Other,
}

entity! {
    /// What a client objected to, and the rehearsed answer.
    pub struct Objection {
        /// What the client said.
        statement: String = FieldTy::Text,
        category: ObjectionCategory = FieldTy::Text,
        /// The rehearsed response (long text, merged as a CRDT).
        response: String = FieldTy::RichText,
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        contact_id: Option<Id> = FieldTy::Ref(EntityKind::Contact),
        opportunity_id: Option<Id> = FieldTy::Ref(EntityKind::Opportunity),
        raised_on: Option<chrono::NaiveDate> = FieldTy::Date,
        /// How answering it went.
        outcome: Option<String> = FieldTy::Text,
    }
}

impl Entity for Objection {
    const KIND: EntityKind = EntityKind::Objection;

    fn normalize(&mut self) {
        self.statement = self.statement.trim().to_string();
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        require_text("statement", &self.statement, 2_000)?;
        validate::max_len("response", &self.response, 100_000)?;
        validate::opt_max_len("outcome", &self.outcome, 2_000)
    }
}
