//! The plain rows the view queries return, and how each is read from its columns.

use crate::domain::{BuyingRole, CommPreference, GiftKind, Id, NoteKind, ObjectionCategory, OppKind, Priority, Tier};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::types::Type;
use rusqlite::Row;
use serde::de::DeserializeOwned;

fn bad(i: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e))
}

pub(crate) fn id_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Id> {
    let s: String = r.get(i)?;
    uuid::Uuid::parse_str(&s).map_err(|e| bad(i, e))
}

/// An optional id; a value that is not an id reads as none (a reference is never worth failing
/// a whole view for).
fn opt_id_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Id>> {
    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| uuid::Uuid::parse_str(&s).ok()))
}

fn text_at(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
}

fn date_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()))
}

fn instant_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(r.get::<_, Option<i64>>(i)?.and_then(DateTime::<Utc>::from_timestamp_millis))
}

fn bool_at(r: &Row<'_>, i: usize) -> rusqlite::Result<bool> {
    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0) != 0)
}

/// An enum stored as its serde name; an unknown name reads as none.
fn enum_at<T: DeserializeOwned>(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<T>> {
    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok()))
}

pub(crate) fn json_list_at<T: DeserializeOwned>(r: &Row<'_>, i: usize) -> rusqlite::Result<Vec<T>> {
    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
}

pub(crate) fn full_name(first: Option<String>, last: Option<String>) -> String {
    format!("{} {}", first.unwrap_or_default(), last.unwrap_or_default()).trim().to_string()
}

pub(crate) const MEETING_COLS: &str =
    "m.id, m.title, m.starts_at, m.ends_at, m.timezone, m.location, m.link, m.account_id";

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRow {
    pub id: Id,
    pub title: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub timezone: String,
    pub location: Option<String>,
    pub link: Option<String>,
    pub account_id: Option<Id>,
    pub account_name: Option<String>,
}

impl MeetingRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(MeetingRow {
            id: id_at(r, 0)?,
            title: text_at(r, 1)?,
            starts_at: instant_at(r, 2)?,
            ends_at: instant_at(r, 3)?,
            timezone: text_at(r, 4)?,
            location: r.get(5)?,
            link: r.get(6)?,
            account_id: opt_id_at(r, 7)?,
            account_name: r.get(8)?,
        })
    }
}

pub(crate) const TASK_COLS: &str =
    "t.id, t.title, t.due_date, t.priority, t.account_id, a.name, t.contact_id, t.opportunity_id";

#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub id: Id,
    pub title: String,
    pub due_date: Option<NaiveDate>,
    pub priority: Priority,
    pub account_id: Option<Id>,
    pub account_name: Option<String>,
    pub contact_id: Option<Id>,
    pub opportunity_id: Option<Id>,
}

impl TaskRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(TaskRow {
            id: id_at(r, 0)?,
            title: text_at(r, 1)?,
            due_date: date_at(r, 2)?,
            priority: enum_at(r, 3)?.unwrap_or_default(),
            account_id: opt_id_at(r, 4)?,
            account_name: r.get(5)?,
            contact_id: opt_id_at(r, 6)?,
            opportunity_id: opt_id_at(r, 7)?,
        })
    }
}

pub(crate) const REMINDER_COLS: &str = "r.id, r.title, r.due_local, r.timezone, r.snoozed_until, r.about_kind, r.about_id";

#[derive(Debug, Clone, PartialEq)]
pub struct ReminderRow {
    pub id: Id,
    pub title: String,
    pub due_local: Option<NaiveDateTime>,
    pub timezone: Option<String>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub about_kind: Option<crate::domain::EntityKind>,
    pub about_id: Option<Id>,
}

