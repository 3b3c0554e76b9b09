//! Each account's stored health band (migration 0011): what the health rule reads, which
//! accounts need it recomputed, and saving what the rule gave.
//!
//! The rule itself is [`crate::views::overview::health`]; both the account's overview and the
//! stored band read their inputs through [`health_inputs`], so they cannot drift apart.

use super::views::{id_at, json_list_at, ContractRow, OppRow, CONTRACT_COLS, OPP_COLS};
use super::{meta_get, meta_set, Store};
use crate::domain::{Id, Tier};
use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

/// The name of the accounts' virtual list field (`{field: "health", op: "eq", value: "risk"}`).
pub const HEALTH_FIELD: &str = "health";

/// The bands stored, as the filter takes them (the serde names of `HealthLabel`).
pub const BANDS: [&str; 3] = ["good", "attention", "risk"];

const BASIS_KEY: &str = "health_basis";

/// Everything the health rule reads about one account.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HealthRow {
    pub account_id: Id,
    /// Not in Trash.
    pub live: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub tier: Tier,
    pub cadence_days: Option<i64>,
    pub competitors: Vec<String>,
    pub last_touch: Option<DateTime<Utc>>,
    /// Due dates of the account's open (not done) tasks that have one.
    pub open_task_dues: Vec<NaiveDate>,
    /// Live contracts ending on or after `today`, soonest first.
    pub contracts: Vec<ContractRow>,
    /// Live opportunities (any stage), by close date (undated last).
    pub opportunities: Vec<OppRow>,
}

/// The health inputs of these accounts (ids with no account are left out), in one pass per
/// table over index ranges.
pub fn health_inputs(conn: &Connection, ids: &[Id], today: NaiveDate) -> Result<Vec<HealthRow>> {
    let list = serde_json::to_string(&ids.iter().map(|i| i.to_string()).collect::<Vec<_>>())?;
    let mut rows: Vec<HealthRow> = Vec::with_capacity(ids.len());
    let mut at: HashMap<Id, usize> = HashMap::with_capacity(ids.len());
    {
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, a.cl, a.created_at, a.tier, a.cadence_days, a.competitors, t.last_touch
             FROM json_each(?1) j JOIN accounts a ON a.id = j.value LEFT JOIN account_touch t ON t.account_id = a.id",
        )?;
        let mut q = stmt.query([&list])?;
        while let Some(r) = q.next()? {
            let id = id_at(r, 0)?;
            let tier: Option<String> = r.get(3)?;
            at.insert(id, rows.len());
            rows.push(HealthRow {
                account_id: id,
                live: r.get::<_, i64>(1)? % 2 == 1,
                created_at: r.get::<_, Option<i64>>(2)?.and_then(DateTime::<Utc>::from_timestamp_millis),
                tier: tier.and_then(|t| serde_json::from_value(serde_json::Value::String(t)).ok()).unwrap_or_default(),
                cadence_days: r.get(4)?,
                competitors: json_list_at(r, 5)?,
                last_touch: r.get::<_, Option<i64>>(6)?.and_then(DateTime::<Utc>::from_timestamp_millis),
                ..Default::default()
            });
        }
    }
    let day = today.format("%Y-%m-%d").to_string();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT account_id, due_date FROM tasks
             WHERE account_id IN (SELECT value FROM json_each(?1)) AND +done = 0 AND +cl % 2 = 1 AND due_date IS NOT NULL",
        )?;
        let mut q = stmt.query([&list])?;
        while let Some(r) = q.next()? {
            let (Ok(id), Some(due)) = (id_at(r, 0), r.get::<_, Option<String>>(1)?) else { continue };
            if let (Some(&i), Ok(due)) = (at.get(&id), NaiveDate::parse_from_str(&due, "%Y-%m-%d")) {
                rows[i].open_task_dues.push(due);
            }
        }
    }
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {CONTRACT_COLS}, NULL FROM contracts c
             WHERE c.account_id IN (SELECT value FROM json_each(?1)) AND +c.end_date >= ?2 AND +c.cl % 2 = 1
             ORDER BY c.account_id, c.end_date, c.rid"
        ))?;
        let mut q = stmt.query(params![list, day])?;
        while let Some(r) = q.next()? {
            let c = ContractRow::read(r)?;
            if let Some(&i) = c.account_id.as_ref().and_then(|a| at.get(a)) {
                rows[i].contracts.push(c);
            }
        }
    }
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {OPP_COLS}, o.account_id FROM opportunities o
             WHERE o.account_id IN (SELECT value FROM json_each(?1)) AND +o.cl % 2 = 1
             ORDER BY o.account_id, o.close_date IS NULL, o.close_date, o.rid"
        ))?;
        let mut q = stmt.query([&list])?;
        while let Some(r) = q.next()? {
            let o = OppRow::read(r)?;
            if let Some(&i) = id_at(r, 12).ok().as_ref().and_then(|a| at.get(a)) {
                rows[i].opportunities.push(o);
            }
        }
    }
    Ok(rows)
}

