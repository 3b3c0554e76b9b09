//! Today: the AE's morning list. Meetings of the day, tasks due, reminders due, renewals in
//! their window and accounts going cold, each list capped with its total.

use super::{day_bounds, days_between, days_since, local_date, Capped};
use crate::app::App;
use crate::domain::{EntityKind, Id, Priority, Reminder, Tier};
use crate::error::Result;
use crate::settings::Settings;
use crate::store::views::{self as sv, Cadences, ColdRow, ContractRow, MeetingRow, ReminderRow, TaskRow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many items each list of Today shows.
pub const LIST_LIMIT: u32 = 100;
/// How many accounts going cold Today shows (the most overdue).
pub const COLD_LIMIT: u32 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Today {
    /// Today in the laptop's zone.
    pub date: NaiveDate,
    pub meetings: Capped<TodayMeeting>,
    /// Not done, due today or earlier; most overdue first.
    pub tasks: Capped<DueTask>,
    pub reminders: Capped<ReminderDue>,
    /// Contracts ending within the renewal window, soonest first.
    pub renewals: Capped<Renewal>,
    /// Live accounts with no touch within their cadence, most days past it first.
    pub going_cold: Capped<ColdAccount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TodayMeeting {
    pub id: Id,
    pub title: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub timezone: String,
    pub link: Option<String>,
    pub location: Option<String>,
    pub account_id: Option<Id>,
    pub account_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueTask {
    pub id: Id,
    pub title: String,
    pub due_date: Option<NaiveDate>,
    pub priority: Priority,
    /// Due before today.
    pub overdue: bool,
    pub days_overdue: i64,
    pub account_id: Option<Id>,
    pub account_name: Option<String>,
    pub contact_id: Option<Id>,
    pub opportunity_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReminderDue {
    pub id: Id,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub about_kind: Option<EntityKind>,
    pub about_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Renewal {
    pub contract_id: Id,
    pub contract_name: String,
    pub account_id: Option<Id>,
    pub account_name: Option<String>,
    pub end_date: NaiveDate,
    pub days_left: i64,
    /// The last day to give notice (end date minus the notice period).
    pub notice_by: NaiveDate,
    pub value_cents: i64,
    pub currency: String,
    pub auto_renew: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ColdAccount {
    pub account_id: Id,
    pub name: String,
    pub tier: Tier,
    pub cadence_days: i64,
    /// The last logged touch; `None`: never touched (counted from when the account was made).
    pub last_touch: Option<DateTime<Utc>>,
    pub days_since_touch: i64,
    pub days_past_cadence: i64,
}

impl App {
    /// What the AE should look at today (in the laptop's zone).
    pub fn today(&self) -> Result<Today> {
        let now = self.now();
        let zone = self.clock().local_zone();
        let settings = self.settings();
        let date = local_date(now, zone);
        let (start, end) = day_bounds(zone, date);
        let now_ms = now.timestamp_millis();
        let (certain, _) = reminder_window(now);
        self.store().read(|conn| {
            sv::snapshot(conn, |c| {
                let (meetings, meetings_total) =
                    sv::meetings_starting(c, start.timestamp_millis(), end.timestamp_millis(), LIST_LIMIT)?;
                let (tasks, tasks_total) = sv::tasks_due_by(c, date, LIST_LIMIT)?;
                let sure = sv::reminders_between(c, "", &certain, now_ms, LIST_LIMIT)?;
                let (sure_total, near_due) = reminders_due_near(c, now, zone)?;
                let until = date + chrono::Duration::days(settings.renewal_window_days);
                let (renewals, renewals_total) = sv::contracts_ending(c, date, until, LIST_LIMIT)?;
                let (cold, cold_total) = sv::cold_accounts(c, now_ms, cadences(&settings), COLD_LIMIT)?;

                let mut reminders: Vec<ReminderDue> = sure.iter().filter_map(|r| reminder_due(r, zone, now)).collect();
                let reminders_total = sure_total + near_due.len() as u64;
                reminders.extend(near_due);
                reminders.sort_by(|a, b| a.due_at.cmp(&b.due_at).then(a.id.cmp(&b.id)));
                reminders.truncate(LIST_LIMIT as usize);

                let mut tasks: Vec<DueTask> = tasks.into_iter().map(|t| due_task(t, date)).collect();
                tasks.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(b.priority.cmp(&a.priority)));
                Ok(Today {
                    date,
                    meetings: Capped { items: meetings.into_iter().map(today_meeting).collect(), total: meetings_total },
                    tasks: Capped { items: tasks, total: tasks_total },
                    reminders: Capped { items: reminders, total: reminders_total },
                    renewals: Capped {
                        items: renewals.into_iter().filter_map(|r| renewal(r, date, settings.renewal_window_days)).collect(),
                        total: renewals_total,
                    },
                    going_cold: Capped { items: cold.into_iter().map(|r| cold_account(r, now)).collect(), total: cold_total },
                })
            })
        })
    }
}

pub(crate) fn cadences(settings: &Settings) -> Cadences {
    Cadences { a: settings.cadence_days_a, b: settings.cadence_days_b, c: settings.cadence_days_c }
}

/// The keep-in-touch cadence of an account: its own, or its tier's default.
pub fn cadence_of(own: Option<i64>, tier: Tier, settings: &Settings) -> i64 {
    own.unwrap_or_else(|| settings.cadence_for(tier))
}

/// Whole days since the last touch if that is more than the cadence (the account is going
/// cold), else `None`. Any touch within the cadence keeps it warm.
pub fn days_cold(since: DateTime<Utc>, cadence_days: i64, now: DateTime<Utc>) -> Option<i64> {
    let days = days_since(since, now);
    (days > cadence_days).then_some(days)
}

fn cold_account(r: ColdRow, now: DateTime<Utc>) -> ColdAccount {
    let since = r.since.unwrap_or_default();
    let days = days_since(since, now);
    ColdAccount {
        account_id: r.id,
        name: r.name,
        tier: r.tier,
        cadence_days: r.cadence_days,
        last_touch: r.last_touch,
        days_since_touch: days,
        days_past_cadence: (days - r.cadence_days).max(0),
    }
}

/// Whole days a contract has left if it ends today or later and within the window.
pub fn renewal_days_left(end: NaiveDate, today: NaiveDate, window_days: i64) -> Option<i64> {
    let left = days_between(today, end);
    (0..=window_days).contains(&left).then_some(left)
}

fn renewal(r: ContractRow, today: NaiveDate, window_days: i64) -> Option<Renewal> {
    let end = r.end_date?;
    let days_left = renewal_days_left(end, today, window_days)?;
    Some(Renewal {
        contract_id: r.id,
        contract_name: r.name,
        account_id: r.account_id,
        account_name: r.account_name,
        end_date: end,
        days_left,
        notice_by: end - chrono::Duration::days(r.notice_days.max(0)),
        value_cents: r.value_cents,
        currency: r.currency,
        auto_renew: r.auto_renew,
    })
}

fn due_task(t: TaskRow, today: NaiveDate) -> DueTask {
    let days_overdue = t.due_date.map(|d| days_between(d, today).max(0)).unwrap_or(0);
    DueTask {
        id: t.id,
        title: t.title,
        due_date: t.due_date,
        priority: t.priority,
        overdue: days_overdue > 0,
        days_overdue,
        account_id: t.account_id,
        account_name: t.account_name,
        contact_id: t.contact_id,
        opportunity_id: t.opportunity_id,
    }
}

fn today_meeting(m: MeetingRow) -> TodayMeeting {
    TodayMeeting {
        id: m.id,
        title: m.title,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        timezone: m.timezone,
        link: m.link,
        location: m.location,
        account_id: m.account_id,
        account_name: m.account_name,
    }
}

/// How many stored reminders are surely due at `now` whatever their zone (counted in SQL), and
/// those near now that are due in their zone: together, every stored reminder due at `now`
/// (Today's list and the badge).
pub(crate) fn reminders_due_near(c: &rusqlite::Connection, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Result<(u64, Vec<ReminderDue>)> {
    let (certain, upper) = reminder_window(now);
    let now_ms = now.timestamp_millis();
    let sure_total = sv::count_reminders_between(c, "", &certain, now_ms)?;
    let near = sv::reminders_between(c, &certain, &upper, now_ms, 10_000)?;
    Ok((sure_total, near.iter().filter_map(|r| reminder_due(r, zone, now)).collect()))
}

/// The reminder, if it is due at `now` (its wall-clock time read in its own zone, or in the
/// laptop's when it floats, and not snoozed past now).
pub fn reminder_due(r: &ReminderRow, local_zone: chrono_tz::Tz, now: DateTime<Utc>) -> Option<ReminderDue> {
    let rem = Reminder { due_local: r.due_local, timezone: r.timezone.clone(), snoozed_until: r.snoozed_until, ..Default::default() };
    let due_at = rem.due_at(local_zone)?;
    (due_at <= now).then(|| ReminderDue {
        id: r.id,
        title: r.title.clone(),
        due_at,
        about_kind: r.about_kind,
        about_id: r.about_id,
    })
}

/// Bounds on a reminder's wall-clock time, whatever its zone (UTC-12 to UTC+14, plus up to
/// three hours of a DST gap): at or before the first it is surely due at `now`; after the
/// second it surely is not. Only the few in between need their zone worked out.
pub fn reminder_window(now: DateTime<Utc>) -> (String, String) {
    let fmt = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let n = now.naive_utc();
    (fmt(n - chrono::Duration::hours(15)), fmt(n + chrono::Duration::hours(15)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_account_goes_cold_only_after_more_whole_days_than_its_cadence() {
        let now = at(2026, 11, 23, 9);
        assert_eq!(days_cold(at(2026, 11, 9, 9), 14, now), None, "exactly 14 days");
        assert_eq!(days_cold(at(2026, 11, 9, 8), 14, now), None, "14 days and an hour");
        assert_eq!(days_cold(at(2026, 11, 8, 9), 14, now), Some(15));
        assert_eq!(days_cold(at(2026, 11, 30, 9), 14, now), None, "a touch in the future keeps it warm");
    }

    #[test]
    fn an_account_without_its_own_cadence_uses_its_tiers() {
        let s = Settings::default();
        assert_eq!(cadence_of(None, Tier::A, &s), 14);
        assert_eq!(cadence_of(None, Tier::C, &s), 90);
        assert_eq!(cadence_of(Some(7), Tier::C, &s), 7);
    }

    #[test]
    fn a_renewal_is_shown_from_the_window_start_until_its_end_date() {
        let today = date(2026, 11, 23);
        assert_eq!(renewal_days_left(date(2026, 11, 23), today, 120), Some(0));
        assert_eq!(renewal_days_left(date(2027, 3, 23), today, 120), Some(120));
        assert_eq!(renewal_days_left(date(2027, 3, 24), today, 120), None);
        assert_eq!(renewal_days_left(date(2026, 11, 22), today, 120), None, "already ended");
    }

    #[test]
    fn a_task_due_before_today_is_overdue_and_one_due_today_is_not() {
        let row = |due| TaskRow {
            id: Id::nil(),
            title: "Send deck".into(),
            due_date: Some(due),
            priority: Priority::High,
            account_id: None,
            account_name: None,
            contact_id: None,
            opportunity_id: None,
        };
        let today = date(2026, 11, 23);
        let t = due_task(row(date(2026, 11, 20)), today);
        assert!(t.overdue);
        assert_eq!(t.days_overdue, 3);
        assert!(!due_task(row(today), today).overdue);
    }

    fn reminder(local: &str, tz: Option<&str>, snoozed: Option<DateTime<Utc>>) -> ReminderRow {
        ReminderRow {
            id: Id::nil(),
            title: "Call back".into(),
            due_local: Some(local.parse().unwrap()),
            timezone: tz.map(str::to_string),
            snoozed_until: snoozed,
            about_kind: None,
            about_id: None,
        }
    }

    #[test]
    fn a_reminder_is_due_at_its_wall_clock_time_in_its_zone_unless_snoozed() {
        let now = at(2026, 11, 23, 9); // 10:00 in Warsaw
        let warsaw = chrono_tz::Europe::Warsaw;
        assert!(reminder_due(&reminder("2026-11-23T10:00:00", None, None), warsaw, now).is_some());
        assert!(reminder_due(&reminder("2026-11-23T10:01:00", None, None), warsaw, now).is_none());
        assert!(reminder_due(&reminder("2026-11-23T09:00:00", Some("America/New_York"), None), warsaw, now).is_none());
        let snoozed = reminder("2026-11-23T08:00:00", None, Some(at(2026, 11, 23, 10)));
        assert!(reminder_due(&snoozed, warsaw, now).is_none());
    }

    #[test]
    fn the_reminder_window_brackets_every_zone() {
        let now = at(2026, 11, 23, 9);
        let (sure, upper) = reminder_window(now);
        assert_eq!(sure, "2026-11-22T18:00:00");
        assert_eq!(upper, "2026-11-24T00:00:00");
        // Kiribati (UTC+14): 22:59 local is 08:59 UTC, due, and inside the window.
        let kiritimati = reminder("2026-11-23T22:59:00", Some("Pacific/Kiritimati"), None);
        assert!(reminder_due(&kiritimati, chrono_tz::UTC, now).is_some());
        assert!("2026-11-23T22:59:00" <= upper.as_str());
    }
}
