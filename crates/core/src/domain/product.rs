use super::{entity, require_text, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};

entity! {
    /// A product in the catalog the AE sells.
    pub struct Product {
        name: String = FieldTy::Text,
        sku: Option<String> = FieldTy::Text,
        category: Option<String> = FieldTy::Text,
        list_price_cents: Option<i64> = FieldTy::Int,
        currency: String = FieldTy::Text,
        active: bool = FieldTy::Bool,
    }
}

impl Entity for Product {
    const KIND: EntityKind = EntityKind::Product;

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "USD".into();
        }
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        require_text("name", &self.name, 200)?;
        validate::opt_max_len("sku", &self.sku, 100)?;
        validate::opt_max_len("category", &self.category, 100)?;
        if let Some(p) = self.list_price_cents {
            validate::non_negative("list_price_cents", p)?;
        }
        validate::currency("currency", &self.currency)
    }
}

entity! {
    /// A product an account owns.
    pub struct Holding {
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        product_id: Option<Id> = FieldTy::Ref(EntityKind::Product),
        seats: Option<i64> = FieldTy::Int,
        tier: Option<String> = FieldTy::Text,
        since: Option<chrono::NaiveDate> = FieldTy::Date,
    }
}

impl Entity for Holding {
    const KIND: EntityKind = EntityKind::Holding;

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        if self.account_id.is_none() {
            return Err(Error::invalid("account_id", "is required"));
        }
        if self.product_id.is_none() {
            return Err(Error::invalid("product_id", "is required"));
        }
        if let Some(s) = self.seats {
            validate::range("seats", s, 0, 10_000_000)?;
        }
        validate::opt_max_len("tier", &self.tier, 100)
    }
}
