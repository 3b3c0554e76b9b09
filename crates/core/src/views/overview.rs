//! An account at a glance: its health (a score, a label and the reasons behind it), last touch,
//! next renewal and open pipeline by kind.

use super::today::{cadence_of, renewal_days_left};
use super::{days_between, days_since, local_date, stage_outcome, win_probability};
use crate::app::App;
use crate::domain::{Account, Id, OppKind, Record};
use crate::error::{Error, Result};
use crate::settings::{Settings, StageOutcome};
use crate::store::health::{health_inputs, HealthRow};
use crate::store::views::{self as sv, ContractRow, OppRow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many of an account's opportunities and contracts a view reads.
pub(crate) const ACCOUNT_LIST_LIMIT: u32 = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountOverview {
    pub account_id: Id,
    pub name: String,
    pub health: Health,
    /// The last logged touch; `None`: never touched.
    pub last_touch: Option<DateTime<Utc>>,
    /// Days since the last touch (or since the account was made, if never touched).
    pub days_since_touch: i64,
    pub cadence_days: i64,
    pub next_renewal: Option<NextRenewal>,
    /// Open-stage opportunities per kind, every kind listed.
    pub pipeline: Vec<PipelineTotal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NextRenewal {
    pub contract_id: Id,
    pub contract_name: String,
    pub end_date: NaiveDate,
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PipelineTotal {
    pub kind: OppKind,
    pub count: u64,
    pub amount_cents: i64,
    /// Amount times win probability.
    pub weighted_cents: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HealthLabel {
    Good,
    Attention,
    Risk,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Health {
    /// 0 (at risk) to 100 (healthy).
    pub score: u8,
    pub label: HealthLabel,
    pub reasons: Vec<HealthReason>,
}

/// Why an account's health is not perfect: a code and its parameters, for the UI to phrase in
/// the user's language (`{"code": "overdue_tasks", "params": {"count": 2}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", content = "params", rename_all = "snake_case")]
pub enum HealthReason {
    NoTouchWithinCadence { days_since_touch: i64, cadence_days: i64 },
    OverdueTasks { count: u64 },
    CompetitorPresent { competitors: Vec<String> },
    RenewalNear { contract_id: Id, end_date: NaiveDate, days_left: i64 },
    StalledOpportunity { opportunity_id: Id, name: String, days_in_stage: i64 },
}

impl HealthReason {
    /// Points this reason takes off the score.
    fn penalty(&self) -> u32 {
        match self {
            HealthReason::NoTouchWithinCadence { .. } => 30,
            HealthReason::OverdueTasks { count } => (10 * (*count).min(3)) as u32,
            HealthReason::CompetitorPresent { .. } => 15,
            HealthReason::RenewalNear { .. } => 15,
            HealthReason::StalledOpportunity { .. } => 15,
        }
    }
}

/// At most this many stalled opportunities count against (and are listed in) health.
const STALLED_LISTED: usize = 2;

/// What health is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthInput<'a> {
    /// The last touch, or when the account was made if it never was touched.
    pub since: DateTime<Utc>,
    pub cadence_days: i64,
    pub overdue_tasks: u64,
    /// The earliest due date, today or later, of the account's open tasks (it falls overdue
    /// the day after).
    pub next_task_due: Option<NaiveDate>,
    pub competitors: &'a [String],
    pub contracts: &'a [ContractRow],
    pub opportunities: &'a [OppRow],
}

/// The account's health at `now`: 100 minus a penalty per reason, labelled good (70+),
/// attention (40-69) or risk (below 40).
pub fn health(input: &HealthInput<'_>, today: NaiveDate, now: DateTime<Utc>, settings: &Settings) -> Health {
    let mut reasons = Vec::new();
    if let Some(days) = super::today::days_cold(input.since, input.cadence_days, now) {
        reasons.push(HealthReason::NoTouchWithinCadence { days_since_touch: days, cadence_days: input.cadence_days });
    }
    if input.overdue_tasks > 0 {
        reasons.push(HealthReason::OverdueTasks { count: input.overdue_tasks });
    }
    let open: Vec<&OppRow> = input.opportunities.iter().filter(|o| stage_outcome(settings, &o.stage) == StageOutcome::Open).collect();
    let competitors = competitors_present(input.competitors, &open);
    if !competitors.is_empty() {
        reasons.push(HealthReason::CompetitorPresent { competitors });
    }
    let near = input
        .contracts
        .iter()
        .filter_map(|c| Some((c, c.end_date?)))
        .filter_map(|(c, end)| renewal_days_left(end, today, settings.renewal_window_days).map(|left| (c, end, left)))
        .min_by_key(|(_, end, _)| *end);
    if let Some((c, end_date, days_left)) = near {
        reasons.push(HealthReason::RenewalNear { contract_id: c.id, end_date, days_left });
    }
    let mut stalled: Vec<(&OppRow, i64)> = open
        .iter()
        .filter_map(|o| {
            let since = o.stage_changed_at.or(o.created_at)?;
            let days = days_since(since, now);
            (days > settings.stalled_after_days).then_some((*o, days))
        })
        .collect();
    stalled.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.name.cmp(&b.0.name)));
    for (o, days) in stalled.into_iter().take(STALLED_LISTED) {
        reasons.push(HealthReason::StalledOpportunity { opportunity_id: o.id, name: o.name.clone(), days_in_stage: days });
    }
    let penalty: u32 = reasons.iter().map(HealthReason::penalty).sum();
    let score = 100u32.saturating_sub(penalty) as u8;
    let label = match score {
        70.. => HealthLabel::Good,
        40..=69 => HealthLabel::Attention,
        _ => HealthLabel::Risk,
    };
    Health { score, label, reasons }
}

/// The first instant after `now` at which the passage of time alone changes [`health`]'s
/// score for this input (`None`: it never does without a write): the last touch passing the
/// cadence, the next open task falling overdue, a contract entering or leaving the renewal
/// window, an open deal stalling. Dates turn at local midnight in `zone`. Lives beside the rule
/// so the stored band (see [`crate::store::health`]) expires exactly when the rule would change.
pub fn health_changes_at(input: &HealthInput<'_>, today: NaiveDate, now: DateTime<Utc>, zone: chrono_tz::Tz, settings: &Settings) -> Option<DateTime<Utc>> {
    let day_start = |d: NaiveDate| super::day_bounds(zone, d).0;
    let after = |days: i64| chrono::Duration::days(days.saturating_add(1).clamp(0, 1_000_000));
    let mut next: Vec<DateTime<Utc>> = Vec::new();
    // Cold from the instant more whole days than the cadence have passed.
    next.push(input.since + after(input.cadence_days));
    if let Some(due) = input.next_task_due {
        next.extend(due.succ_opt().map(day_start));
    }
    for end in input.contracts.iter().filter_map(|c| c.end_date) {
        let enters = end - chrono::Duration::days(settings.renewal_window_days.max(0));
        let change = if enters > today { Some(enters) } else { end.succ_opt() };
        next.extend(change.map(day_start));
    }
    for o in input.opportunities.iter().filter(|o| stage_outcome(settings, &o.stage) == StageOutcome::Open) {
        if let Some(since) = o.stage_changed_at.or(o.created_at) {
            next.push(since + after(settings.stalled_after_days));
        }
    }
    next.into_iter().filter(|t| *t > now).min()
}

/// The health input of one account's row (the overview's and the stored band's).
pub fn health_input<'a>(row: &'a HealthRow, today: NaiveDate, settings: &Settings) -> HealthInput<'a> {
    HealthInput {
        since: row.last_touch.or(row.created_at).unwrap_or_default(),
        cadence_days: cadence_of(row.cadence_days, row.tier, settings),
        overdue_tasks: row.open_task_dues.iter().filter(|d| **d < today).count() as u64,
        next_task_due: row.open_task_dues.iter().filter(|d| **d >= today).min().copied(),
        competitors: &row.competitors,
        contracts: &row.contracts,
        opportunities: &row.opportunities,
    }
}

