//! The reminders engine: a tokio task that sleeps until the next due reminder, tells listeners
//! when reminders are due (`Event::RemindersDue`, one per look), and goes back to sleep.
//!
//! - It does not poll: it sleeps until the next due instant, at most [`WAKE_CAP`] (a monotonic
//!   timer does not count a suspended laptop, and the real clock does not announce a change of
//!   zone), and wakes early when reminders, contracts or accounts change or a test moves the
//!   clock.
//! - Each occurrence is announced once per laptop: firings are recorded in the local
//!   `reminder_fired` table. Reminders missed while the app was closed fire once at start.
//! - Renewal reminders are derived from contracts, not stored: 09:00 local on the days
//!   120/90/60/30 before a contract ends ([`renewal_reminders`]).

use crate::app::{App, Event};
use crate::domain::{Contract, EntityKind, Id, Record, Reminder};
use crate::error::{Error, Result};
use crate::store::query;
use crate::store::reminders as sql;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, watch, Notify};

/// Renewal reminders fire this many days before a contract ends.
pub const RENEWAL_DAYS: [i64; 4] = [120, 90, 60, 30];
/// ... at this hour, wall-clock, wherever the laptop is.
pub const RENEWAL_HOUR: u32 = 9;
/// The longest the engine sleeps without looking again.
pub const WAKE_CAP: std::time::Duration = std::time::Duration::from_secs(60 * 60);
/// After a failed check, the engine tries again this much later.
const RETRY: std::time::Duration = std::time::Duration::from_secs(60);

/// A wall-clock time is due at most this long before the same reading in UTC (UTC+14 is the
/// zone furthest ahead; a minute more for fractional seconds).
fn zone_lead() -> Duration {
    Duration::hours(14) + Duration::minutes(1)
}

/// A reminder that is due: what the shell shows as a notification and the UI as a badge.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueReminder {
    /// Stable key: the reminder's id, or `renewal:<contract id>:<days>`.
    pub key: String,
    pub title: String,
    /// When it is (or was) due, snooze included.
    pub due_at: DateTime<Utc>,
    /// What it is about (for a renewal: the contract).
    pub about_kind: Option<EntityKind>,
    pub about_id: Option<Id>,
    pub source: ReminderSource,
}

/// Where a due reminder comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReminderSource {
    /// A stored reminder (snooze or complete it by this id).
    Reminder { id: Id, recurring: bool },
    /// A contract's renewal, `days_before` days before `end_date`.
    Renewal { contract_id: Id, account_id: Id, days_before: i64, end_date: NaiveDate },
}

/// A due reminder and the occurrence it is (the key of its firing).
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    due: DueReminder,
    occurrence: i64,
}

/// The renewal reminders of a contract: 09:00 wall-clock in `zone` on each of the
/// [`RENEWAL_DAYS`] before it ends, leaving out days before the contract started.
pub fn renewal_reminders(contract: &Record<Contract>, account_name: &str, zone: Tz) -> Vec<DueReminder> {
    renewals(contract, account_name, zone).into_iter().map(|p| p.due).collect()
}

fn renewals(contract: &Record<Contract>, account_name: &str, zone: Tz) -> Vec<Pending> {
    renewal_steps(&contract.data, zone).filter_map(|step| renewal(contract, account_name, &step)).collect()
}

/// One renewal step of a contract: `days` before it ends, at 09:00 wall-clock.
struct Step {
    days: i64,
    local: NaiveDateTime,
    due_at: DateTime<Utc>,
}

/// The renewal steps of a contract in `zone`, leaving out days before it started. Cheap: the
/// reminder itself (its key and title) is only built for a step that is due.
fn renewal_steps(c: &Contract, zone: Tz) -> impl Iterator<Item = Step> + '_ {
    let nine = NaiveTime::from_hms_opt(RENEWAL_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
    RENEWAL_DAYS.iter().filter_map(move |&days| {
        let day = c.end_date? - Duration::days(days);
        if c.start_date.is_some_and(|start| day < start) {
            return None;
        }
        let local = day.and_time(nine);
        Some(Step { days, local, due_at: at_wall_clock(local, zone)? })
    })
}

/// The key a renewal step is recorded under once notified.
fn renewal_key(contract: Id, days: i64) -> String {
    format!("renewal:{contract}:{days}")
}

