//! The queries behind the derived views (all SQL lives under `store`).
//!
//! Each function reads plain rows for one part of a view, bounded by a limit and served by an
//! index; the rules that turn rows into what the AE sees live in [`crate::views`].
//!
//! A live account is one that is not in Trash and not churned: a row of `live_accounts`
//! (migration 0004), kept by triggers with what "going cold" needs.

mod rows;

pub use rows::*;

use crate::domain::Id;
use crate::error::Result;
use chrono::NaiveDate;
use rusqlite::types::Value as Sql;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

const DAY_MS: i64 = 86_400_000;

fn date_sql(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn id_params(ids: &[Id]) -> Vec<Sql> {
    ids.iter().map(|i| Sql::Text(i.to_string())).collect()
}

/// Runs `f` inside one read transaction, so a view sees one consistent snapshot.
pub fn snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    let tx = conn.unchecked_transaction()?;
    let out = f(&tx);
    tx.finish()?;
    out
}

// ---- Today ------------------------------------------------------------------------------------

/// Meetings starting in `[start_ms, end_ms)`, by start, with their total.
pub fn meetings_starting(conn: &Connection, start_ms: i64, end_ms: i64, limit: u32) -> Result<(Vec<MeetingRow>, u64)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEETING_COLS}, a.name FROM meetings m LEFT JOIN accounts a ON a.id = m.account_id
         WHERE m.starts_at >= ?1 AND m.starts_at < ?2 AND m.cl % 2 = 1 ORDER BY m.starts_at, m.rid LIMIT ?3"
    ))?;
    let items = stmt.query_map(params![start_ms, end_ms, limit], MeetingRow::read)?.collect::<rusqlite::Result<_>>()?;
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM meetings WHERE starts_at >= ?1 AND starts_at < ?2 AND cl % 2 = 1")?
        .query_row(params![start_ms, end_ms], |r| r.get(0))?;
    Ok((items, total as u64))
}

/// Tasks not done and due on or before `day`, most overdue first, with their total.
pub fn tasks_due_by(conn: &Connection, day: NaiveDate, limit: u32) -> Result<(Vec<TaskRow>, u64)> {
    let day = date_sql(day);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TASK_COLS} FROM tasks t LEFT JOIN accounts a ON a.id = t.account_id
         WHERE t.done = 0 AND t.due_date <= ?1 AND t.cl % 2 = 1 ORDER BY t.due_date, t.rid LIMIT ?2"
    ))?;
    let items = stmt.query_map(params![day, limit], TaskRow::read)?.collect::<rusqlite::Result<_>>()?;
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM tasks WHERE done = 0 AND due_date <= ?1 AND cl % 2 = 1")?
        .query_row(params![day], |r| r.get(0))?;
    Ok((items, total as u64))
}

/// Reminders not done, not snoozed past `now_ms`, whose wall-clock time is in `(after, until]`
/// (`YYYY-MM-DDTHH:MM:SS`), earliest first.
pub fn reminders_between(conn: &Connection, after: &str, until: &str, now_ms: i64, limit: u32) -> Result<Vec<ReminderRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REMINDER_COLS} FROM reminders r
         WHERE r.done = 0 AND r.due_local > ?1 AND r.due_local <= ?2 AND r.cl % 2 = 1
           AND (r.snoozed_until IS NULL OR r.snoozed_until <= ?3)
         ORDER BY r.due_local, r.rid LIMIT ?4"
    ))?;
    let rows = stmt.query_map(params![after, until, now_ms, limit], ReminderRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many reminders [`reminders_between`] would return without a limit.
pub fn count_reminders_between(conn: &Connection, after: &str, until: &str, now_ms: i64) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM reminders
             WHERE done = 0 AND due_local > ?1 AND due_local <= ?2 AND cl % 2 = 1
               AND (snoozed_until IS NULL OR snoozed_until <= ?3)",
        )?
        .query_row(params![after, until, now_ms], |r| r.get(0))?;
    Ok(n as u64)
}

