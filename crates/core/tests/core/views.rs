//! The derived views as the AE sees them: Today, an account's overview, a meeting brief,
//! whitespace, gift totals and quota.

mod brief;
mod demo_book;
mod health_filter;
mod money;
mod overview;
mod schema;
mod today;

use crate::support::*;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rapport_core::domain::*;
use rapport_core::settings::{GiftPeriod, Settings};
use rapport_core::views::{Cell, HealthLabel, HealthReason};
use rapport_core::{Error, FakeClock};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn meeting(b: &TestBook, title: &str, starts_at: DateTime<Utc>, account: Option<Id>, attendees: Vec<Id>) -> Record<Meeting> {
    b.app
        .meetings()
        .create(Meeting {
            title: title.into(),
            starts_at,
            ends_at: starts_at + Duration::hours(1),
            timezone: "Europe/Warsaw".into(),
            link: Some("https://zoom.us/j/42".into()),
            account_id: account,
            attendee_ids: attendees,
            ..Default::default()
        })
        .unwrap()
}

fn task(b: &TestBook, title: &str, due: Option<NaiveDate>, account: Option<Id>, done: bool) -> Record<Task> {
    b.app.tasks().create(Task { title: title.into(), due_date: due, account_id: account, done, ..Default::default() }).unwrap()
}

fn contract(b: &TestBook, account: Id, name: &str, end: NaiveDate) -> Record<Contract> {
    b.app
        .contracts()
        .create(Contract {
            account_id: Some(account),
            name: name.into(),
            value_cents: 1_200_000,
            start_date: Some(end - Duration::days(365)),
            end_date: Some(end),
            notice_days: 60,
            ..Default::default()
        })
        .unwrap()
}

fn opportunity(b: &TestBook, account: Id, name: &str, stage: &str, amount: i64, close: NaiveDate) -> Record<Opportunity> {
    b.app
        .opportunities()
        .create(Opportunity {
            account_id: Some(account),
            name: name.into(),
            kind: OppKind::Upsell,
            stage: stage.into(),
            amount_cents: amount,
            close_date: Some(close),
            lost_reason: (stage == "Closed Lost").then(|| "Budget cut".to_string()),
            ..Default::default()
        })
        .unwrap()
}

fn gift(b: &TestBook, to: Id, day: NaiveDate, value: i64, kind: GiftKind) -> Record<Gift> {
    b.app
        .gifts()
        .create(Gift { date: Some(day), recipient_id: Some(to), kind, description: "Wine".into(), value_cents: value, ..Default::default() })
        .unwrap()
}

fn product(b: &TestBook, name: &str) -> Record<Product> {
    b.app.products().create(Product { name: name.into(), active: true, ..Default::default() }).unwrap()
}

fn hold(b: &TestBook, account: Id, product: Id) -> Record<Holding> {
    b.app.holdings().create(Holding { account_id: Some(account), product_id: Some(product), ..Default::default() }).unwrap()
}
