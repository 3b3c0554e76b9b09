//! Quota: attainment and pipeline coverage for a quota's period, from opportunities closing in
//! it.

use super::{stage_outcome, win_probability};
use crate::app::App;
use crate::domain::{Id, Quota};
use crate::error::{Error, Result};
use crate::settings::{Settings, StageOutcome};
use crate::store::views::{self as sv, StageSumRow};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuotaSummary {
    pub quota_id: Id,
    pub name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub currency: String,
    pub target_cents: i64,
    /// Won opportunities closing in the period.
    pub attained_cents: i64,
    pub won_count: u64,
    /// Attained as a percentage of target (may pass 100).
    pub attainment_percent: f64,
    /// Target minus attained, never below zero.
    pub remaining_cents: i64,
    /// Open opportunities closing in the period, unweighted.
    pub open_pipeline_cents: i64,
    pub open_count: u64,
    /// Open pipeline times win probability (the opportunity's, or its stage's).
    pub weighted_pipeline_cents: i64,
    /// Open pipeline over what remains to attain; `None` once the target is met.
    pub coverage: Option<f64>,
}

/// Sums per (stage, probability) turned into the quota's numbers.
pub fn summarize(quota_id: Id, quota: &Quota, sums: &[StageSumRow], settings: &Settings) -> QuotaSummary {
    let (mut attained, mut won_count, mut open, mut open_count, mut weighted) = (0i64, 0u64, 0i64, 0u64, 0i128);
    for s in sums {
        match stage_outcome(settings, &s.stage) {
            StageOutcome::Won => {
                attained = attained.saturating_add(s.amount_cents);
                won_count += s.count;
            }
            StageOutcome::Open => {
                open = open.saturating_add(s.amount_cents);
                open_count += s.count;
                weighted += s.amount_cents as i128 * win_probability(settings, &s.stage, s.probability) as i128;
            }
            StageOutcome::Lost => {}
        }
    }
    let target = quota.target_cents;
    let remaining = (target - attained).max(0);
    QuotaSummary {
        quota_id,
        name: quota.name.clone(),
        period_start: quota.period_start.unwrap_or_default(),
        period_end: quota.period_end.unwrap_or_default(),
        currency: quota.currency.clone(),
        target_cents: target,
        attained_cents: attained,
        won_count,
        attainment_percent: if target > 0 { attained as f64 * 100.0 / target as f64 } else { 0.0 },
        remaining_cents: remaining,
        open_pipeline_cents: open,
        open_count,
        weighted_pipeline_cents: (weighted / 100) as i64,
        coverage: (remaining > 0).then(|| open as f64 / remaining as f64),
    }
}

impl App {
    /// Attainment, weighted pipeline and coverage of a quota's period.
    pub fn quota_summary(&self, quota_id: Id) -> Result<QuotaSummary> {
        let quota = self.repo::<Quota>().get(quota_id)?;
        if quota.deleted {
            return Err(Error::NotFound { what: "quota" });
        }
        let (Some(start), Some(end)) = (quota.data.period_start, quota.data.period_end) else {
            return Err(Error::invalid("period_start", "the quota has no period"));
        };
        let sums = self.store().read(|c| sv::opportunity_sums(c, start, end))?;
        Ok(summarize(quota_id, &quota.data, &sums, &self.settings()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quota(target: i64) -> Quota {
        Quota {
            name: "Q4".into(),
            period_start: NaiveDate::from_ymd_opt(2026, 10, 1),
            period_end: NaiveDate::from_ymd_opt(2026, 12, 31),
            target_cents: target,
            currency: "USD".into(),
        }
    }

    fn sum(stage: &str, probability: Option<i64>, amount: i64, count: u64) -> StageSumRow {
        StageSumRow { stage: stage.into(), probability, amount_cents: amount, count }
    }

    #[test]
    fn won_deals_attain_and_open_deals_cover_what_remains() {
        let sums = [
            sum("Closed Won", None, 40_000, 2),
            sum("Propose", None, 60_000, 3),   // 50% -> 30,000
            sum("Propose", Some(90), 10_000, 1), // own probability -> 9,000
            sum("Closed Lost", None, 99_000, 5),
        ];
        let s = summarize(Id::nil(), &quota(100_000), &sums, &Settings::default());
        assert_eq!((s.attained_cents, s.won_count, s.remaining_cents), (40_000, 2, 60_000));
        assert_eq!((s.open_pipeline_cents, s.open_count, s.weighted_pipeline_cents), (70_000, 4, 39_000));
        assert_eq!(s.attainment_percent, 40.0);
        assert_eq!(s.coverage, Some(70_000.0 / 60_000.0));
    }

    #[test]
    fn a_met_target_has_nothing_remaining_and_no_coverage() {
        let s = summarize(Id::nil(), &quota(50_000), &[sum("Closed Won", None, 60_000, 1), sum("Qualify", None, 5_000, 1)], &Settings::default());
        assert_eq!(s.remaining_cents, 0);
        assert_eq!(s.coverage, None);
        assert_eq!(s.attainment_percent, 120.0);
    }

    #[test]
    fn an_empty_period_has_zero_attainment_and_zero_coverage() {
        let s = summarize(Id::nil(), &quota(50_000), &[], &Settings::default());
        assert_eq!((s.attained_cents, s.attainment_percent, s.coverage), (0, 0.0, Some(0.0)));
    }
}