/// Contracts of live accounts ending in `[from, until]`, soonest first, with their total.
pub fn contracts_ending(conn: &Connection, from: NaiveDate, until: NaiveDate, limit: u32) -> Result<(Vec<ContractRow>, u64)> {
    let (from, until) = (date_sql(from), date_sql(until));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CONTRACT_COLS}, l.name FROM contracts c JOIN live_accounts l ON l.account_id = c.account_id
         WHERE c.end_date >= ?1 AND c.end_date <= ?2 AND c.cl % 2 = 1 ORDER BY c.end_date, c.rid LIMIT ?3"
    ))?;
    let items = stmt.query_map(params![from, until, limit], ContractRow::read)?.collect::<rusqlite::Result<_>>()?;
    let total: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM contracts c JOIN live_accounts l ON l.account_id = c.account_id
             WHERE c.end_date >= ?1 AND c.end_date <= ?2 AND c.cl % 2 = 1",
        )?
        .query_row(params![from, until], |r| r.get(0))?;
    Ok((items, total as u64))
}

/// Keep-in-touch cadences (days) per tier, as the cold query needs them.
#[derive(Debug, Clone, Copy)]
pub struct Cadences {
    pub a: i64,
    pub b: i64,
    pub c: i64,
}

/// Live accounts untouched (or, never touched, unchanged since they were made) for more whole
/// days than their cadence at `now_ms`: the most days past their cadence first, and how many
/// there are. The SQL form of [`crate::views::today::days_cold`]: accounts on their tier's
/// cadence are index ranges of `live_accounts` (one per tier, only the `limit` oldest read);
/// accounts with their own cadence are checked one by one.
pub fn cold_accounts(conn: &Connection, now_ms: i64, cad: Cadences, limit: u32) -> Result<(Vec<ColdRow>, u64)> {
    let tier = |t: &str, n: usize| {
        format!(
            "SELECT * FROM (SELECT account_id, name, tier, ?{n} AS cadence, since FROM live_accounts
             WHERE cadence_days IS NULL AND tier = '{t}' AND since <= ?1 - (?{n} + 1) * {DAY_MS} ORDER BY since LIMIT ?5)"
        )
    };
    let own = format!(
        "SELECT account_id, name, tier, cadence_days AS cadence, since FROM live_accounts
         WHERE cadence_days IS NOT NULL AND since <= ?1 - (cadence_days + 1) * {DAY_MS}"
    );
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT account_id, name, tier, cadence, since,
                (SELECT last_touch FROM account_touch t WHERE t.account_id = x.account_id)
         FROM ({} UNION ALL {} UNION ALL {} UNION ALL {own}) x
         ORDER BY (?1 - since) / {DAY_MS} - cadence DESC, since, account_id LIMIT ?5",
        tier("A", 2),
        tier("B", 3),
        tier("C", 4)
    ))?;
    let rows = stmt.query_map(params![now_ms, cad.a, cad.b, cad.c, limit], ColdRow::read)?;
    let items = rows.collect::<rusqlite::Result<_>>()?;
    let count = |t: &str, n: usize| {
        format!("(SELECT count(*) FROM live_accounts WHERE cadence_days IS NULL AND tier = '{t}' AND since <= ?1 - (?{n} + 1) * {DAY_MS})")
    };
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT {} + {} + {} + (SELECT count(*) FROM live_accounts
             WHERE cadence_days IS NOT NULL AND since <= ?1 - (cadence_days + 1) * {DAY_MS})",
            count("A", 2),
            count("B", 3),
            count("C", 4)
        ))?
        .query_row(params![now_ms, cad.a, cad.b, cad.c], |r| r.get(0))?;
    Ok((items, total as u64))
}

// ---- One account ------------------------------------------------------------------------------

/// The account's last logged touch (ms), if it was ever touched.
pub fn last_touch(conn: &Connection, account: Id) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT last_touch FROM account_touch WHERE account_id = ?1")?
        .query_row([account.to_string()], |r| r.get(0))
        .optional()?)
}

/// The account's opportunities (any stage), newest close date first.
pub fn account_opportunities(conn: &Connection, account: Id, limit: u32) -> Result<Vec<OppRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OPP_COLS} FROM opportunities o WHERE o.account_id = ?1 AND o.cl % 2 = 1
         ORDER BY o.close_date IS NULL, o.close_date, o.rid LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![account.to_string(), limit], OppRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The account's contracts ending on or after `from`, soonest first.
pub fn account_contracts(conn: &Connection, account: Id, from: NaiveDate, limit: u32) -> Result<Vec<ContractRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CONTRACT_COLS}, a.name FROM contracts c LEFT JOIN accounts a ON a.id = c.account_id
         WHERE c.account_id = ?1 AND c.end_date >= ?2 AND c.cl % 2 = 1 ORDER BY c.end_date, c.rid LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![account.to_string(), date_sql(from), limit], ContractRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The account's tasks not done, by due date (undated last).
