//! Deterministic demo books: a realistic account executive's book of business at any size,
//! made from a seed. The same seed, size and clock give the same content (ids aside, which are
//! made at write time).
//!
//! Everything is written through the public write path ([`App::batch`]), so the outbox, the
//! search index and the derived lookups hold the demo book exactly as if it had been typed in.
//!
//! ```no_run
//! # fn main() -> rapport_core::Result<()> {
//! # let app: rapport_core::App = todo!();
//! use rapport_core::demo::{generate, DemoSize};
//! let stats = generate(&app, &DemoSize::tiny(), 42, |_rows| {})?;
//! println!("{} records", stats.rows);
//! # Ok(()) }
//! ```

mod plan;
mod prose;
mod rng;
mod words;

use crate::app::{App, Batch};
use crate::domain::*;
use crate::error::{Error, Result};
use plan::{Env, Plan};
use std::collections::BTreeMap;

/// How big a demo book is. Counts of contacts and notes are exact in total (they vary per
/// account around the average); the other kinds are averages per account.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSize {
    pub accounts: u64,
    pub contacts_per_account: u32,
    pub notes_per_account: u32,
    pub opportunities_per_account: f64,
    pub meetings_per_account: f64,
    pub tasks_per_account: f64,
    pub reminders_per_account: f64,
    pub objections_per_account: f64,
    pub gifts_per_account: f64,
    /// How many of the first accounts have a meeting today.
    pub meetings_today: u32,
    /// About how many records each write transaction holds.
    pub batch_rows: usize,
}

impl DemoSize {
    /// About 20 accounts with every kind of record and every case the views show: for the
    /// app's `--demo` and for tests.
    pub fn tiny() -> DemoSize {
        DemoSize {
            accounts: 20,
            contacts_per_account: 4,
            notes_per_account: 6,
            opportunities_per_account: 1.5,
            meetings_per_account: 1.0,
            tasks_per_account: 1.5,
            reminders_per_account: 0.5,
            objections_per_account: 0.6,
            gifts_per_account: 0.5,
            meetings_today: 4,
            batch_rows: 10_000,
        }
    }

    /// 1,000 accounts, 5,000 contacts, 20,000 notes.
    pub fn small() -> DemoSize {
        DemoSize { accounts: 1_000, ..DemoSize::large() }
    }

    /// 100,000 accounts, 500,000 contacts, 2,000,000 notes.
    pub fn large() -> DemoSize {
        DemoSize {
            accounts: 100_000,
            contacts_per_account: 5,
            notes_per_account: 20,
            opportunities_per_account: 1.5,
            meetings_per_account: 0.5,
            tasks_per_account: 1.0,
            reminders_per_account: 0.2,
            objections_per_account: 0.3,
            gifts_per_account: 0.2,
            meetings_today: 6,
            batch_rows: 50_000,
        }
    }

    /// 10,000 accounts, 50,000 contacts, 200,000 notes.
    pub fn medium() -> DemoSize {
        DemoSize { accounts: 10_000, ..DemoSize::large() }
    }

    /// `tiny`, `small`, `medium` or `large`.
    pub fn named(name: &str) -> Option<DemoSize> {
        match name {
            "tiny" => Some(DemoSize::tiny()),
            "small" => Some(DemoSize::small()),
            "medium" => Some(DemoSize::medium()),
            "large" => Some(DemoSize::large()),
            _ => None,
        }
    }
}

/// What a generation wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoStats {
    /// All records written.
    pub rows: u64,
    pub by_kind: BTreeMap<EntityKind, u64>,
}

impl DemoStats {
    fn add(&mut self, kind: EntityKind, n: usize) {
        if n > 0 {
            *self.by_kind.entry(kind).or_default() += n as u64;
            self.rows += n as u64;
        }
    }