/// The reminder of a renewal step.
fn renewal(contract: &Record<Contract>, account_name: &str, step: &Step) -> Option<Pending> {
    let c = &contract.data;
    let (end, account_id) = (c.end_date?, c.account_id?);
    let what = match (c.name.is_empty(), account_name.is_empty()) {
        (false, false) => format!("{} ({account_name})", c.name),
        (false, true) => c.name.clone(),
        (true, _) => account_name.to_string(),
    };
    let days = step.days;
    Some(Pending {
        due: DueReminder {
            key: renewal_key(contract.id, days),
            title: format!("Renewal in {days} days: {what}"),
            due_at: step.due_at,
            about_kind: Some(EntityKind::Contract),
            about_id: Some(contract.id),
            source: ReminderSource::Renewal { contract_id: contract.id, account_id, days_before: days, end_date: end },
        },
        occurrence: sql::wall_key(step.local),
    })
}

/// The instant of a wall-clock time in `zone`, with the reminders' rules for DST gaps.
fn at_wall_clock(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    Reminder { due_local: Some(local), ..Default::default() }.due_at(zone)
}

/// A stored reminder as it stands now, given the laptop's zone for floating times.
fn pending(rec: &Record<Reminder>, zone: Tz) -> Option<Pending> {
    let r = &rec.data;
    Some(Pending {
        due: DueReminder {
            key: sql::reminder_key(&rec.id),
            title: r.title.clone(),
            due_at: r.due_at(zone)?,
            about_kind: r.about_kind,
            about_id: r.about_id,
            source: ReminderSource::Reminder { id: rec.id, recurring: r.recurrence_days.is_some() },
        },
        occurrence: sql::occurrence(r.due_local?, r.snoozed_until),
    })
}

/// What one look at the clock does.
#[derive(Debug, Default, PartialEq)]
struct Plan {
    /// Announce these, oldest first.
    fire: Vec<Pending>,
    /// Record these as notified without a word: older renewal steps of a contract whose later
    /// step is due too (after a long time closed, "renewal in 30 days" says it all).
    superseded: Vec<Pending>,
    /// The next instant something becomes due.
    next: Option<DateTime<Utc>>,
}

/// Splits not yet notified reminders into what is due at `now` and when the next one is.
fn plan(mut pending: Vec<Pending>, now: DateTime<Utc>) -> Plan {
    pending.sort_by(|a, b| (a.due.due_at, &a.due.key).cmp(&(b.due.due_at, &b.due.key)));
    let mut out = Plan::default();
    let mut renewal_at: HashMap<Id, usize> = HashMap::new();
    for p in pending {
        if p.due.due_at > now {
            out.next = Some(out.next.map_or(p.due.due_at, |n| n.min(p.due.due_at)));
            continue;
        }
        if let ReminderSource::Renewal { contract_id, .. } = p.due.source {
            if let Some(&i) = renewal_at.get(&contract_id) {
                // Sorted by time, so this step is later than the one kept so far.
                out.superseded.push(std::mem::replace(&mut out.fire[i], p));
                continue;
            }
            renewal_at.insert(contract_id, out.fire.len());
        }
        out.fire.push(p);
    }
    out.fire.sort_by(|a, b| (a.due.due_at, &a.due.key).cmp(&(b.due.due_at, &b.due.key)));
    out
}

/// When a completed keep-in-touch reminder comes back: `days` after today (in its zone), at
/// the same wall-clock time. `None` for a reminder that does not recur.
fn next_occurrence(r: &Reminder, now: DateTime<Utc>, laptop: Tz) -> Option<NaiveDateTime> {
    let (days, local) = (r.recurrence_days?, r.due_local?);
    let zone = r.timezone.as_deref().and_then(|z| z.parse::<Tz>().ok()).unwrap_or(laptop);
    let today = now.with_timezone(&zone).date_naive();
    Some((today + Duration::days(days)).and_time(local.time()))
}

/// The running engine. Dropping it (or [`ReminderEngine::stop`]) stops the task.
#[derive(Debug)]
pub struct ReminderEngine {
    task: tokio::task::JoinHandle<()>,
    /// How many looks at the clock the engine has finished.
    looks: watch::Receiver<u64>,
}

impl ReminderEngine {
    pub fn stop(self) {}

    /// Returns once the engine's first look (which announces what came due while the app was
    /// closed) is over, whether it found anything or failed. Background work that can wait
    /// runs after it rather than beside it.
    pub async fn first_look(&self) {
        let mut looks = self.looks.clone();
        let _ = looks.wait_for(|n| *n > 0).await;
    }

    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }
}

