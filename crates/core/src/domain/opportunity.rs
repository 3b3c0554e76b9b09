use super::{entity, require_text, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};
use crate::settings::StageOutcome;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OppKind {
    #[default]
    NewBusiness,
    Upsell,
    CrossSell,
    Renewal,
}

impl OppKind {
    pub const ALL: [OppKind; 4] = [OppKind::NewBusiness, OppKind::Upsell, OppKind::CrossSell, OppKind::Renewal];
}

entity! {
    /// A deal in the pipeline.
    pub struct Opportunity {
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        name: String = FieldTy::Text,
        kind: OppKind = FieldTy::Text,
        product_ids: Vec<Id> = FieldTy::Json,
        amount_cents: i64 = FieldTy::Int,
        currency: String = FieldTy::Text,
        /// One of the pipeline stages configured in settings.
        stage: String = FieldTy::Text,
        /// 0-100; `None` uses the stage's default.
        probability: Option<i64> = FieldTy::Int,
        close_date: Option<chrono::NaiveDate> = FieldTy::Date,
        next_step: Option<String> = FieldTy::Text,
        competitor: Option<String> = FieldTy::Text,
        lost_reason: Option<String> = FieldTy::Text,
        /// When the stage last changed (for "stalled" in health).
        stage_changed_at: Option<chrono::DateTime<chrono::Utc>> = FieldTy::Instant,
        source_ref: Option<String> = FieldTy::Text,
    }
}

impl Entity for Opportunity {
    const KIND: EntityKind = EntityKind::Opportunity;

    fn on_write(&mut self, old: Option<&Self>, now: chrono::DateTime<chrono::Utc>) {
        if old.map(|o| o.stage != self.stage).unwrap_or(true) {
            self.stage_changed_at = Some(now);
        }
    }

    fn list_refs(&self) -> Vec<(&'static str, EntityKind, &[Id])> {
        vec![("product_ids", EntityKind::Product, &self.product_ids)]
    }

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.stage = self.stage.trim().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "USD".into();
        }
    }

    fn validate(&self, ctx: &ValidationCtx<'_>) -> Result<()> {
        if self.account_id.is_none() {
            return Err(Error::invalid("account_id", "is required"));
        }
        require_text("name", &self.name, 200)?;
        validate::non_negative("amount_cents", self.amount_cents)?;
        validate::currency("currency", &self.currency)?;
        let stage = ctx.settings.stage(&self.stage).ok_or_else(|| {
            let names: Vec<&str> = ctx.settings.stages.iter().map(|s| s.name.as_str()).collect();
            Error::invalid("stage", format!("'{}' is not a pipeline stage (one of: {})", self.stage, names.join(", ")))
        })?;
        if let Some(p) = self.probability {
            validate::range("probability", p, 0, 100)?;
        }
        if stage.outcome == StageOutcome::Lost && self.lost_reason.as_deref().unwrap_or("").trim().is_empty() {
            return Err(Error::invalid("lost_reason", "say why the deal was lost"));
        }
        validate::opt_max_len("next_step", &self.next_step, 1_000)?;
        validate::opt_max_len("competitor", &self.competitor, 200)?;
        validate::opt_max_len("lost_reason", &self.lost_reason, 1_000)?;
        if self.product_ids.len() > 100 {
            return Err(Error::invalid("product_ids", "has more than 100 products"));
        }
        Ok(())
    }
}
