//! Gift totals per recipient against the cap (FINRA Rule 3220 style), and the check made
//! before a gift is logged. Entertainment is logged but does not count toward the cap.

use super::local_date;
use crate::app::App;
use crate::domain::{Contact, EntityKind, Gift, GiftKind, Id};
use crate::error::{Error, Result};
use crate::settings::{GiftPeriod, Settings};
use crate::store::views::{self as sv, GiftSumRow};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// How many recipients `gift_totals` lists (the largest totals first).
pub const TOTALS_LIMIT: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GiftTotal {
    pub recipient_id: Id,
    pub recipient_name: Option<String>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Gifts in the period (what counts toward the cap).
    pub total_cents: i64,
    /// Entertainment in the period (logged, not counted).
    pub entertainment_cents: i64,
    pub cap_cents: i64,
    /// The currency of the cap (the book's).
    pub currency: String,
    /// What can still be given in the period without passing the cap.
    pub remaining_cents: i64,
    pub over_cap: bool,
}

/// What logging a gift would do to its recipient's total, said before it is logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GiftCheck {
    pub recipient_id: Id,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// False for entertainment.
    pub counts_toward_cap: bool,
    pub total_so_far_cents: i64,
    pub total_with_gift_cents: i64,
    pub cap_cents: i64,
    /// The currency of the cap (the book's).
    pub currency: String,
    pub would_exceed: bool,
}