impl Drop for ReminderEngine {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl App {
    /// Starts the reminders engine on the current tokio runtime (call it from inside one, as
    /// with `tokio::spawn`). Reminders missed while the app was closed fire right away.
    pub fn start_reminders(&self) -> ReminderEngine {
        self.start_reminders_on(&tokio::runtime::Handle::current())
    }

    /// Starts the reminders engine on `rt` (for a shell whose setup runs outside the runtime).
    pub fn start_reminders_on(&self, rt: &tokio::runtime::Handle) -> ReminderEngine {
        let events = self.subscribe();
        let (looked, looks) = watch::channel(0);
        ReminderEngine { task: rt.spawn(run(self.clone(), events, looked)), looks }
    }

    /// Stored reminders that are due now and not done, oldest first (fired or not): the Today
    /// screen's list and the badge count. Renewals are not here: they show on Today from the
    /// contracts themselves and have nothing to complete.
    pub fn due_reminders(&self) -> Result<Vec<DueReminder>> {
        let clock = self.clock();
        let (now, zone) = (clock.now(), clock.local_zone());
        let recs = self.store().read(|c| sql::open_until(c, (now + zone_lead()).naive_utc()))?;
        let mut due: Vec<DueReminder> =
            recs.iter().filter_map(|r| pending(r, zone)).map(|p| p.due).filter(|d| d.due_at <= now).collect();
        due.sort_by(|a, b| (a.due_at, &a.key).cmp(&(b.due_at, &b.key)));
        Ok(due)
    }

    /// How many stored reminders are due now: the length of [`App::due_reminders`], and the
    /// Today screen's count, without reading each reminder (the badge is updated after every
    /// change to a reminder; after days away thousands are due). Counted in SQL where the
    /// wall-clock time is surely past in any zone; only the reminders near now are read.
    pub fn due_reminder_count(&self) -> Result<u64> {
        let clock = self.clock();
        let (now, zone) = (clock.now(), clock.local_zone());
        let (sure, near_due) = self.store().read(|c| crate::views::today::reminders_due_near(c, now, zone))?;
        Ok(sure + near_due.len() as u64)
    }

    /// Snoozes a reminder until `until`; it fires again then.
    pub fn snooze_reminder(&self, id: Id, until: DateTime<Utc>) -> Result<Record<Reminder>> {
        if until <= self.now() {
            return Err(Error::invalid("snoozed_until", "must be in the future"));
        }
        self.edit_reminder(id, |r| r.snoozed_until = Some(until))
    }

    /// Marks a reminder done. A keep-in-touch reminder (with `recurrence_days`) instead comes
    /// back that many days from today at the same wall-clock time, not done and not snoozed.
    pub fn complete_reminder(&self, id: Id) -> Result<Record<Reminder>> {
        let clock = self.clock();
        let (now, zone) = (clock.now(), clock.local_zone());
        self.edit_reminder(id, |r| {
            r.snoozed_until = None;
            match next_occurrence(r, now, zone) {
                Some(next) => {
                    r.due_local = Some(next);
                    r.done = false;
                }
                None => r.done = true,
            }
        })
    }

    /// Reads, changes and saves a reminder in one transaction (so a sync landing in between
    /// is not overwritten), through the normal validated write path.
    fn edit_reminder(&self, id: Id, f: impl FnOnce(&mut Reminder)) -> Result<Record<Reminder>> {
        let settings = self.settings();
        self.write(|w| {
            let current = query::get::<Reminder>(w.conn(), EntityKind::Reminder, &id)?
                .filter(|r| !r.deleted)
                .ok_or(Error::NotFound { what: EntityKind::Reminder.name() })?;
            let mut data = current.data;
            f(&mut data);
            crate::repo::update_in(w, &settings, id, data)
        })?;
        self.reminders().get(id)
    }

