use super::{entity, require_text, validate, Entity, FieldTy, Id, ValidationCtx};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// How much an account matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Tier {
    A,
    #[default]
    B,
    C,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    #[default]
    Prospect,
    Customer,
    Churned,
}

entity! {
    /// A client company in the AE's book.
    pub struct Account {
        name: String = FieldTy::Text,
        /// Bare domain (`acme.com`); a pasted URL is normalised to it.
        domain: Option<String> = FieldTy::Text,
        industry: Option<String> = FieldTy::Text,
        tier: Tier = FieldTy::Text,
        lifecycle: Lifecycle = FieldTy::Text,
        owner: Option<String> = FieldTy::Text,
        /// Annual value in minor units (cents) of `currency`.
        annual_value_cents: Option<i64> = FieldTy::Int,
        currency: String = FieldTy::Text,
        timezone: Option<String> = FieldTy::Text,
        /// Keep-in-touch cadence in days; `None` uses the tier's default from settings.
        cadence_days: Option<i64> = FieldTy::Int,
        competitors: Vec<String> = FieldTy::Json,
        tags: Vec<String> = FieldTy::Json,
        parent_id: Option<Id> = FieldTy::Ref(super::EntityKind::Account),
        /// Where this record came from (an import's source id), for idempotent re-imports.
        source_ref: Option<String> = FieldTy::Text,
    }
}

impl Entity for Account {
    const KIND: super::EntityKind = super::EntityKind::Account;

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.domain = self.domain.as_deref().map(validate::normalize_domain).filter(|d| !d.is_empty());
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "USD".into();
        }
        self.tags = self.tags.iter().map(|t| t.trim().to_string()).collect();
        self.competitors = self.competitors.iter().map(|t| t.trim().to_string()).collect();
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        require_text("name", &self.name, 200)?;
        if let Some(d) = &self.domain {
            validate::domain("domain", d)?;
        }
        validate::opt_max_len("industry", &self.industry, 100)?;
        validate::opt_max_len("owner", &self.owner, 200)?;
        if let Some(v) = self.annual_value_cents {
            validate::non_negative("annual_value_cents", v)?;
        }
        validate::currency("currency", &self.currency)?;
        if let Some(tz) = &self.timezone {
            validate::time_zone("timezone", tz)?;
        }
        if let Some(c) = self.cadence_days {
            validate::range("cadence_days", c, 1, 365)?;
        }
        validate::tags("competitors", &self.competitors)?;
        validate::tags("tags", &self.tags)?;
        validate::opt_max_len("source_ref", &self.source_ref, 200)
    }
}
