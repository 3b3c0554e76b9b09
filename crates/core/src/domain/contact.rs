use super::{entity, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The part a person plays in a buying decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BuyingRole {
    EconomicBuyer,
    DecisionMaker,
    Champion,
    Influencer,
    User,
    Blocker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CommPreference {
    Email,
    Phone,
    Text,
    Video,
    InPerson,
}

entity! {
    /// A stakeholder at an account.
    pub struct Contact {
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        first_name: String = FieldTy::Text,
        last_name: String = FieldTy::Text,
        title: Option<String> = FieldTy::Text,
        email: Option<String> = FieldTy::Text,
        phone: Option<String> = FieldTy::Text,
        linkedin_url: Option<String> = FieldTy::Text,
        /// Org chart: whom this person reports to.
        reports_to: Option<Id> = FieldTy::Ref(EntityKind::Contact),
        buying_role: Option<BuyingRole> = FieldTy::Text,
        comm_preference: Option<CommPreference> = FieldTy::Text,
        /// Family, interests, what they care about: long text, merged as a CRDT.
        personal_notes: String = FieldTy::RichText,
        birthday: Option<chrono::NaiveDate> = FieldTy::Date,
        source_ref: Option<String> = FieldTy::Text,
    }
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }
}

impl Entity for Contact {
    const KIND: EntityKind = EntityKind::Contact;

    fn normalize(&mut self) {
        self.first_name = self.first_name.trim().to_string();
        self.last_name = self.last_name.trim().to_string();
        self.email = self.email.as_deref().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty());
        self.phone = self.phone.as_deref().map(|e| e.trim().to_string()).filter(|e| !e.is_empty());
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        if self.first_name.is_empty() && self.last_name.is_empty() {
            return Err(Error::invalid("last_name", "a first or last name is required"));
        }
        validate::max_len("first_name", &self.first_name, 100)?;
        validate::max_len("last_name", &self.last_name, 100)?;
        validate::opt_max_len("title", &self.title, 200)?;
        if let Some(e) = &self.email {
            validate::email("email", e)?;
        }
        if let Some(p) = &self.phone {
            validate::phone("phone", p)?;
        }
        if let Some(u) = &self.linkedin_url {
            validate::url("linkedin_url", u)?;
        }
        validate::max_len("personal_notes", &self.personal_notes, 100_000)?;
        validate::opt_max_len("source_ref", &self.source_ref, 200)
    }
}
