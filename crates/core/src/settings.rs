//! The AE's settings: gift cap and period, cadences per tier, pipeline stages, currency.

use crate::domain::Tier;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Stage {
    pub name: String,
    /// Default win probability (0-100) for weighted pipeline.
    pub probability: i64,
    pub outcome: StageOutcome,
}

/// Over which period gift totals are counted against the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GiftPeriod {
    #[default]
    CalendarYear,
    FiscalYear,
    Rolling12Months,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Settings {
    pub language: String,
    pub currency: String,
    /// Gift cap per recipient per period, in minor units. FINRA Rule 3220 was USD 100 for
    /// decades and was raised to USD 300, so it is a setting.
    pub gift_cap_cents: i64,
    pub gift_period: GiftPeriod,
    /// First month (1-12) of the fiscal year.
    pub fiscal_year_start_month: u32,
    pub cadence_days_a: i64,
    pub cadence_days_b: i64,
    pub cadence_days_c: i64,
    /// Renewals show on Today from this many days before the contract ends.
    pub renewal_window_days: i64,
    /// An open opportunity with no stage change for this many days is stalled.
    pub stalled_after_days: i64,
    pub stages: Vec<Stage>,
}

impl Default for Settings {
    fn default() -> Self {
        let stage = |name: &str, probability: i64, outcome: StageOutcome| Stage { name: name.into(), probability, outcome };
        Settings {
            language: "en".into(),
            currency: "USD".into(),
            gift_cap_cents: 10_000,
            gift_period: GiftPeriod::CalendarYear,
            fiscal_year_start_month: 1,
            cadence_days_a: 14,
            cadence_days_b: 30,
            cadence_days_c: 90,
            renewal_window_days: 120,
            stalled_after_days: 30,
            stages: vec![
                stage("Qualify", 10, StageOutcome::Open),
                stage("Discover", 20, StageOutcome::Open),
                stage("Propose", 50, StageOutcome::Open),
                stage("Negotiate", 75, StageOutcome::Open),
                stage("Closed Won", 100, StageOutcome::Won),
                stage("Closed Lost", 0, StageOutcome::Lost),
            ],
        }
    }
}

impl Settings {
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name == name)
    }

    pub fn cadence_for(&self, tier: Tier) -> i64 {
        match tier {
            Tier::A => self.cadence_days_a,
            Tier::B => self.cadence_days_b,
            Tier::C => self.cadence_days_c,
        }
    }

    pub fn validate(&self) -> Result<()> {
        if !["en", "es", "pl", "it"].contains(&self.language.as_str()) {
            return Err(Error::invalid("language", "must be one of en, es, pl, it"));
        }
        crate::domain::validate::currency("currency", &self.currency)?;
        crate::domain::validate::range("gift_cap_cents", self.gift_cap_cents, 0, 100_000_000)?;
        crate::domain::validate::range("fiscal_year_start_month", self.fiscal_year_start_month as i64, 1, 12)?;
        for (f, v) in [("cadence_days_a", self.cadence_days_a), ("cadence_days_b", self.cadence_days_b), ("cadence_days_c", self.cadence_days_c)] {
            crate::domain::validate::range(f, v, 1, 365)?;
        }
        crate::domain::validate::range("renewal_window_days", self.renewal_window_days, 1, 730)?;
        crate::domain::validate::range("stalled_after_days", self.stalled_after_days, 1, 365)?;
        if self.stages.is_empty() {
            return Err(Error::invalid("stages", "the pipeline needs at least one stage"));
        }
        let mut seen = std::collections::HashSet::new();
        for s in &self.stages {
            if s.name.trim().is_empty() {
                return Err(Error::invalid("stages", "a stage needs a name"));
            }
            if !seen.insert(s.name.as_str()) {
                return Err(Error::invalid("stages", format!("'{}' appears twice", s.name)));
            }
            crate::domain::validate::range("stages", s.probability, 0, 100)?;
        }
        if !self.stages.iter().any(|s| s.outcome == StageOutcome::Open) {
            return Err(Error::invalid("stages", "the pipeline needs at least one open stage"));
        }
        Ok(())
    }
}