pub fn account_open_tasks(conn: &Connection, account: Id, limit: u32) -> Result<Vec<TaskRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TASK_COLS} FROM tasks t LEFT JOIN accounts a ON a.id = t.account_id
         WHERE t.account_id = ?1 AND +t.done = 0 AND t.cl % 2 = 1
         ORDER BY t.due_date IS NULL, t.due_date, t.rid LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![account.to_string(), limit], TaskRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many of the account's tasks are not done and due before `day`.
pub fn count_overdue_tasks(conn: &Connection, account: Id, day: NaiveDate) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM tasks WHERE account_id = ?1 AND +done = 0 AND +due_date < ?2 AND cl % 2 = 1")?
        .query_row(params![account.to_string(), date_sql(day)], |r| r.get(0))?;
    Ok(n as u64)
}

// ---- Meeting brief ----------------------------------------------------------------------------

/// Live contacts with these ids, in the order given.
pub fn contacts_by_ids(conn: &Connection, ids: &[Id]) -> Result<Vec<ContactRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {CONTACT_COLS} FROM contacts c WHERE c.id = ?1 AND c.cl % 2 = 1"))?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(c) = stmt.query_row([id.to_string()], ContactRow::read).optional()? {
            out.push(c);
        }
    }
    Ok(out)
}

/// The latest live notes on an account.
pub fn account_recent_notes(conn: &Connection, account: Id, limit: u32) -> Result<Vec<NoteRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {NOTE_COLS} FROM notes n WHERE n.account_id = ?1 AND n.cl % 2 = 1 ORDER BY n.occurred_at DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![account.to_string(), limit], NoteRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest live notes involving a contact.
pub fn contact_recent_notes(conn: &Connection, contact: Id, limit: u32) -> Result<Vec<NoteRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {NOTE_COLS} FROM note_contacts nc JOIN notes n ON n.rid = nc.note_rid
         WHERE nc.contact_id = ?1 AND n.cl % 2 = 1 ORDER BY nc.occurred_at DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![contact.to_string(), limit], NoteRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Objections raised at an account or by any of these contacts, latest first.