/// Competitors named on the account and on its open opportunities, each once (first spelling).
fn competitors_present(account: &[String], open: &[&OppRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let from_opps = open.iter().filter_map(|o| o.competitor.as_deref());
    for name in account.iter().map(String::as_str).chain(from_opps) {
        let name = name.trim();
        if !name.is_empty() && !out.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            out.push(name.to_string());
        }
    }
    out
}

/// Open pipeline per kind (every kind, zero when none).
pub fn pipeline_by_kind(opps: &[OppRow], settings: &Settings) -> Vec<PipelineTotal> {
    OppKind::ALL
        .into_iter()
        .map(|kind| {
            let open = opps.iter().filter(|o| o.kind == kind && stage_outcome(settings, &o.stage) == StageOutcome::Open);
            let mut total = PipelineTotal { kind, count: 0, amount_cents: 0, weighted_cents: 0 };
            let mut weighted: i128 = 0;
            for o in open {
                total.count += 1;
                total.amount_cents = total.amount_cents.saturating_add(o.amount_cents);
                weighted += o.amount_cents as i128 * win_probability(settings, &o.stage, o.probability) as i128;
            }
            total.weighted_cents = (weighted / 100) as i64;
            total
        })
        .collect()
}

/// The first contract to end on or after today.
pub fn next_renewal(contracts: &[ContractRow], today: NaiveDate) -> Option<NextRenewal> {
    contracts
        .iter()
        .filter_map(|c| Some((c, c.end_date?)))
        .filter(|(_, end)| *end >= today)
        .min_by_key(|(c, end)| (*end, c.id))
        .map(|(c, end)| NextRenewal { contract_id: c.id, contract_name: c.name.clone(), end_date: end, days_left: days_between(today, end) })
}

