//! Derived views: pure functions of the book's data and `now`.
//!
//! Each view reads plain rows through [`crate::store::views`] and turns them into what the AE
//! sees with pure rules that take `now` and the settings (tested at the bottom of each file).
//! The views are methods of [`crate::App`], declared in their own files:
//!
//! - `App::today` in [`today`],
//! - `App::account_overview` in [`overview`],
//! - `App::meeting_brief` in [`brief`],
//! - `App::whitespace` and `App::whitespace_suggestions` in [`whitespace`],
//! - `App::gift_totals` and `App::gift_check` in [`gifts`],
//! - `App::quota_summary` in [`quota`],
//! - `App::refresh_health` (the stored band the accounts list filters on) in [`health`].
//!
//! A *live* account is one not in Trash and not churned. Money is in minor units of the book's
//! currency; amounts in other currencies are added as they are (no conversion).

pub mod brief;
mod brief_markdown;
pub mod gifts;
pub mod health;
pub mod overview;
pub mod quota;
pub mod today;
pub mod whitespace;

pub use brief::MeetingBrief;
pub use gifts::{GiftCheck, GiftTotal};
pub use overview::{AccountOverview, Health, HealthLabel, HealthReason};
pub use quota::QuotaSummary;
pub use today::Today;
pub use whitespace::{Cell, Suggestion, Whitespace};

use crate::settings::{Settings, StageOutcome};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// The first items of a list that can be long, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Capped<T> {
    pub items: Vec<T>,
    pub total: u64,
}

impl<T> Default for Capped<T> {
    fn default() -> Self {
        Capped { items: Vec::new(), total: 0 }
    }
}

/// The calendar date of `t` in `zone`.
pub fn local_date(t: DateTime<Utc>, zone: chrono_tz::Tz) -> NaiveDate {
    t.with_timezone(&zone).date_naive()
}

/// The instant a local wall-clock time happens in `zone`: the earlier one when the clocks go
/// back, the first instant after the gap when they jump forward.
pub fn local_instant(zone: chrono_tz::Tz, local: NaiveDateTime) -> DateTime<Utc> {
    (0..=180)
        .find_map(|m| zone.from_local_datetime(&(local + chrono::Duration::minutes(m))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// The instants `[start, end)` of a calendar day in `zone` (23 or 25 hours on DST days).
pub fn day_bounds(zone: chrono_tz::Tz, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = local_instant(zone, day.and_time(chrono::NaiveTime::MIN));
    let next = day.succ_opt().unwrap_or(day);
    (start, local_instant(zone, next.and_time(chrono::NaiveTime::MIN)))
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// Whole days elapsed from `then` to `now` (0 if `then` is later).
pub fn days_since(then: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - then).num_days().max(0)
}

/// Where an opportunity stands. A stage no longer in the pipeline counts as open: the deal
/// was neither won nor lost.
pub fn stage_outcome(settings: &Settings, stage: &str) -> StageOutcome {
    settings.stage(stage).map(|s| s.outcome).unwrap_or(StageOutcome::Open)
}

/// The win probability (0-100) of an opportunity: its own, or its stage's default.
pub fn win_probability(settings: &Settings, stage: &str, own: Option<i64>) -> i64 {
    own.or_else(|| settings.stage(stage).map(|s| s.probability)).unwrap_or(0).clamp(0, 100)
}

/// Validates a page size for a view.
pub(crate) fn check_limit(limit: u32, max: u32) -> crate::error::Result<()> {
    if limit == 0 || limit > max {
        return Err(crate::error::Error::invalid("limit", format!("must be between 1 and {max}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_day_in_a_zone_spans_its_local_midnights() {
        let (s, e) = day_bounds(chrono_tz::Europe::Warsaw, d(2026, 11, 23));
        assert_eq!(s, Utc.with_ymd_and_hms(2026, 11, 22, 23, 0, 0).unwrap());
        assert_eq!(e - s, chrono::Duration::hours(24));
        let (s, e) = day_bounds(chrono_tz::Europe::Warsaw, d(2026, 3, 29));
        assert_eq!(e - s, chrono::Duration::hours(23), "spring forward");
    }

    #[test]
    fn a_midnight_that_does_not_exist_starts_the_day_after_the_gap() {
        // Santiago skipped 2022-09-11 00:00-01:00.
        let (s, _) = day_bounds(chrono_tz::America::Santiago, d(2022, 9, 11));
        assert_eq!(s.with_timezone(&chrono_tz::America::Santiago).hour(), 1);
    }

    #[test]
    fn unknown_stages_are_open_and_probability_falls_back_to_the_stage() {
        let s = Settings::default();
        assert_eq!(stage_outcome(&s, "Closed Won"), StageOutcome::Won);
        assert_eq!(stage_outcome(&s, "Renamed"), StageOutcome::Open);
        assert_eq!(win_probability(&s, "Propose", None), 50);
        assert_eq!(win_probability(&s, "Propose", Some(80)), 80);
        assert_eq!(win_probability(&s, "Renamed", None), 0);
    }
}