    fn add_plan(&mut self, p: &Plan) {
        self.add(EntityKind::Account, 1);
        self.add(EntityKind::Contact, p.contacts.len());
        self.add(EntityKind::Meeting, p.meetings.len());
        self.add(EntityKind::Note, p.notes.len());
        self.add(EntityKind::Holding, p.holdings.len());
        self.add(EntityKind::Opportunity, p.opportunities.len());
        self.add(EntityKind::Contract, p.contracts.len());
        self.add(EntityKind::Task, p.tasks.len());
        self.add(EntityKind::Reminder, p.reminders.len());
        self.add(EntityKind::Objection, p.objections.len());
        self.add(EntityKind::Gift, p.gifts.len());
    }
}

/// Ids of what was written so far, for references to earlier records.
struct Written {
    accounts: Vec<Id>,
    products: Vec<Id>,
}

/// Writes a demo book of `size` into `app`, drawn from `seed`, dated around the app's clock.
/// Records go in transactions of about `size.batch_rows`; `progress` hears the running total
/// after each. Plans are drawn on a second thread while the first writes.
pub fn generate(app: &App, size: &DemoSize, seed: u64, mut progress: impl FnMut(u64)) -> Result<DemoStats> {
    let now = app.now();
    let zone = app.clock().local_zone();
    let env = Env {
        seed,
        now,
        today: now.with_timezone(&zone).date_naive(),
        zone,
        settings: app.settings(),
        products: plan::CATALOG.iter().map(|p| (p.0.to_string(), p.2.to_string())).collect(),
    };
    let mut stats = DemoStats::default();
    let mut written = Written { accounts: Vec::with_capacity(size.accounts as usize), products: Vec::new() };

    app.batch(|b| {
        for (name, sku, category, price) in plan::CATALOG {
            let id = b.create(Product {
                name: name.into(),
                sku: Some(sku.into()),
                category: Some(category.into()),
                list_price_cents: Some(price),
                currency: "USD".into(),
                active: true,
            })?;
            written.products.push(id);
        }
        for (k, (name, start, end)) in plan::quarters(env.today, env.settings.fiscal_year_start_month).into_iter().enumerate() {
            let target = (size.accounts as i64).max(10) * 2_000_000;
            b.create(Quota {
                name,
                period_start: Some(start),
                period_end: Some(end),
                target_cents: if k == 0 { target } else { target * 9 / 10 },
                currency: "USD".into(),
            })?;
        }
        Ok(())
    })?;
    stats.add(EntityKind::Product, plan::CATALOG.len());
    stats.add(EntityKind::Quota, 2);
    progress(stats.rows);

    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Plan>>(4);
        let env = &env;
        scope.spawn(move || {
            let mut batch = Vec::new();
            let mut rows = 0;
            for i in 0..size.accounts {
                let p = plan::plan(env, size, i);
                rows += p.rows() as usize;
                batch.push(p);
                if rows >= size.batch_rows.max(1) {
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return; // the writer stopped (an error): nothing more to do
                    }
                    rows = 0;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        for plans in rx {
            app.batch(|b| plans.into_iter().try_for_each(|p| {
                stats.add_plan(&p);
                write_plan(b, p, &mut written)
            }))?;
            progress(stats.rows);
        }
        Ok(())
    })?;
    if written.accounts.len() as u64 != size.accounts {
        return Err(Error::Storage("the demo generator stopped early".into()));
    }
    Ok(stats)
}

fn pick(ids: &[Id], ix: usize) -> Result<Id> {
    ids.get(ix).copied().ok_or_else(|| Error::Storage(format!("demo plan refers to a missing record #{ix}")))
}

fn pick_all(ids: &[Id], ixs: &[usize]) -> Result<Vec<Id>> {
    ixs.iter().map(|&i| pick(ids, i)).collect()
}

fn write_plan(b: &mut Batch<'_, '_>, p: Plan, w: &mut Written) -> Result<()> {
    let mut account = p.account;
    account.parent_id = p.parent.map(|ix| pick(&w.accounts, ix as usize)).transpose()?;
    let aid = b.create(account)?;
    w.accounts.push(aid);
    let a = Some(aid);

    let mut contacts = Vec::with_capacity(p.contacts.len());
    for (mut c, boss) in p.contacts {
        c.account_id = a;
        c.reports_to = boss.map(|ix| pick(&contacts, ix)).transpose()?;
        contacts.push(b.create(c)?);
    }
    let mut meetings = Vec::with_capacity(p.meetings.len());
    for (mut m, who) in p.meetings {
        m.account_id = a;
        m.attendee_ids = pick_all(&contacts, &who)?;
        meetings.push(b.create(m)?);
    }
    for (mut n, who, meeting) in p.notes {
        n.account_id = a;
        n.contact_ids = pick_all(&contacts, &who)?;
        n.meeting_id = meeting.map(|ix| pick(&meetings, ix)).transpose()?;
        b.create(n)?;
    }
    for (mut h, product) in p.holdings {
        h.account_id = a;
        h.product_id = Some(pick(&w.products, product)?);
        b.create(h)?;
    }
    let mut opps = Vec::with_capacity(p.opportunities.len());
    for (mut o, products) in p.opportunities {
        o.account_id = a;
        o.product_ids = pick_all(&w.products, &products)?;
        opps.push(b.create(o)?);
    }
    for (mut c, products) in p.contracts {
        c.account_id = a;
        c.product_ids = pick_all(&w.products, &products)?;
        b.create(c)?;
    }
    for (mut t, contact, opp) in p.tasks {
        t.account_id = a;
        t.contact_id = contact.map(|ix| pick(&contacts, ix)).transpose()?;
        t.opportunity_id = opp.map(|ix| pick(&opps, ix)).transpose()?;
        b.create(t)?;
    }
    for mut r in p.reminders {
        r.about_id = a;
        b.create(r)?;
    }
    for (mut o, contact, opp) in p.objections {
        o.account_id = a;
        o.contact_id = contact.map(|ix| pick(&contacts, ix)).transpose()?;
        o.opportunity_id = opp.map(|ix| pick(&opps, ix)).transpose()?;
        b.create(o)?;
    }
    for (mut g, to) in p.gifts {
        g.recipient_id = Some(pick(&contacts, to)?);
        b.create(g)?;
    }
    Ok(())
}

/// `n` search queries a user of a demo book might type, drawn from `seed`: common words
/// ("pricing"), rare ones (a codename), one to three words, some cut short as if still typing.
pub fn sample_queries(seed: u64, n: usize) -> Vec<String> {
    const COMMON: [&str; 24] = [
        "pricing", "security", "review", "renewal", "procurement", "rollout", "budget", "integration", "legal",
        "headcount", "discount", "pilot", "quote", "seats", "roadmap", "support", "competitor", "approval", "CFO",
        "questionnaire", "onboarding", "adoption", "contract", "usage",
    ];
    let mut rng = rng::Rng::new(seed, u64::MAX);
    (0..n)
        .map(|k| {
            let words = 1 + (k % 3);
            let mut q: Vec<String> = Vec::with_capacity(words);
            for _ in 0..words {
                let w = match rng.below(10) {
                    0..=4 => rng.pick(&COMMON).to_string(),
                    5 => rng.pick(&words::CODE_ANIMAL).to_string(),
                    6 => rng.pick(&words::SYSTEMS).to_string(),
                    7 => rng.pick(&words::CITIES).to_string(),
                    8 => format!("{}{}", rng.pick(&words::NAME_PREFIX), rng.pick(&words::NAME_ROOT)),
                    _ => rng.pick(&words::COMPETITORS).to_string(),
                };
                q.push(w);
            }
            if rng.chance(0.3) {
                if let Some(last) = q.last_mut() {
                    let keep = last.chars().count().clamp(3, 5);
                    *last = last.chars().take(keep).collect();
                }
            }
            q.join(" ")
        })
        .collect()
}