/// What the rule gave one account: its band, score, and until when that holds (ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub band: &'static str,
    pub score: u8,
    pub fresh_until_ms: i64,
}

/// Recomputes the stored band of up to `limit` accounts whose inputs changed or whose band
/// expired by `now_ms`, in one write transaction; returns how many it looked at (0: all fresh).
/// `basis` fingerprints what else the rule depends on (settings, time zone): when it differs
/// from the stored one, every account is recomputed.
pub(crate) fn refresh_chunk(
    store: &Store,
    now_ms: i64,
    today: NaiveDate,
    basis: &str,
    limit: u32,
    rule: &dyn Fn(&HealthRow) -> Band,
) -> Result<usize> {
    let mut guard = store.writer()?;
    let tx = guard.conn.transaction()?;
    if meta_get(&tx, BASIS_KEY)?.as_deref() != Some(basis) {
        tx.execute("INSERT OR IGNORE INTO account_health_dirty (account_id) SELECT id FROM accounts", [])?;
        meta_set(&tx, BASIS_KEY, basis)?;
    }
    let ids: Vec<String> = {
        let mut stmt = tx.prepare_cached(
            "SELECT account_id FROM (SELECT account_id FROM account_health_dirty
               UNION SELECT account_id FROM account_health WHERE fresh_until <= ?1) LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now_ms, limit], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if ids.is_empty() {
        tx.commit()?;
        return Ok(0);
    }
    let parsed: Vec<Id> = ids.iter().filter_map(|s| uuid::Uuid::parse_str(s).ok()).collect();
    let inputs = health_inputs(&tx, &parsed, today)?;
    {
        let mut forget = tx.prepare_cached("DELETE FROM account_health WHERE account_id = ?1")?;
        let mut clean = tx.prepare_cached("DELETE FROM account_health_dirty WHERE account_id = ?1")?;
        for id in &ids {
            forget.execute([id])?;
            clean.execute([id])?;
        }
        let mut save =
            tx.prepare_cached("INSERT INTO account_health (account_id, band, score, fresh_until) VALUES (?1, ?2, ?3, ?4)")?;
        for row in inputs.iter().filter(|r| r.live) {
            let b = rule(row);
            // Never due again at once: a band always leaves the stale set when recomputed.
            save.execute(params![row.account_id.to_string(), b.band, b.score, b.fresh_until_ms.max(now_ms + 1)])?;
        }
    }
    tx.commit()?;
    Ok(ids.len())
}

/// The stored band and score of one account, if it has one.
pub fn stored_band(conn: &Connection, account: Id) -> Result<Option<(String, u8)>> {
    Ok(conn
        .prepare_cached("SELECT band, score FROM account_health WHERE account_id = ?1")?
        .query_row([account.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}
