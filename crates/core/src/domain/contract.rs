use super::{entity, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};

entity! {
    /// A signed contract; its end date drives renewals.
    pub struct Contract {
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        name: String = FieldTy::Text,
        product_ids: Vec<Id> = FieldTy::Json,
        value_cents: i64 = FieldTy::Int,
        currency: String = FieldTy::Text,
        start_date: Option<chrono::NaiveDate> = FieldTy::Date,
        end_date: Option<chrono::NaiveDate> = FieldTy::Date,
        notice_days: i64 = FieldTy::Int,
        auto_renew: bool = FieldTy::Bool,
    }
}

impl Entity for Contract {
    const KIND: EntityKind = EntityKind::Contract;

    fn list_refs(&self) -> Vec<(&'static str, EntityKind, &[Id])> {
        vec![("product_ids", EntityKind::Product, &self.product_ids)]
    }

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "USD".into();
        }
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        if self.account_id.is_none() {
            return Err(Error::invalid("account_id", "is required"));
        }
        validate::max_len("name", &self.name, 200)?;
        validate::non_negative("value_cents", self.value_cents)?;
        validate::currency("currency", &self.currency)?;
        let (Some(start), Some(end)) = (self.start_date, self.end_date) else {
            return Err(Error::invalid(
                if self.start_date.is_none() { "start_date" } else { "end_date" },
                "is required",
            ));
        };
        if end <= start {
            return Err(Error::invalid("end_date", "must be after the start date"));
        }
        validate::range("notice_days", self.notice_days, 0, 730)
    }
}