impl ReminderRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ReminderRow {
            id: id_at(r, 0)?,
            title: text_at(r, 1)?,
            due_local: r.get::<_, Option<String>>(2)?.and_then(|s| s.parse().ok()),
            timezone: r.get(3)?,
            snoozed_until: instant_at(r, 4)?,
            about_kind: enum_at(r, 5)?,
            about_id: opt_id_at(r, 6)?,
        })
    }
}

pub(crate) const CONTRACT_COLS: &str =
    "c.id, c.account_id, c.name, c.value_cents, c.currency, c.end_date, c.notice_days, c.auto_renew";

#[derive(Debug, Clone, PartialEq)]
pub struct ContractRow {
    pub id: Id,
    pub account_id: Option<Id>,
    pub name: String,
    pub value_cents: i64,
    pub currency: String,
    pub end_date: Option<NaiveDate>,
    pub notice_days: i64,
    pub auto_renew: bool,
    pub account_name: Option<String>,
}

impl ContractRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ContractRow {
            id: id_at(r, 0)?,
            account_id: opt_id_at(r, 1)?,
            name: text_at(r, 2)?,
            value_cents: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
            currency: text_at(r, 4)?,
            end_date: date_at(r, 5)?,
            notice_days: r.get::<_, Option<i64>>(6)?.unwrap_or(0),
            auto_renew: bool_at(r, 7)?,
            account_name: r.get(8)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColdRow {
    pub id: Id,
    pub name: String,
    pub tier: Tier,
    /// The cadence that applies (the account's own, or its tier's).
    pub cadence_days: i64,
    /// The last touch, or when the account was made if it never was touched.
    pub since: Option<DateTime<Utc>>,
    pub last_touch: Option<DateTime<Utc>>,
}

impl ColdRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ColdRow {
            id: id_at(r, 0)?,
            name: text_at(r, 1)?,
            tier: enum_at(r, 2)?.unwrap_or_default(),
            cadence_days: r.get(3)?,
            since: instant_at(r, 4)?,
            last_touch: instant_at(r, 5)?,
        })
    }
}

pub(crate) const OPP_COLS: &str = "o.id, o.name, o.kind, o.amount_cents, o.currency, o.stage, o.probability, o.close_date, \
     o.next_step, o.competitor, o.stage_changed_at, o.created_at";

#[derive(Debug, Clone, PartialEq)]
pub struct OppRow {
    pub id: Id,
    pub name: String,
    pub kind: OppKind,
    pub amount_cents: i64,
    pub currency: String,
    pub stage: String,
    pub probability: Option<i64>,
    pub close_date: Option<NaiveDate>,
    pub next_step: Option<String>,
    pub competitor: Option<String>,
    pub stage_changed_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
}

impl OppRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(OppRow {
            id: id_at(r, 0)?,
            name: text_at(r, 1)?,
            kind: enum_at(r, 2)?.unwrap_or_default(),
            amount_cents: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
            currency: text_at(r, 4)?,
            stage: text_at(r, 5)?,
            probability: r.get(6)?,
            close_date: date_at(r, 7)?,
            next_step: r.get(8)?,
            competitor: r.get(9)?,
            stage_changed_at: instant_at(r, 10)?,
            created_at: instant_at(r, 11)?,
        })
    }
}

pub(crate) const CONTACT_COLS: &str = "c.id, c.account_id, c.first_name, c.last_name, c.title, c.email, c.phone, \
     c.buying_role, c.comm_preference, c.personal_notes";

#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub id: Id,
    pub account_id: Option<Id>,
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub buying_role: Option<BuyingRole>,
    pub comm_preference: Option<CommPreference>,
    pub personal_notes: String,
}

impl ContactRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ContactRow {
            id: id_at(r, 0)?,
            account_id: opt_id_at(r, 1)?,
            name: full_name(r.get(2)?, r.get(3)?),
            title: r.get(4)?,
            email: r.get(5)?,
            phone: r.get(6)?,
            buying_role: enum_at(r, 7)?,
            comm_preference: enum_at(r, 8)?,
            personal_notes: text_at(r, 9)?,
        })
    }
}