    /// One look at the clock: announces what is due and not yet announced on this laptop (one
    /// [`Event::RemindersDue`] for the whole look), and returns when the next reminder is due.
    fn fire_due(&self) -> Result<Option<DateTime<Utc>>> {
        let clock = self.clock();
        let (now, zone) = (clock.now(), clock.local_zone());
        let (pending, later) = self.pending_until(now, zone)?;
        let mut plan = plan(pending, now);
        plan.next = earliest(plan.next, later);
        // One transaction for the whole look: the first look after days away records thousands.
        let superseded: Vec<(&str, i64)> = plan.superseded.iter().map(|p| (p.due.key.as_str(), p.occurrence)).collect();
        let fire: Vec<(&str, i64)> = plan.fire.iter().map(|p| (p.due.key.as_str(), p.occurrence)).collect();
        let newly = sql::record_fired_all(self.store(), &superseded, &fire, now)?;
        let looked_at = superseded.len() + fire.len();
        drop((superseded, fire));
        let due: Vec<DueReminder> = plan.fire.into_iter().zip(newly).filter(|(_, new)| *new).map(|(p, _)| p.due).collect();
        if !due.is_empty() {
            tracing::debug!(count = due.len(), newest = %due[due.len() - 1].due_at, "reminders due");
            self.emit(Event::RemindersDue(due.into()));
        }
        if looked_at >= BIG_LOOK {
            // The first look after days away held thousands of reminders and wrote as many rows.
            self.store().release_memory()?;
        }
        Ok(plan.next)
    }

    /// Reminders not yet announced that are due at `now`, and the earliest renewal step after
    /// `now` (for the next look). Stored reminders are those whose wall-clock time can have come
    /// in some zone by the end of the next sleep (the plan sorts out which are due); renewal
    /// steps are those of contracts ending within the renewal window. Steps still ahead are only
    /// timed, not built or checked: on a large book they are tens of thousands at every look.
    fn pending_until(&self, now: DateTime<Utc>, zone: Tz) -> Result<(Vec<Pending>, Option<DateTime<Utc>>)> {
        let horizon = now + Duration::from_std(WAKE_CAP).unwrap_or_else(|_| Duration::hours(1));
        let upper = (horizon + zone_lead()).naive_utc();
        let today = now.with_timezone(&zone).date_naive();
        let last_end = upper.date() + Duration::days(RENEWAL_DAYS[0]);
        self.store().read(|c| {
            let mut out: Vec<Pending> = sql::unfired_until(c, upper)?.iter().filter_map(|r| pending(r, zone)).collect();
            let mut later = None;
            sql::for_each_renewing(c, today, last_end, |contract, account| {
                for step in renewal_steps(&contract.data, zone) {
                    if step.due_at > now {
                        later = earliest(later, Some(step.due_at));
                    } else if !sql::is_fired(c, &renewal_key(contract.id, step.days), sql::wall_key(step.local))? {
                        out.extend(renewal(&contract, &account, &step));
                    }
                }
                Ok(())
            })?;
            Ok((out, later))
        })
    }
}

/// A look that handled this many reminders gives back the memory it used.
const BIG_LOOK: usize = 1_000;

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Changes that can move the next due reminder.
fn matters(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::Reminder | EntityKind::Contract | EntityKind::Account)
}