pub fn objections_for(conn: &Connection, account: Option<Id>, contacts: &[Id], limit: u32) -> Result<Vec<ObjectionRow>> {
    let mut params = vec![Sql::Text(account.map(|a| a.to_string()).unwrap_or_default())];
    params.extend(id_params(contacts));
    params.push(Sql::Integer(limit as i64));
    let sql = format!(
        "SELECT {OBJECTION_COLS} FROM objections o LEFT JOIN contacts c ON c.id = o.contact_id
         WHERE (o.account_id = ?1 OR o.contact_id IN ({})) AND o.cl % 2 = 1
         ORDER BY o.raised_on IS NULL, o.raised_on DESC, o.rid DESC LIMIT ?",
        marks(contacts.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(params), ObjectionRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Gifts to a recipient dated in `[from, to]`, latest first.
pub fn gifts_to(conn: &Connection, recipient: Id, from: NaiveDate, to: NaiveDate, limit: u32) -> Result<Vec<GiftRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {GIFT_COLS} FROM gifts g WHERE g.recipient_id = ?1 AND g.date >= ?2 AND g.date <= ?3 AND g.cl % 2 = 1
         ORDER BY g.date DESC, g.rid DESC LIMIT ?4"
    ))?;
    let rows = stmt.query_map(params![recipient.to_string(), date_sql(from), date_sql(to), limit], GiftRow::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- Gifts ------------------------------------------------------------------------------------

/// Per recipient, gifts dated in `[from, to]` summed by kind; the largest counted totals first.
/// With `recipient`, only that one.
pub fn gift_sums(conn: &Connection, recipient: Option<Id>, from: NaiveDate, to: NaiveDate, limit: u32) -> Result<Vec<GiftSumRow>> {
    let sums = "g.recipient_id AS rid,
                coalesce(sum(CASE WHEN g.kind = 'entertainment' THEN 0 ELSE g.value_cents END), 0) AS counted,
                coalesce(sum(CASE WHEN g.kind = 'entertainment' THEN g.value_cents ELSE 0 END), 0) AS fun, count(*) AS n";
    let named = "SELECT s.rid, c.first_name, c.last_name, s.counted, s.fun, s.n FROM s LEFT JOIN contacts c ON c.id = s.rid";
    let (from, to) = (date_sql(from), date_sql(to));
    let rows = match recipient {
        Some(r) => {
            let sql = format!(
                "WITH s AS (SELECT {sums} FROM gifts g
                   WHERE g.recipient_id = ?3 AND g.date >= ?1 AND g.date <= ?2 AND g.cl % 2 = 1 GROUP BY g.recipient_id)
                 {named}"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![from, to, r.to_string()], GiftSumRow::read)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        }
        None => {
            // The date index holds every column summed: the period's gifts are read from it alone.
            let sql = format!(
                "WITH s AS (SELECT {sums} FROM gifts g INDEXED BY gifts_given
                   WHERE g.date >= ?1 AND g.date <= ?2 AND g.cl % 2 = 1 AND g.recipient_id IS NOT NULL
                   GROUP BY g.recipient_id ORDER BY counted DESC, rid LIMIT ?3)
                 {named} ORDER BY s.counted DESC, s.rid"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![from, to, limit], GiftSumRow::read)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        }
    };
    Ok(rows)
}

/// A contact's display name, if the contact is live.
pub fn contact_name(conn: &Connection, id: Id) -> Result<Option<String>> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT first_name, last_name FROM contacts WHERE id = ?1 AND cl % 2 = 1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(f, l)| full_name(f, l)))
}

// ---- Quota ------------------------------------------------------------------------------------

/// Opportunities closing in `[from, to]`, summed per (stage, explicit probability).
pub fn opportunity_sums(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<StageSumRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT stage, probability, coalesce(sum(amount_cents), 0), count(*) FROM opportunities
         WHERE close_date >= ?1 AND close_date <= ?2 AND cl % 2 = 1 GROUP BY stage, probability",
    )?;
    let rows = stmt.query_map(params![date_sql(from), date_sql(to)], |r| {
        Ok(StageSumRow {
            stage: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            probability: r.get(1)?,
            amount_cents: r.get(2)?,
            count: r.get::<_, i64>(3)? as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- Whitespace -------------------------------------------------------------------------------

/// Products not in Trash by name (active or not), each with how many accounts own it.
pub fn live_products(conn: &Connection, limit: u32) -> Result<Vec<ProductRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.name, p.active, coalesce(pp.n, 0) FROM products p
         LEFT JOIN product_pairs pp ON pp.x = p.id AND pp.y = p.id
         WHERE p.cl % 2 = 1 ORDER BY p.name, p.rid LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(ProductRow {
            id: id_at(r, 0)?,
            name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            active: r.get::<_, Option<i64>>(2)?.unwrap_or(0) != 0,
            owners: r.get::<_, i64>(3)? as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A page of live accounts by name: (id, name).
pub fn live_accounts_page(conn: &Connection, offset: u32, limit: u32) -> Result<Vec<(Id, String)>> {
    let mut stmt = conn.prepare_cached("SELECT account_id, name FROM live_accounts ORDER BY name, account_id LIMIT ?1 OFFSET ?2")?;
    let rows = stmt.query_map(params![limit, offset], |r| Ok((id_at(r, 0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (account, product) for every product these accounts own.
pub fn owned_products(conn: &Connection, accounts: &[Id]) -> Result<Vec<(Id, Id)>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT account_id, product_id FROM account_products WHERE account_id IN ({})", marks(accounts.len()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(id_params(accounts)), |r| Ok((id_at(r, 0)?, id_at(r, 1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (account, stage, products) of these accounts' live opportunities that name products.
pub fn opportunity_products(conn: &Connection, accounts: &[Id]) -> Result<Vec<(Id, String, Vec<Id>)>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT account_id, stage, product_ids FROM opportunities
         WHERE account_id IN ({}) AND cl % 2 = 1 AND product_ids IS NOT NULL AND product_ids <> '[]'",
        marks(accounts.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(id_params(accounts)), |r| {
        Ok((id_at(r, 0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default(), json_list_at(r, 2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// For each product `x` in `owned`, how many accounts own `x` together with each product `y`
/// (`x = y`: how many own `x`). Read from the co-ownership table the holdings triggers keep.
pub fn co_ownership(conn: &Connection, owned: &[Id]) -> Result<Vec<PairRow>> {
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT x, y, n FROM product_pairs WHERE x IN ({}) AND n > 0", marks(owned.len()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(id_params(owned)), |r| {
        Ok(PairRow { x: id_at(r, 0)?, y: id_at(r, 1)?, n: r.get::<_, i64>(2)? as u64 })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