impl App {
    /// The account's health with its reasons, last touch, next renewal and open pipeline.
    pub fn account_overview(&self, id: Id) -> Result<AccountOverview> {
        let account = self.live_account(id)?;
        let now = self.now();
        let today = local_date(now, self.clock().local_zone());
        let settings = self.settings();
        let row = self.store().read(|conn| sv::snapshot(conn, |c| health_inputs(c, &[id], today)))?;
        let row = row.into_iter().next().ok_or(Error::NotFound { what: "account" })?;
        let input = health_input(&row, today, &settings);
        Ok(AccountOverview {
            account_id: id,
            name: account.data.name.clone(),
            health: health(&input, today, now, &settings),
            last_touch: row.last_touch,
            days_since_touch: days_since(input.since, now),
            cadence_days: input.cadence_days,
            next_renewal: next_renewal(&row.contracts, today),
            pipeline: pipeline_by_kind(&row.opportunities, &settings),
        })
    }

    /// An account that exists and is not in Trash.
    pub(crate) fn live_account(&self, id: Id) -> Result<Record<Account>> {
        let account = self.repo::<Account>().get(id)?;
        if account.deleted {
            return Err(Error::NotFound { what: "account" });
        }
        Ok(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn opp(name: &str, stage: &str, kind: OppKind, amount: i64, changed_days_ago: i64) -> OppRow {
        OppRow {
            id: uuid::Uuid::now_v7(),
            name: name.into(),
            kind,
            amount_cents: amount,
            currency: "USD".into(),
            stage: stage.into(),
            probability: None,
            close_date: None,
            next_step: None,
            competitor: None,
            stage_changed_at: Some(now() - chrono::Duration::days(changed_days_ago)),
            created_at: None,
        }
    }

    fn contract(ends_in_days: i64) -> ContractRow {
        ContractRow {
            id: uuid::Uuid::now_v7(),
            account_id: None,
            name: "MSA".into(),
            value_cents: 100_000,
            currency: "USD".into(),
            end_date: Some(today() + chrono::Duration::days(ends_in_days)),
            notice_days: 30,
            auto_renew: false,
            account_name: None,
        }
    }

    fn input<'a>(since_days: i64, opps: &'a [OppRow], contracts: &'a [ContractRow], competitors: &'a [String]) -> HealthInput<'a> {
        HealthInput { since: now() - chrono::Duration::days(since_days), cadence_days: 14, overdue_tasks: 0, next_task_due: None, competitors, contracts, opportunities: opps }
    }

