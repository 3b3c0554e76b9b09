//! The queries behind the reminders engine.
//!
//! `reminders.due_local` is wall-clock text (`2026-11-23T09:00:00`), so SQL can only narrow the
//! candidates to a window; the engine resolves exact instants in Rust. What this laptop has
//! already notified lives in the local `reminder_fired` table, keyed by the reminder and its
//! occurrence (see [`occurrence`]); it is not synced, so it is written directly, not through
//! the outbox.

use super::query;
use super::Store;
use crate::domain::{Contract, Id, Record, Reminder};
use crate::error::Result;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Which occurrence of a reminder a firing is for: the snooze instant (UTC milliseconds) when
/// it is snoozed, otherwise its wall-clock time read as if it were UTC (whole seconds, in
/// milliseconds). The wall-clock form does not depend on the zone, so a floating 9:00 that
/// fired in Warsaw does not fire again after a flight to New York; a snooze or a recurrence
/// makes a new occurrence, which fires again. [`OCCURRENCE_SQL`] is the same rule in SQL.
pub fn occurrence(due_local: NaiveDateTime, snoozed_until: Option<DateTime<Utc>>) -> i64 {
    match snoozed_until {
        Some(s) => s.timestamp_millis(),
        None => wall_key(due_local),
    }
}

/// A wall-clock time as a zone-free number (its seconds as if it were UTC, in milliseconds).
pub fn wall_key(local: NaiveDateTime) -> i64 {
    local.and_utc().timestamp() * 1000
}

const OCCURRENCE_SQL: &str = "COALESCE(r.snoozed_until, CAST(strftime('%s', r.due_local) AS INTEGER) * 1000)";

/// Live, not done reminders whose wall-clock time is at or before `upper` and whose current
/// occurrence this laptop has not notified yet. Uses the `(done, due_local)` index: what is
/// read is what is still to be notified plus the window ahead, not the whole table.
pub fn unfired_until(conn: &Connection, upper: NaiveDateTime) -> Result<Vec<Record<Reminder>>> {
    let sql = format!(
        "SELECT r.id FROM reminders r
         WHERE (r.done = 0 OR r.done IS NULL) AND r.due_local <= ?1 AND r.cl % 2 = 1
           AND NOT EXISTS (SELECT 1 FROM reminder_fired f WHERE f.reminder_id = r.id AND f.due_at = {OCCURRENCE_SQL})"
    );
    load_reminders(conn, &sql, &local_text(upper))
}

/// Live, not done reminders whose wall-clock time is at or before `upper`, notified or not
/// (for the Today screen and the badge).
pub fn open_until(conn: &Connection, upper: NaiveDateTime) -> Result<Vec<Record<Reminder>>> {
    let sql = "SELECT r.id FROM reminders r
               WHERE (r.done = 0 OR r.done IS NULL) AND r.due_local <= ?1 AND r.cl % 2 = 1";
    load_reminders(conn, sql, &local_text(upper))
}

fn load_reminders(conn: &Connection, sql: &str, upper: &str) -> Result<Vec<Record<Reminder>>> {
    let ids = {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([upper], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()?
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Ok(id) = uuid::Uuid::parse_str(&id) else { continue };
        if let Some(rec) = query::get::<Reminder>(conn, crate::domain::EntityKind::Reminder, &id)? {
            out.push(rec);
        }
    }
    Ok(out)
}

/// Calls `f` with each live contract of a live account ending between `from` and `to`
/// (inclusive) and its account's name, one at a time (thousands are in the window on a large
/// book). Uses the `end_date` index: only contracts in the renewal window are read.
pub fn for_each_renewing(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(Record<Contract>, String) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, a.name FROM contracts c JOIN accounts a ON a.id = c.account_id
         WHERE c.end_date >= ?1 AND c.end_date <= ?2 AND c.cl % 2 = 1 AND a.cl % 2 = 1
         ORDER BY c.end_date, c.rid",
    )?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    while let Some(row) = rows.next()? {
        let (id, account) = (row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?);
        let Ok(id) = uuid::Uuid::parse_str(&id) else { continue };
        if let Some(rec) = query::get::<Contract>(conn, crate::domain::EntityKind::Contract, &id)? {
            f(rec, account.unwrap_or_default())?;
        }
    }
    Ok(())
}

/// Whether this laptop already notified `key` for `occurrence`.
pub fn is_fired(conn: &Connection, key: &str, occurrence: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM reminder_fired WHERE reminder_id = ?1 AND due_at = ?2")?
        .query_row(params![key, occurrence], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records, in one transaction, that this laptop notified each `(key, occurrence)` of
/// `superseded` and of `fire`. Returns, for each of `fire`, whether it was new: false when it was
/// already recorded (another engine got there first), so each occurrence is announced exactly
/// once.
pub fn record_fired_all(store: &Store, superseded: &[(&str, i64)], fire: &[(&str, i64)], fired_at: DateTime<Utc>) -> Result<Vec<bool>> {
    if superseded.is_empty() && fire.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = store.writer()?;
    let tx = w.conn.transaction()?;
    let mut newly = Vec::with_capacity(fire.len());
    {
        let mut insert =
            tx.prepare_cached("INSERT OR IGNORE INTO reminder_fired (reminder_id, due_at, fired_at) VALUES (?1, ?2, ?3)")?;
        for (key, occurrence) in superseded {
            insert.execute(params![key, occurrence, fired_at.timestamp_millis()])?;
        }
        for (key, occurrence) in fire {
            newly.push(insert.execute(params![key, occurrence, fired_at.timestamp_millis()])? == 1);
        }
    }
    tx.commit()?;
    Ok(newly)
}

/// The id of a stored reminder as the fired table keys it.
pub fn reminder_key(id: &Id) -> String {
    id.to_string()
}

/// `due_local` as stored (`YYYY-MM-DDTHH:MM:SS`), for range comparisons on the text column.
fn local_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    #[test]
    fn the_sql_occurrence_matches_the_rust_one() {
        let conn = Connection::open_in_memory().unwrap();
        for s in ["2026-11-23T09:00:00", "2026-03-29T02:30:00", "1999-12-31T23:59:59.750"] {
            let t = at(s);
            let stored = serde_json::to_value(t).unwrap();
            let sql: i64 = conn
                .query_row("SELECT CAST(strftime('%s', ?1) AS INTEGER) * 1000", [stored.as_str().unwrap()], |r| r.get(0))
                .unwrap();
            assert_eq!(sql, occurrence(t, None), "{s}");
        }
    }

    #[test]
    fn a_snooze_is_a_new_occurrence_and_a_zone_is_not() {
        let t = at("2026-11-23T09:00:00");
        let snooze = "2026-11-23T09:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_ne!(occurrence(t, Some(snooze)), occurrence(t, None));
        assert_eq!(occurrence(t, None), wall_key(t));
    }

    #[test]
    fn the_window_bound_compares_like_stored_text() {
        let stored = serde_json::to_value(at("2026-11-23T09:00:00")).unwrap();
        assert_eq!(local_text(at("2026-11-23T09:00:00")), stored.as_str().unwrap());
    }
}
