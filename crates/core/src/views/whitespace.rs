//! Whitespace: live accounts x active products, each cell owned, in an open opportunity or not
//! owned (room to sell); and "accounts that own X also own Y" suggestions for one account,
//! from product co-ownership across the whole book.

use super::{check_limit, stage_outcome};
use crate::app::App;
use crate::domain::Id;
use crate::error::Result;
use crate::settings::{Settings, StageOutcome};
use crate::store::views::{self as sv, PairRow, ProductRow};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Most accounts in one page of the grid.
pub const MAX_PAGE: u32 = 500;
/// Most suggestions asked for at once.
pub const MAX_SUGGESTIONS: u32 = 100;
/// Most products the catalog views read.
const PRODUCT_LIMIT: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Owned,
    InOpenOpportunity,
    NotOwned,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WhitespaceProduct {
    pub id: Id,
    pub name: String,
    /// How many accounts in the book own it.
    pub owners: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WhitespaceRow {
    pub account_id: Id,
    pub account_name: String,
    /// One cell per product, in the order of `Whitespace::products`.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Whitespace {
    pub products: Vec<WhitespaceProduct>,
    pub rows: Vec<WhitespaceRow>,
    /// The offset of the next page, if there is one.
    pub next_offset: Option<u32>,
}

/// "Of the accounts that own `because_of`, `confidence` also own `product`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Suggestion {
    pub product_id: Id,
    pub product_name: String,
    pub because_of_id: Id,
    pub because_of_name: String,
    /// Share (0-1) of the owners of `because_of` that also own `product`.
    pub confidence: f64,
    /// How many accounts own both.
    pub support: u64,
    /// How many accounts own `because_of`.
    pub owners_of_because: u64,
}

/// The grid's rows: for each account, per product, owned beats in an open opportunity.
pub fn grid(
    products: &[ProductRow],
    accounts: &[(Id, String)],
    owned: &[(Id, Id)],
    opportunities: &[(Id, String, Vec<Id>)],
    settings: &Settings,
) -> Vec<WhitespaceRow> {
    let owned: HashSet<(Id, Id)> = owned.iter().copied().collect();
    let pursued: HashSet<(Id, Id)> = opportunities
        .iter()
        .filter(|(_, stage, _)| stage_outcome(settings, stage) == StageOutcome::Open)
        .flat_map(|(account, _, ps)| ps.iter().map(move |p| (*account, *p)))
        .collect();
    accounts
        .iter()
        .map(|(id, name)| WhitespaceRow {
            account_id: *id,
            account_name: name.clone(),
            cells: products
                .iter()
                .map(|p| {
                    if owned.contains(&(*id, p.id)) {
                        Cell::Owned
                    } else if pursued.contains(&(*id, p.id)) {
                        Cell::InOpenOpportunity
                    } else {
                        Cell::NotOwned
                    }
                })
                .collect(),
        })
        .collect()
}

/// For each active product the account does not own, the strongest rule "accounts that own X
/// (one of the account's products) also own Y": confidence = owners of both / owners of X.
/// Sorted by confidence, then support, then name; only products some owner of X also owns.
pub fn suggest(owned: &[Id], pairs: &[PairRow], products: &[ProductRow], limit: usize) -> Vec<Suggestion> {
    let owned_set: HashSet<Id> = owned.iter().copied().collect();
    let names: HashMap<Id, &ProductRow> = products.iter().map(|p| (p.id, p)).collect();
    let owners: HashMap<Id, u64> = pairs.iter().filter(|p| p.x == p.y).map(|p| (p.x, p.n)).collect();
    let mut best: HashMap<Id, Suggestion> = HashMap::new();
    for pair in pairs.iter().filter(|p| p.x != p.y && owned_set.contains(&p.x) && !owned_set.contains(&p.y)) {
        let (Some(y), Some(x)) = (names.get(&pair.y), names.get(&pair.x)) else { continue };
        let base = owners.get(&pair.x).copied().unwrap_or(0);
        if !y.active || base == 0 || pair.n == 0 {
            continue;
        }
        let s = Suggestion {
            product_id: y.id,
            product_name: y.name.clone(),
            because_of_id: x.id,
            because_of_name: x.name.clone(),
            confidence: pair.n as f64 / base as f64,
            support: pair.n,
            owners_of_because: base,
        };
        match best.get(&y.id) {
            Some(b) if rank(b, &s) != std::cmp::Ordering::Greater => {}
            _ => {
                best.insert(y.id, s);
            }
        }
    }
    let mut out: Vec<Suggestion> = best.into_values().collect();
    out.sort_by(|a, b| rank(a, b).then(a.product_name.cmp(&b.product_name)).then(a.product_id.cmp(&b.product_id)));
    out.truncate(limit);
    out
}

/// Stronger first: higher confidence, then more support, then the earlier reason by name.
fn rank(a: &Suggestion, b: &Suggestion) -> std::cmp::Ordering {
    b.confidence
        .total_cmp(&a.confidence)
        .then(b.support.cmp(&a.support))
        .then(a.because_of_name.cmp(&b.because_of_name))
}