    #[test]
    fn a_well_kept_account_is_healthy_with_no_reasons() {
        let h = health(&input(3, &[], &[], &[]), today(), now(), &Settings::default());
        assert_eq!((h.score, h.label, h.reasons.len()), (100, HealthLabel::Good, 0));
    }

    #[test]
    fn each_problem_is_a_reason_and_together_they_put_the_account_at_risk() {
        let mut opps = vec![opp("Stuck", "Propose", OppKind::Upsell, 100, 45), opp("Fresh", "Qualify", OppKind::NewBusiness, 100, 2)];
        opps[1].competitor = Some("Globex".into());
        let contracts = [contract(200), contract(30)];
        let comps = vec!["globex".to_string(), "Initech".to_string()];
        let mut i = input(20, &opps, &contracts, &comps);
        i.overdue_tasks = 2;
        let h = health(&i, today(), now(), &Settings::default());
        assert_eq!(
            h.reasons,
            vec![
                HealthReason::NoTouchWithinCadence { days_since_touch: 20, cadence_days: 14 },
                HealthReason::OverdueTasks { count: 2 },
                HealthReason::CompetitorPresent { competitors: vec!["globex".into(), "Initech".into()] },
                HealthReason::RenewalNear { contract_id: contracts[1].id, end_date: today() + chrono::Duration::days(30), days_left: 30 },
                HealthReason::StalledOpportunity { opportunity_id: opps[0].id, name: "Stuck".into(), days_in_stage: 45 },
            ]
        );
        assert_eq!(h.score, 5, "100 - 30 - 20 - 15 - 15 - 15");
        assert_eq!(h.label, HealthLabel::Risk);
    }

    #[test]
    fn won_and_lost_deals_neither_stall_nor_bring_competitors() {
        let mut won = opp("Done", "Closed Won", OppKind::Upsell, 100, 200);
        won.competitor = Some("Globex".into());
        let h = health(&input(1, &[won], &[], &[]), today(), now(), &Settings::default());
        assert!(h.reasons.is_empty());
    }

    #[test]
    fn a_reason_serialises_as_a_code_with_params() {
        let json = serde_json::to_value(HealthReason::OverdueTasks { count: 2 }).unwrap();
        assert_eq!(json, serde_json::json!({"code": "overdue_tasks", "params": {"count": 2}}));
    }

    #[test]
    fn open_pipeline_is_totalled_per_kind_and_weighted_by_probability() {
        let mut opps = vec![
            opp("A", "Propose", OppKind::Upsell, 100_000, 1),
            opp("B", "Negotiate", OppKind::Upsell, 200_000, 1),
            opp("C", "Closed Won", OppKind::Upsell, 900_000, 1),
            opp("D", "Qualify", OppKind::Renewal, 50_000, 1),
        ];
        opps[3].probability = Some(90);
        let p = pipeline_by_kind(&opps, &Settings::default());
        assert_eq!(p.len(), 4);
        let upsell = p.iter().find(|t| t.kind == OppKind::Upsell).unwrap();
        assert_eq!((upsell.count, upsell.amount_cents, upsell.weighted_cents), (2, 300_000, 50_000 + 150_000));
        let renewal = p.iter().find(|t| t.kind == OppKind::Renewal).unwrap();
        assert_eq!(renewal.weighted_cents, 45_000);
        assert_eq!(p.iter().find(|t| t.kind == OppKind::CrossSell).unwrap().count, 0);
    }

    #[test]
    fn the_next_renewal_is_the_soonest_contract_still_running() {
        let contracts = [contract(400), contract(90), contract(-1)];
        let next = next_renewal(&contracts, today()).unwrap();
        assert_eq!((next.contract_id, next.days_left), (contracts[1].id, 90));
    }
}