async fn run(app: App, mut events: broadcast::Receiver<Event>, looked: watch::Sender<u64>) {
    // The real clock never announces a move; a Notify nobody notifies stands in for it.
    let clock_moved = app.clock().changed().unwrap_or_else(|| Arc::new(Notify::new()));
    loop {
        // Listen for a clock move before reading the clock, so a move during the check wakes us.
        let moved = clock_moved.notified();
        tokio::pin!(moved);
        moved.as_mut().enable();

        let worker = app.clone();
        let wait = match tokio::task::spawn_blocking(move || worker.fire_due()).await {
            Ok(Ok(next)) => {
                let until_next = next.and_then(|n| (n - app.now()).to_std().ok()).unwrap_or(WAKE_CAP);
                until_next.min(WAKE_CAP)
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "reminders: could not check what is due; trying again shortly");
                RETRY
            }
            Err(e) => {
                tracing::warn!(error = %e, "reminders: the check stopped; trying again shortly");
                RETRY
            }
        };
        looked.send_modify(|n| *n += 1);
        let sleep = tokio::time::sleep(wait);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut moved => break,
                _ = &mut sleep => break,
                ev = events.recv() => match ev {
                    Ok(Event::Changed { kind, .. }) if matters(kind) => break,
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                },
            }
        }
        // A burst of changes (an import, a sync) makes one look, not one per change.
        while let Ok(_) | Err(TryRecvError::Lagged(_)) = events.try_recv() {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn contract(start: &str, end: &str) -> Record<Contract> {
        Record {
            id: uuid::Uuid::now_v7(),
            space: uuid::Uuid::now_v7(),
            created_at: utc("2026-01-01T00:00:00Z"),
            updated_at: utc("2026-01-01T00:00:00Z"),
            deleted: false,
            data: Contract {
                account_id: Some(uuid::Uuid::now_v7()),
                name: "Platform".into(),
                start_date: Some(date(start)),
                end_date: Some(date(end)),
                ..Default::default()
            },
        }
    }

    fn stored(title: &str, due_at: &str) -> Pending {
        let id = uuid::Uuid::now_v7();
        Pending {
            due: DueReminder {
                key: id.to_string(),
                title: title.into(),
                due_at: utc(due_at),
                about_kind: None,
                about_id: None,
                source: ReminderSource::Reminder { id, recurring: false },
            },
            occurrence: 0,
        }
    }

    #[test]
    fn renewals_are_at_nine_local_120_90_60_30_days_before_the_end() {
        let c = contract("2026-01-01", "2027-06-30");
        let r = renewal_reminders(&c, "Acme", chrono_tz::Europe::Warsaw);
        let at: Vec<_> = r.iter().map(|d| d.due_at).collect();
        // 2027-03-02 is winter time in Warsaw (UTC+1); the rest are summer time (UTC+2).
        assert_eq!(
            at,
            [utc("2027-03-02T08:00:00Z"), utc("2027-04-01T07:00:00Z"), utc("2027-05-01T07:00:00Z"), utc("2027-05-31T07:00:00Z")]
        );
        assert_eq!(r[1].title, "Renewal in 90 days: Platform (Acme)");
        assert_eq!(r[3].key, format!("renewal:{}:30", c.id));
        assert!(matches!(r[2].source, ReminderSource::Renewal { days_before: 60, .. }));
    }

    #[test]
    fn renewal_steps_before_the_contract_started_are_left_out() {
        let c = contract("2027-04-15", "2027-06-30");
        let days: Vec<_> = renewal_reminders(&c, "Acme", chrono_tz::UTC)
            .into_iter()
            .map(|d| match d.source {
                ReminderSource::Renewal { days_before, .. } => days_before,
                ReminderSource::Reminder { .. } => 0,
            })
            .collect();
        assert_eq!(days, [60, 30]);
    }

    #[test]
    fn a_long_closed_app_announces_only_the_latest_renewal_step_of_a_contract() {
        let c = contract("2026-01-01", "2027-06-30");
        let steps = renewals(&c, "Acme", chrono_tz::UTC);
        let p = plan(steps, utc("2027-05-10T12:00:00Z"));
        assert_eq!(p.fire.len(), 1);
        assert!(matches!(p.fire[0].due.source, ReminderSource::Renewal { days_before: 60, .. }));
        assert_eq!(p.superseded.len(), 2);
        assert_eq!(p.next, Some(utc("2027-05-31T09:00:00Z")));
    }

    #[test]
    fn the_plan_fires_what_is_due_oldest_first_and_sleeps_until_the_next() {
        let now = utc("2026-11-23T09:00:00Z");
        let p = plan(
            vec![
                stored("later", "2026-11-23T11:00:00Z"),
                stored("now", "2026-11-23T09:00:00Z"),
                stored("yesterday", "2026-11-22T09:00:00Z"),
                stored("soon", "2026-11-23T09:30:00Z"),
            ],
            now,
        );
        let fired: Vec<_> = p.fire.iter().map(|f| f.due.title.as_str()).collect();
        assert_eq!(fired, ["yesterday", "now"]);
        assert_eq!(p.next, Some(utc("2026-11-23T09:30:00Z")));
        assert!(plan(Vec::new(), now).next.is_none());
    }

    #[test]
    fn a_keep_in_touch_reminder_comes_back_from_today_in_its_zone_at_the_same_time() {
        let r = Reminder {
            title: "Call Ana".into(),
            due_local: Some("2026-11-20T09:30:00".parse().unwrap()),
            recurrence_days: Some(14),
            ..Default::default()
        };
        // 23:30 UTC on the 23rd is already the 24th in Warsaw.
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 23, 30, 0).unwrap();
        assert_eq!(next_occurrence(&r, now, chrono_tz::Europe::Warsaw), Some("2026-12-08T09:30:00".parse().unwrap()));
        assert_eq!(next_occurrence(&r, now, chrono_tz::UTC), Some("2026-12-07T09:30:00".parse().unwrap()));
        let once = Reminder { recurrence_days: None, ..r };
        assert_eq!(next_occurrence(&once, now, chrono_tz::UTC), None);
    }
}