/// The gift period (first and last day, inclusive) that counts for a gift given on `day`:
/// the calendar year, the fiscal year starting on the first of `fiscal_start_month`, or the
/// twelve months ending on `day`.
pub fn gift_period(period: GiftPeriod, fiscal_start_month: u32, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(day);
    match period {
        GiftPeriod::CalendarYear => (ymd(day.year(), 1, 1), ymd(day.year(), 12, 31)),
        GiftPeriod::FiscalYear => {
            let m = fiscal_start_month.clamp(1, 12);
            let year = if day.month() >= m { day.year() } else { day.year() - 1 };
            let start = ymd(year, m, 1);
            let end = start.checked_add_months(Months::new(12)).and_then(|d| d.pred_opt()).unwrap_or(day);
            (start, end)
        }
        GiftPeriod::Rolling12Months => {
            let start = day.checked_sub_months(Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(day);
            (start, day)
        }
    }
}

fn settings_period(settings: &Settings, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    gift_period(settings.gift_period, settings.fiscal_year_start_month, day)
}

/// A recipient's total from their summed gifts, against the cap in `settings`.
pub fn gift_total(row: &GiftSumRow, period: (NaiveDate, NaiveDate), settings: &Settings) -> GiftTotal {
    let cap_cents = settings.gift_cap_cents;
    GiftTotal {
        recipient_id: row.recipient_id,
        recipient_name: row.recipient_name.clone(),
        period_start: period.0,
        period_end: period.1,
        total_cents: row.counted_cents,
        entertainment_cents: row.entertainment_cents,
        cap_cents,
        currency: settings.currency.clone(),
        remaining_cents: (cap_cents - row.counted_cents).max(0),
        over_cap: row.counted_cents > cap_cents,
    }
}

/// Whether a gift of `value_cents` of `kind` on top of `so_far` passes the cap. Reaching the cap
/// exactly is allowed.
pub fn check(so_far: i64, value_cents: i64, kind: GiftKind, cap_cents: i64) -> (i64, bool) {
    match kind {
        GiftKind::Entertainment => (so_far, false),
        GiftKind::Gift => {
            let with = so_far.saturating_add(value_cents);
            (with, with > cap_cents)
        }
    }
}

fn empty_sum(recipient_id: Id, recipient_name: Option<String>) -> GiftSumRow {
    GiftSumRow { recipient_id, recipient_name, counted_cents: 0, entertainment_cents: 0, count: 0 }
}

impl App {
    /// Gift totals in the current period against the cap: one recipient's (zero if none were
    /// given), or every recipient with gifts in the period, largest first.
    pub fn gift_totals(&self, recipient: Option<Id>) -> Result<Vec<GiftTotal>> {
        let settings = self.settings();
        let today = local_date(self.now(), self.clock().local_zone());
        let period = settings_period(&settings, today);
        if let Some(r) = recipient {
            let contact = self.repo::<Contact>().get(r)?;
            if contact.deleted {
                return Err(Error::NotFound { what: "contact" });
            }
            let rows = self.store().read(|c| sv::gift_sums(c, Some(r), period.0, period.1, 1))?;
            let row = rows.into_iter().next().unwrap_or_else(|| empty_sum(r, Some(contact.data.full_name())));
            return Ok(vec![gift_total(&row, period, &settings)]);
        }
        let rows = self.store().read(|c| sv::gift_sums(c, None, period.0, period.1, TOTALS_LIMIT))?;
        Ok(rows.iter().map(|r| gift_total(r, period, &settings)).collect())
    }

    /// Before a gift is logged: the recipient's total so far in the gift's period, the total
    /// with it, the cap, and whether it would pass the cap. A draft without a date is for today.
    pub fn gift_check(&self, draft: &Gift) -> Result<GiftCheck> {
        let recipient = draft.recipient_id.ok_or_else(|| Error::invalid("recipient_id", "is required"))?;
        crate::domain::validate::non_negative("value_cents", draft.value_cents)?;
        if !self.store().read(|c| crate::store::query::exists(c, EntityKind::Contact, &recipient))? {
            return Err(Error::invalid("recipient_id", "no contact with this id"));
        }
        let settings = self.settings();
        let day = draft.date.unwrap_or_else(|| local_date(self.now(), self.clock().local_zone()));
        let (start, end) = settings_period(&settings, day);
        let rows = self.store().read(|c| sv::gift_sums(c, Some(recipient), start, end, 1))?;
        let so_far = rows.first().map(|r| r.counted_cents).unwrap_or(0);
        let (with, would_exceed) = check(so_far, draft.value_cents, draft.kind, settings.gift_cap_cents);
        Ok(GiftCheck {
            recipient_id: recipient,
            period_start: start,
            period_end: end,
            counts_toward_cap: draft.kind != GiftKind::Entertainment,
            total_so_far_cents: so_far,
            total_with_gift_cents: with,
            cap_cents: settings.gift_cap_cents,
            currency: settings.currency.clone(),
            would_exceed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_calendar_year_runs_january_to_december() {
        assert_eq!(gift_period(GiftPeriod::CalendarYear, 4, d(2026, 11, 23)), (d(2026, 1, 1), d(2026, 12, 31)));
    }

    #[test]
    fn a_fiscal_year_starting_in_april_spans_two_calendar_years() {
        assert_eq!(gift_period(GiftPeriod::FiscalYear, 4, d(2026, 11, 23)), (d(2026, 4, 1), d(2027, 3, 31)));
        assert_eq!(gift_period(GiftPeriod::FiscalYear, 4, d(2027, 3, 31)), (d(2026, 4, 1), d(2027, 3, 31)));
        assert_eq!(gift_period(GiftPeriod::FiscalYear, 4, d(2027, 4, 1)), (d(2027, 4, 1), d(2028, 3, 31)));
        assert_eq!(gift_period(GiftPeriod::FiscalYear, 1, d(2026, 6, 1)), (d(2026, 1, 1), d(2026, 12, 31)));
    }

    #[test]
    fn a_fiscal_year_starting_in_march_ends_on_a_leap_day_when_there_is_one() {
        assert_eq!(gift_period(GiftPeriod::FiscalYear, 3, d(2027, 6, 1)), (d(2027, 3, 1), d(2028, 2, 29)));
    }

    #[test]
    fn rolling_twelve_months_end_on_the_day() {
        assert_eq!(gift_period(GiftPeriod::Rolling12Months, 1, d(2026, 11, 23)), (d(2025, 11, 24), d(2026, 11, 23)));
        assert_eq!(gift_period(GiftPeriod::Rolling12Months, 1, d(2027, 1, 1)), (d(2026, 1, 2), d(2027, 1, 1)));
    }

    #[test]
    fn rolling_twelve_months_around_a_leap_day() {
        // Ending on the leap day: a year back is 2027-02-28, so the period starts 2027-03-01.
        assert_eq!(gift_period(GiftPeriod::Rolling12Months, 1, d(2028, 2, 29)), (d(2027, 3, 1), d(2028, 2, 29)));
        // A year after the leap day the period still starts after it.
        assert_eq!(gift_period(GiftPeriod::Rolling12Months, 1, d(2029, 2, 28)), (d(2028, 2, 29), d(2029, 2, 28)));
        assert_eq!(gift_period(GiftPeriod::Rolling12Months, 1, d(2028, 3, 1)), (d(2027, 3, 2), d(2028, 3, 1)));
    }

    #[test]
    fn reaching_the_cap_is_fine_and_passing_it_is_flagged() {
        assert_eq!(check(6_000, 4_000, GiftKind::Gift, 10_000), (10_000, false));
        assert_eq!(check(6_000, 4_001, GiftKind::Gift, 10_000), (10_001, true));
    }

    #[test]
    fn entertainment_never_counts_toward_the_cap() {
        assert_eq!(check(9_000, 50_000, GiftKind::Entertainment, 10_000), (9_000, false));
    }

    #[test]
    fn a_total_over_the_cap_is_flagged_with_nothing_remaining() {
        let row = GiftSumRow { recipient_id: Id::nil(), recipient_name: None, counted_cents: 12_000, entertainment_cents: 0, count: 2 };
        let settings = Settings { gift_cap_cents: 10_000, ..Settings::default() };
        let t = gift_total(&row, (d(2026, 1, 1), d(2026, 12, 31)), &settings);
        assert!(t.over_cap);
        assert_eq!(t.remaining_cents, 0);
    }
}