impl App {
    /// A page of live accounts (by name) against every active product.
    pub fn whitespace(&self, offset: u32, limit: u32) -> Result<Whitespace> {
        check_limit(limit, MAX_PAGE)?;
        let settings = self.settings();
        let (products, mut accounts, owned, opps) = self.store().read(|conn| {
            sv::snapshot(conn, |c| {
                let products: Vec<ProductRow> = sv::live_products(c, PRODUCT_LIMIT)?.into_iter().filter(|p| p.active).collect();
                let accounts = sv::live_accounts_page(c, offset, limit + 1)?;
                let ids: Vec<Id> = accounts.iter().map(|a| a.0).collect();
                Ok((products, accounts, sv::owned_products(c, &ids)?, sv::opportunity_products(c, &ids)?))
            })
        })?;
        let next_offset = (accounts.len() > limit as usize).then_some(offset + limit);
        accounts.truncate(limit as usize);
        Ok(Whitespace {
            rows: grid(&products, &accounts, &owned, &opps, &settings),
            products: products.into_iter().map(|p| WhitespaceProduct { id: p.id, name: p.name, owners: p.owners }).collect(),
            next_offset,
        })
    }

    /// What the account could buy next, from what accounts owning its products also own.
    pub fn whitespace_suggestions(&self, account_id: Id, limit: u32) -> Result<Vec<Suggestion>> {
        check_limit(limit, MAX_SUGGESTIONS)?;
        self.live_account(account_id)?;
        self.store().read(|conn| sv::snapshot(conn, |c| suggestions_in(c, account_id, limit)))
    }
}

/// Suggestions for an account, read on an open connection (the meeting brief shares its read).
pub(crate) fn suggestions_in(c: &rusqlite::Connection, account_id: Id, limit: u32) -> Result<Vec<Suggestion>> {
    let owned: Vec<Id> = sv::owned_products(c, &[account_id])?.into_iter().map(|(_, p)| p).collect();
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    let pairs = sv::co_ownership(c, &owned)?;
    let products = sv::live_products(c, PRODUCT_LIMIT)?;
    Ok(suggest(&owned, &pairs, &products, limit as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(name: &str) -> ProductRow {
        ProductRow { id: uuid::Uuid::now_v7(), name: name.into(), active: true, owners: 0 }
    }

    fn pair(x: &ProductRow, y: &ProductRow, n: u64) -> PairRow {
        PairRow { x: x.id, y: y.id, n }
    }

    #[test]
    fn owned_wins_over_an_open_opportunity_and_closed_deals_leave_whitespace() {
        let (crm, bi) = (product("CRM"), product("BI"));
        let acme = (uuid::Uuid::now_v7(), "Acme".to_string());
        let globex = (uuid::Uuid::now_v7(), "Globex".to_string());
        let owned = [(acme.0, crm.id)];
        let opps = [
            (acme.0, "Propose".to_string(), vec![crm.id, bi.id]),
            (globex.0, "Closed Lost".to_string(), vec![bi.id]),
        ];
        let rows = grid(&[crm, bi], &[acme, globex], &owned, &opps, &Settings::default());
        assert_eq!(rows[0].cells, vec![Cell::Owned, Cell::InOpenOpportunity]);
        assert_eq!(rows[1].cells, vec![Cell::NotOwned, Cell::NotOwned]);
    }

    #[test]
    fn a_suggestion_takes_the_strongest_rule_and_skips_what_is_owned_or_inactive() {
        let (crm, bi, ai, old) = (product("CRM"), product("BI"), product("AI"), ProductRow { active: false, ..product("Old") });
        let pairs = vec![
            pair(&crm, &crm, 10),
            pair(&bi, &bi, 4),
            pair(&crm, &ai, 3),  // 30% of CRM owners own AI
            pair(&bi, &ai, 2),   // 50% of BI owners own AI
            pair(&crm, &bi, 4),  // BI is owned already
            pair(&crm, &old, 9), // Old is not sold any more
        ];
        let s = suggest(&[crm.id, bi.id], &pairs, &[crm.clone(), bi.clone(), ai.clone(), old], 10);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].product_name.as_str(), s[0].because_of_name.as_str()), ("AI", "BI"));
        assert_eq!((s[0].confidence, s[0].support, s[0].owners_of_because), (0.5, 2, 4));
    }

    #[test]
    fn suggestions_are_sorted_by_confidence_then_support_and_limited() {
        let (crm, a, b, c) = (product("CRM"), product("A"), product("B"), product("C"));
        let pairs = vec![pair(&crm, &crm, 10), pair(&crm, &a, 2), pair(&crm, &b, 8), pair(&crm, &c, 5)];
        let s = suggest(&[crm.id], &pairs, &[crm.clone(), a, b, c], 2);
        let names: Vec<&str> = s.iter().map(|s| s.product_name.as_str()).collect();
        assert_eq!(names, ["B", "C"]);
    }
}
