use super::{entity, validate, Entity, EntityKind, FieldTy, ValidationCtx};
use crate::error::{Error, Result};

entity! {
    /// A sales target for a period.
    pub struct Quota {
        name: String = FieldTy::Text,
        period_start: Option<chrono::NaiveDate> = FieldTy::Date,
        period_end: Option<chrono::NaiveDate> = FieldTy::Date,
        target_cents: i64 = FieldTy::Int,
        currency: String = FieldTy::Text,
    }
}

impl Entity for Quota {
    const KIND: EntityKind = EntityKind::Quota;

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "USD".into();
        }
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        validate::max_len("name", &self.name, 200)?;
        let (Some(s), Some(e)) = (self.period_start, self.period_end) else {
            return Err(Error::invalid(if self.period_start.is_none() { "period_start" } else { "period_end" }, "is required"));
        };
        if e < s {
            return Err(Error::invalid("period_end", "must not be before the period start"));
        }
        if self.target_cents <= 0 {
            return Err(Error::invalid("target_cents", "must be more than zero"));
        }
        validate::currency("currency", &self.currency)
    }
}