/// Only the head of a note's body is read: a brief shows an excerpt.
pub(crate) const NOTE_COLS: &str =
    "n.id, n.kind, n.occurred_at, n.title, substr(n.body, 1, 600), n.outcome, n.next_steps, n.contact_ids";

#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    pub id: Id,
    pub kind: NoteKind,
    pub occurred_at: Option<DateTime<Utc>>,
    pub title: String,
    /// The first 600 characters of the body.
    pub body_head: String,
    pub outcome: Option<String>,
    pub next_steps: Option<String>,
    pub contact_ids: Vec<Id>,
}

impl NoteRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(NoteRow {
            id: id_at(r, 0)?,
            kind: enum_at(r, 1)?.unwrap_or_default(),
            occurred_at: instant_at(r, 2)?,
            title: text_at(r, 3)?,
            body_head: text_at(r, 4)?,
            outcome: r.get(5)?,
            next_steps: r.get(6)?,
            contact_ids: json_list_at(r, 7)?,
        })
    }
}

pub(crate) const OBJECTION_COLS: &str = "o.id, o.statement, o.category, o.response, o.account_id, o.contact_id, \
     c.first_name, c.last_name, o.raised_on, o.outcome";

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionRow {
    pub id: Id,
    pub statement: String,
    pub category: ObjectionCategory,
    pub response: String,
    pub account_id: Option<Id>,
    pub contact_id: Option<Id>,
    pub contact_name: Option<String>,
    pub raised_on: Option<NaiveDate>,
    pub outcome: Option<String>,
}

impl ObjectionRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        let contact_id = opt_id_at(r, 5)?;
        let name = full_name(r.get(6)?, r.get(7)?);
        Ok(ObjectionRow {
            id: id_at(r, 0)?,
            statement: text_at(r, 1)?,
            category: enum_at(r, 2)?.unwrap_or_default(),
            response: text_at(r, 3)?,
            account_id: opt_id_at(r, 4)?,
            contact_id,
            contact_name: Some(name).filter(|n| !n.is_empty()),
            raised_on: date_at(r, 8)?,
            outcome: r.get(9)?,
        })
    }
}

pub(crate) const GIFT_COLS: &str = "g.id, g.date, g.kind, g.description, g.value_cents, g.currency";

#[derive(Debug, Clone, PartialEq)]
pub struct GiftRow {
    pub id: Id,
    pub date: Option<NaiveDate>,
    pub kind: GiftKind,
    pub description: String,
    pub value_cents: i64,
    pub currency: String,
}

impl GiftRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(GiftRow {
            id: id_at(r, 0)?,
            date: date_at(r, 1)?,
            kind: enum_at(r, 2)?.unwrap_or_default(),
            description: text_at(r, 3)?,
            value_cents: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
            currency: text_at(r, 5)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GiftSumRow {
    pub recipient_id: Id,
    pub recipient_name: Option<String>,
    /// Gifts (what counts toward the cap).
    pub counted_cents: i64,
    pub entertainment_cents: i64,
    pub count: u64,
}

impl GiftSumRow {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        let name = full_name(r.get(1)?, r.get(2)?);
        Ok(GiftSumRow {
            recipient_id: id_at(r, 0)?,
            recipient_name: Some(name).filter(|n| !n.is_empty()),
            counted_cents: r.get(3)?,
            entertainment_cents: r.get(4)?,
            count: r.get::<_, i64>(5)? as u64,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageSumRow {
    pub stage: String,
    /// The opportunities' own probability; `None`: they use the stage's.
    pub probability: Option<i64>,
    pub amount_cents: i64,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProductRow {
    pub id: Id,
    pub name: String,
    pub active: bool,
    /// How many accounts own it.
    pub owners: u64,
}

/// How many accounts own both `x` and `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairRow {
    pub x: Id,
    pub y: Id,
    pub n: u64,
}
