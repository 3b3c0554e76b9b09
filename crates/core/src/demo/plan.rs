//! One account's worth of demo records, drawn from the account's own random stream. References
//! between records are indices into the plan (contact 0, meeting 2...); the writer turns them
//! into ids as it creates the records in order.

use super::prose::{self, Ctx};
use super::rng::Rng;
use super::words::*;
use super::DemoSize;
use crate::domain::*;
use crate::settings::{Settings, StageOutcome};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

/// What every account's plan is drawn against.
pub(crate) struct Env {
    pub seed: u64,
    pub now: DateTime<Utc>,
    /// The AE's today, in the laptop's zone.
    pub today: NaiveDate,
    pub zone: chrono_tz::Tz,
    pub settings: Settings,
    /// `(name, category)` of the catalog, in creation order.
    pub products: Vec<(String, String)>,
}

#[derive(Default)]
pub(crate) struct Plan {
    pub account: Account,
    /// An earlier account this one is a subsidiary of.
    pub parent: Option<u64>,
    /// Each contact with the index of the contact it reports to.
    pub contacts: Vec<(Contact, Option<usize>)>,
    /// Each meeting with its attendees.
    pub meetings: Vec<(Meeting, Vec<usize>)>,
    /// Each note with the contacts present and the meeting it records.
    pub notes: Vec<(Note, Vec<usize>, Option<usize>)>,
    /// Each holding with its product's index in the catalog.
    pub holdings: Vec<(Holding, usize)>,
    pub opportunities: Vec<(Opportunity, Vec<usize>)>,
    pub contracts: Vec<(Contract, Vec<usize>)>,
    /// Each task with its contact and opportunity.
    pub tasks: Vec<(Task, Option<usize>, Option<usize>)>,
    /// About the account itself.
    pub reminders: Vec<Reminder>,
    pub objections: Vec<(Objection, Option<usize>, Option<usize>)>,
    /// Each gift with its recipient.
    pub gifts: Vec<(Gift, usize)>,
}

impl Plan {
    pub fn rows(&self) -> u64 {
        (1 + self.contacts.len()
            + self.meetings.len()
            + self.notes.len()
            + self.holdings.len()
            + self.opportunities.len()
            + self.contracts.len()
            + self.tasks.len()
            + self.reminders.len()
            + self.objections.len()
            + self.gifts.len()) as u64
    }
}

const NAME_SPACE: u64 = (NAME_PREFIX.len() * NAME_ROOT.len() * SECTORS.len() * FORMS.len()) as u64;

/// `(prefix, root, sector, form)` of account `i`: a bijection on `0..NAME_SPACE`, so the first
/// 1.9 million accounts of a book all have different names.
fn name_parts(seed: u64, i: u64) -> (usize, usize, usize, usize) {
    let mut j = ((i as u128 * 1_000_003 + (seed % NAME_SPACE) as u128) % NAME_SPACE as u128) as u64;
    let p = (j % NAME_PREFIX.len() as u64) as usize;
    j /= NAME_PREFIX.len() as u64;
    let r = (j % NAME_ROOT.len() as u64) as usize;
    j /= NAME_ROOT.len() as u64;
    let s = (j % SECTORS.len() as u64) as usize;
    j /= SECTORS.len() as u64;
    (p, r, s, j as usize)
}

/// How many of something account `i` gets, varying around `avg` while every pair of accounts
/// sums to exactly `2 * avg`, so a book's totals are exact.
pub(crate) fn paired_count(seed: u64, salt: u64, i: u64, accounts: u64, avg: u32) -> usize {
    if avg == 0 {
        return 0;
    }
    if accounts % 2 == 1 && i == accounts - 1 {
        return avg as usize;
    }
    let d = Rng::new(seed ^ salt, i / 2).below(avg as u64) as usize;
    if i & 1 == 0 {
        avg as usize + d
    } else {
        avg as usize - d
    }
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// A time of day in `zone` on `date`, as an instant.
fn at(zone: chrono_tz::Tz, date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = date.and_hms_opt(hour, minute, 0).unwrap_or_default();
    // A time in a DST gap is taken an hour later.
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| zone.from_local_datetime(&(local + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

pub(crate) fn plan(env: &Env, size: &DemoSize, i: u64) -> Plan {
    let mut rng = Rng::new(env.seed, i);
    let mut p = Plan::default();
    let (pi, ri, si, fi) = name_parts(env.seed, i);
    let short = format!("{}{}", NAME_PREFIX[pi], NAME_ROOT[ri]);
    let (sector, industry) = SECTORS[si];
    let (form, tld) = FORMS[fi];
    let name = if form.is_empty() { format!("{short} {sector}") } else { format!("{short} {sector} {form}") };
    let domain = format!("{}{}.{}", short.to_lowercase(), sector.to_lowercase(), tld);
    let region_weights: Vec<(usize, u32)> = REGIONS.iter().enumerate().map(|(k, r)| (k, r.2)).collect();
    let (tz_name, phone_prefix, _) = REGIONS[*rng.weighted(&region_weights)];
    let account_zone: chrono_tz::Tz = tz_name.parse().unwrap_or(chrono_tz::UTC);
    // The first accounts are shaped so that even a tiny book shows every case.
    let tier = if i < 3 { Tier::A } else { *rng.weighted(&[(Tier::A, 12), (Tier::B, 30), (Tier::C, 58)]) };
    use Lifecycle::*;
    const FIRST: [Lifecycle; 6] = [Customer, Customer, Prospect, Customer, Churned, Prospect];
    let lifecycle = if (i as usize) < FIRST.len() {
        FIRST[i as usize]
    } else {
        *rng.weighted(&[(Customer, 45), (Prospect, 45), (Churned, 10)])
    };
    let value = match tier {
        Tier::A => rng.range(250, 2_000),
        Tier::B => rng.range(50, 400),
        Tier::C => rng.range(5, 80),
    } * 100_000;
    let competitors: Vec<String> = {
        let n = rng.range(0, 2) as usize;
        rng.distinct(COMPETITORS.len(), n).into_iter().map(|k| COMPETITORS[k].to_string()).collect()
    };
    let tags: Vec<String> = {
        let n = *rng.weighted(&[(0usize, 40), (1, 35), (2, 18), (3, 7)]);
        rng.distinct(TAGS.len(), n).into_iter().map(|k| TAGS[k].to_string()).collect()
    };
    p.account = Account {
        name,
        domain: Some(domain.clone()),
        industry: Some(industry.to_string()),
        tier,
        lifecycle,
        owner: Some(rng.pick(&OWNERS).to_string()),
        annual_value_cents: match lifecycle {
            Customer => Some(value),
            _ if rng.chance(0.5) => Some(value),
            _ => None,
        },
        currency: "USD".into(),
        timezone: Some(tz_name.to_string()),
        cadence_days: if rng.chance(0.15) { Some(*rng.pick(&[7, 21, 45, 60])) } else { None },
        competitors: competitors.clone(),
        tags,
        parent_id: None,
        source_ref: None,
    };
    if i > 10 && rng.chance(0.02) {
        p.parent = Some(rng.below(i));
    }

    // Stakeholders: an org chart of up to three levels.
    let n_contacts = paired_count(env.seed, 0xC0, i, size.accounts, size.contacts_per_account);
    let mut people: Vec<(String, String)> = Vec::with_capacity(n_contacts);
    for j in 0..n_contacts {
        let level = if j == 0 { 0 } else if j <= 2 { 1 } else { 2 };
        let first = rng.word(&FIRST_NAMES);
        let last = rng.word(&LAST_NAMES);
        let title = rng.pick(TITLES[level]).to_string();
        let reports_to = match level {
            0 => None,
            1 => Some(0),
            _ => Some(rng.range(1, 2) as usize),
        };
        let role = match j {
            0 => Some(BuyingRole::EconomicBuyer),
            1 if rng.chance(0.6) => Some(BuyingRole::Champion),
            _ => *rng.weighted(&[
                (Some(BuyingRole::DecisionMaker), 15),
                (Some(BuyingRole::Champion), 10),
                (Some(BuyingRole::Influencer), 25),
                (Some(BuyingRole::User), 25),
                (Some(BuyingRole::Blocker), 7),
                (None, 18),
            ]),
        };
        let personal_notes = if rng.chance(0.6) {
            let mut s = String::new();
            let ctx = Ctx { account: &short, people: &[], products: &[], competitor: "", code: "" };
            s.push_str(first);
            s.push(' ');
            prose::fill(&mut s, rng.word(&HOBBIES), &ctx, &mut rng);
            s.push_str(". ");
            prose::fill(&mut s, rng.word(&FAMILY), &ctx, &mut rng);
            s
        } else {
            String::new()
        };
        let contact = Contact {
            account_id: None,
            first_name: first.into(),
            last_name: last.into(),
            title: Some(title.clone()),
            email: if rng.chance(0.9) { Some(format!("{}.{}@{}", ascii(first), ascii(last), domain)) } else { None },
            phone: if rng.chance(0.7) {
                Some(format!("{phone_prefix} {:03} {:04}", rng.range(200, 999), rng.range(0, 9999)))
            } else {
                None
            },
            linkedin_url: if rng.chance(0.5) {
                Some(format!("https://www.linkedin.com/in/{}-{}-{:04x}", ascii(first), ascii(last), rng.below(0x10000)))
            } else {
                None
            },
            reports_to: None,
            buying_role: role,
            comm_preference: *rng.weighted(&[
                (Some(CommPreference::Email), 35),
                (Some(CommPreference::Phone), 15),
                (Some(CommPreference::Text), 10),
                (Some(CommPreference::Video), 15),
                (Some(CommPreference::InPerson), 5),
                (None, 20),
            ]),
            personal_notes,
            birthday: if rng.chance(0.4) {
                NaiveDate::from_ymd_opt(rng.range(1960, 1998) as i32, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
            } else {
                None
            },
            source_ref: None,
        };
        people.push((first.to_string(), title));
        p.contacts.push((contact, reports_to));
    }

    let code = format!("Project {} {}", rng.pick(&CODE_ADJ), rng.pick(&CODE_ANIMAL));
    let competitor = competitors.first().cloned().unwrap_or_else(|| rng.pick(&COMPETITORS).to_string());
    let n_products = env.products.len();

    // Holdings and the contract of a customer.
    let held: Vec<usize> = if lifecycle == Customer && n_products > 0 {
        let n = rng.range(1, 4) as usize;
        rng.distinct(n_products, n)
    } else {
        Vec::new()
    };
    let tier_names = ["Standard", "Professional", "Enterprise"];
    for &k in &held {
        let holding = Holding {
            account_id: None,
            product_id: None,
            seats: Some(rng.range(1, 60) * 10),
            tier: Some(rng.pick(&tier_names).to_string()),
            since: Some(env.today - days(rng.range(60, 1_400))),
        };
        p.holdings.push((holding, k));
    }
    let mut contract_end = None;
    if lifecycle == Customer {
        let end_in = match i {
            0 => 30,
            1 => 95,
            _ if rng.chance(0.2) => rng.range(0, 120),
            _ if rng.chance(0.05) => rng.range(-30, -1),
            _ => rng.range(121, 700),
        };
        let end = env.today + days(end_in);
        let months = *rng.pick(&[12u32, 24, 36]);
        let start = end.checked_sub_months(chrono::Months::new(months)).unwrap_or(end - days(365));
        contract_end = Some(end);
        let contract = Contract {
            account_id: None,
            name: format!("{short} subscription {}", start.year()),
            product_ids: Vec::new(),
            value_cents: value,
            currency: "USD".into(),
            start_date: Some(start),
            end_date: Some(end),
            notice_days: *rng.pick(&[30, 60, 90]),
            auto_renew: rng.chance(0.4),
        };
        p.contracts.push((contract, held.clone()));
    }

    let product_names: Vec<String> = if held.is_empty() {
        let n = n_products.min(2);
        rng.distinct(n_products, n).into_iter().map(|k| env.products[k].0.clone()).collect()
    } else {
        held.iter().map(|&k| env.products[k].0.clone()).collect()
    };
    let ctx = Ctx { account: &short, people: &people, products: &product_names, competitor: &competitor, code: &code };

    // Opportunities, across the configured pipeline.
    let stages = &env.settings.stages;
    let stage_weights: Vec<(usize, u32)> = stages
        .iter()
        .enumerate()
        .map(|(k, s)| (k, match s.outcome { StageOutcome::Open => 15, _ => 12 }))
        .collect();
    let mut n_opps = rng.count(size.opportunities_per_account);
    if i < 12 {
        n_opps = n_opps.max(1);
    }
    for k in 0..n_opps {
        let stage_ix = if k == 0 && i < 12 { i as usize % stages.len().max(1) } else { *rng.weighted(&stage_weights) };
        let Some(stage) = stages.get(stage_ix) else { break };
        let kind = match lifecycle {
            Customer if k == 0 && i < 12 => [OppKind::Upsell, OppKind::CrossSell, OppKind::Renewal][(i as usize / 2) % 3],
            Customer if contract_end.is_some_and(|e| e < env.today + days(180)) && rng.chance(0.5) => OppKind::Renewal,
            Customer => *rng.pick(&[OppKind::Upsell, OppKind::CrossSell, OppKind::Renewal]),
            _ => OppKind::NewBusiness,
        };
        let products: Vec<usize> = match kind {
            OppKind::Renewal => held.clone(),
            OppKind::Upsell if !held.is_empty() => vec![held[rng.below(held.len() as u64) as usize]],
            _ => {
                let free: Vec<usize> = (0..n_products).filter(|x| !held.contains(x)).collect();
                let n = rng.range(1, 2) as usize;
                rng.distinct(free.len(), n).into_iter().map(|x| free[x]).collect()
            }
        };
        let product = products.first().map(|&x| env.products[x].0.as_str()).unwrap_or("Platform");
        let label = match kind {
            OppKind::NewBusiness => "new logo".to_string(),
            OppKind::Upsell => "expansion".to_string(),
            OppKind::CrossSell => "cross-sell".to_string(),
            OppKind::Renewal => format!("renewal {}", contract_end.map(|e| e.year()).unwrap_or(env.today.year())),
        };
        let open = stage.outcome == StageOutcome::Open;
        let close = if open {
            env.today + days(if rng.chance(0.05) { rng.range(-20, -1) } else { rng.range(5, 150) })
        } else {
            env.today - days(rng.range(1, 300))
        };
        let text = |t: &str, rng: &mut Rng| {
            let mut s = String::new();
            prose::fill(&mut s, t, &ctx, rng);
            s
        };
        let opp = Opportunity {
            account_id: None,
            name: format!("{short} — {product} {label}"),
            kind,
            product_ids: Vec::new(),
            amount_cents: match kind {
                OppKind::Renewal => value,
                _ => value / rng.range(2, 8),
            },
            currency: "USD".into(),
            stage: stage.name.clone(),
            probability: if rng.chance(0.2) { Some((stage.probability + rng.range(-10, 10)).clamp(0, 100)) } else { None },
            close_date: Some(close),
            next_step: if open { Some(text(rng.word(&prose::NEXT_STEPS), &mut rng)) } else { None },
            competitor: if rng.chance(0.4) { Some(competitor.clone()) } else { None },
            lost_reason: if stage.outcome == StageOutcome::Lost { Some(text(rng.word(&prose::LOST_REASONS), &mut rng)) } else { None },
            stage_changed_at: None,
            source_ref: None,
        };
        p.opportunities.push((opp, products));
    }

    // Meetings: past ones (recorded by a note below), upcoming ones, and some today.
    let attendees = |rng: &mut Rng| {
        let n = rng.range(1, 3) as usize;
        rng.distinct(n_contacts, n)
    };
    let mut n_meetings = rng.count(size.meetings_per_account);
    let today_slot = (i < size.meetings_today as u64).then_some(i);
    if today_slot.is_some() {
        n_meetings += 1;
    }
    let mut past_meetings = Vec::new();
    for k in 0..n_meetings {
        let starts = match today_slot {
            Some(slot) if k == 0 => {
                let (h, m) = [(9, 0), (11, 30), (14, 0), (16, 30), (10, 0), (15, 0)][slot as usize % 6];
                at(env.zone, env.today, h, m)
            }
            _ => {
                let d = if rng.chance(0.5) { rng.range(-60, -1) } else { rng.range(1, 21) };
                at(account_zone, env.today + days(d), rng.range(8, 16) as u32, *rng.pick(&[0, 30]))
            }
        };
        let (purpose, goal) = *rng.pick(&prose::MEETING_PURPOSES);
        let mut agenda = String::from("1. Introductions and goals\n");
        let topics = rng.distinct(prose::TOPICS.len(), 3);
        for (n, t) in topics.into_iter().enumerate() {
            agenda.push_str(&format!("{}. {}\n", n + 2, prose::TOPICS[t].0));
        }
        agenda.push_str("5. Next steps and owners\n");
        let in_person = rng.chance(0.2);
        let meeting = Meeting {
            title: format!("{short}: {purpose}"),
            starts_at: starts,
            ends_at: starts + Duration::minutes(*rng.pick(&[30, 45, 60])),
            timezone: tz_name.to_string(),
            location: if in_person { Some(format!("On site, {}", rng.pick(&CITIES))) } else { None },
            link: if in_person {
                None
            } else if rng.chance(0.6) {
                Some(format!("https://zoom.us/j/{}", rng.range(1_000_000_000, 9_999_999_999)))
            } else {
                Some(format!("https://teams.microsoft.com/l/meetup-join/{:016x}", rng.next_u64()))
            },
            account_id: None,
            attendee_ids: Vec::new(),
            goal: Some(goal.to_string()),
            agenda,
            source_ref: None,
        };
        if starts < env.now && today_slot.is_none_or(|_| k > 0) {
            past_meetings.push(k);
        }
        p.meetings.push((meeting, attendees(&mut rng)));
    }

    // Notes and interactions; the first ones record the past meetings.
    let n_notes = paired_count(env.seed, 0x40, i, size.accounts, size.notes_per_account);
    for k in 0..n_notes {
        let meeting = past_meetings.get(k).copied();
        let kind = match meeting {
            Some(_) => NoteKind::Meeting,
            None => *rng.weighted(&[(NoteKind::Call, 30), (NoteKind::Meeting, 30), (NoteKind::Email, 25), (NoteKind::Note, 15)]),
        };
        let occurred = match meeting {
            Some(m) => p.meetings[m].0.ends_at,
            None => {
                let u = rng.unit();
                env.now - Duration::minutes((u * u * 540.0 * 24.0 * 60.0) as i64 + rng.range(5, 600))
            }
        };
        let target = prose::note_length(&mut rng);
        let (title, body) = prose::note_text(kind, target, &ctx, &mut rng);
        let present = match meeting {
            Some(m) => p.meetings[m].1.clone(),
            None if n_contacts > 0 && rng.chance(0.7) => attendees(&mut rng),
            None => Vec::new(),
        };
        let next_steps = if rng.chance(0.4) {
            let mut s = String::new();
            prose::fill(&mut s, rng.word(&prose::NEXT_STEPS), &ctx, &mut rng);
            Some(s)
        } else {
            None
        };
        let note = Note {
            kind,
            occurred_at: occurred,
            account_id: None,
            contact_ids: Vec::new(),
            title,
            body,
            outcome: if rng.chance(0.5) { Some(rng.pick(&prose::OUTCOMES).to_string()) } else { None },
            next_steps,
            pinned: (i < 3 && k == 0) || rng.chance(0.02),
            meeting_id: None,
        };
        p.notes.push((note, present, meeting));
    }

    // Tasks, some overdue.
    let mut n_tasks = rng.count(size.tasks_per_account);
    if i < 2 {
        n_tasks = n_tasks.max(1);
    }
    for k in 0..n_tasks {
        let due = if i < 2 && k == 0 { -3 - i as i64 } else { rng.range(-20, 30) };
        let mut title = String::new();
        prose::fill(&mut title, rng.word(&prose::TASKS), &ctx, &mut rng);
        let contact = (n_contacts > 0 && rng.chance(0.6)).then(|| rng.below(n_contacts as u64) as usize);
        let opp = (!p.opportunities.is_empty() && rng.chance(0.5)).then(|| rng.below(p.opportunities.len() as u64) as usize);
        let task = Task {
            title,
            due_date: Some(env.today + days(due)),
            priority: *rng.weighted(&[(Priority::Low, 20), (Priority::Normal, 55), (Priority::High, 25)]),
            done: due < 0 && !(i < 2 && k == 0) && rng.chance(0.5),
            ..Default::default()
        };
        p.tasks.push((task, contact, opp));
    }

    // Reminders: keep-in-touch for A accounts, and one-off ones.
    let mut n_reminders = rng.count(size.reminders_per_account);
    let keep_in_touch = tier == Tier::A;
    if keep_in_touch {
        n_reminders += 1;
    }
    for k in 0..n_reminders {
        let day = env.today + days(rng.range(-3, 14));
        let recurring = keep_in_touch && k == 0;
        let title = if recurring { format!("Keep in touch with {short}") } else { format!("Check in on {short}: {}", prose::TOPICS[rng.below(prose::TOPICS.len() as u64) as usize].0.to_lowercase()) };
        p.reminders.push(Reminder {
            title,
            due_local: day.and_hms_opt(*rng.pick(&[9, 10, 14]), 0, 0),
            timezone: if rng.chance(0.2) { Some(tz_name.to_string()) } else { None },
            about_kind: Some(EntityKind::Account),
            about_id: None,
            snoozed_until: None,
            done: false,
            recurrence_days: if recurring { Some(account_cadence(&p.account, &env.settings)) } else { None },
        });
    }

    // Objections met and how they were answered.
    for _ in 0..rng.count(size.objections_per_account) {
        let (category, statement, response) = *rng.pick(&prose::OBJECTIONS);
        let mut s = String::new();
        prose::fill(&mut s, statement, &ctx, &mut rng);
        let mut r = String::new();
        prose::fill(&mut r, response, &ctx, &mut rng);
        let contact = (n_contacts > 0).then(|| rng.below(n_contacts as u64) as usize);
        let opp = (!p.opportunities.is_empty() && rng.chance(0.6)).then(|| rng.below(p.opportunities.len() as u64) as usize);
        let objection = Objection {
            statement: s,
            category,
            response: r,
            account_id: None,
            contact_id: None,
            opportunity_id: None,
            raised_on: Some(env.today - days(rng.range(1, 200))),
            outcome: if rng.chance(0.7) { Some(rng.pick(&prose::OBJECTION_OUTCOMES).to_string()) } else { None },
        };
        p.objections.push((objection, contact, opp));
    }

    // Gifts this year: the first accounts' champions are near and over the cap.
    if n_contacts > 0 {
        let cap = env.settings.gift_cap_cents;
        let year_day = env.today.ordinal0() as i64;
        let mut gift = |desc: &str, kind: GiftKind, value: i64, rng: &mut Rng| {
            let g = Gift {
                date: Some(env.today - days(rng.range(0, year_day))),
                recipient_id: None,
                kind,
                description: desc.to_string(),
                value_cents: value,
                currency: "USD".into(),
            };
            let to = if n_contacts > 1 { 1 } else { 0 };
            p.gifts.push((g, to));
        };
        match i {
            0 => {
                gift("Holiday gift basket", GiftKind::Gift, cap * 3 / 5, &mut rng);
                gift("Concert tickets", GiftKind::Gift, cap * 11 / 20, &mut rng);
            }
            1 => gift("Noise-cancelling earbuds", GiftKind::Gift, cap - 500, &mut rng),
            _ => {}
        }
        for _ in 0..rng.count(size.gifts_per_account) {
            let (desc, lo, hi, kind) = if rng.chance(0.8) {
                let g = rng.pick(&GIFTS);
                (g.0, g.1, g.2, GiftKind::Gift)
            } else {
                let g = rng.pick(&ENTERTAINMENT);
                (g.0, g.1, g.2, GiftKind::Entertainment)
            };
            let v = rng.range(lo / 100, hi / 100) * 100;
            gift(desc, kind, v, &mut rng);
        }
        let n = p.gifts.len();
        for k in 0..n {
            if rng.chance(0.5) {
                p.gifts[k].1 = rng.below(n_contacts as u64) as usize;
            }
        }
    }
    p
}

fn account_cadence(a: &Account, settings: &Settings) -> i64 {
    a.cadence_days.unwrap_or_else(|| settings.cadence_for(a.tier))
}

/// The product catalog: `(name, sku, category, list price in cents)`.
pub(crate) const CATALOG: [(&str, &str, &str, i64); 21] = [
    ("Analytics Starter", "ANL-STR", "Analytics", 1_200_000),
    ("Analytics Pro", "ANL-PRO", "Analytics", 4_800_000),
    ("Analytics Enterprise", "ANL-ENT", "Analytics", 12_000_000),
    ("Embedded Dashboards", "ANL-EMB", "Analytics", 3_600_000),
    ("Forecasting Add-on", "ANL-FCT", "Analytics", 1_800_000),
    ("Data Platform Core", "DP-CORE", "Data Platform", 9_600_000),
    ("Streaming Ingest", "DP-STRM", "Data Platform", 4_200_000),
    ("Data Catalog", "DP-CAT", "Data Platform", 2_400_000),
    ("Lakehouse Storage", "DP-LAKE", "Data Platform", 6_000_000),
    ("Reverse ETL Connectors", "DP-RETL", "Data Platform", 1_500_000),
    ("Identity Guard", "SEC-IDG", "Security Suite", 3_000_000),
    ("Threat Detection", "SEC-THR", "Security Suite", 7_200_000),
    ("Data Loss Prevention", "SEC-DLP", "Security Suite", 4_500_000),
    ("Compliance Reporting", "SEC-CMP", "Security Suite", 2_000_000),
    ("Key Management", "SEC-KMS", "Security Suite", 1_600_000),
    ("Standard Support", "SUP-STD", "Support Plans", 0),
    ("Premium Support", "SUP-PRM", "Support Plans", 1_500_000),
    ("Enterprise Support 24/7", "SUP-ENT", "Support Plans", 4_000_000),
    ("Technical Account Manager", "SUP-TAM", "Support Plans", 6_000_000),
    ("Onboarding Package", "SVC-ONB", "Services", 2_500_000),
    ("Training Credits", "SVC-TRN", "Services", 500_000),
];

/// The current fiscal quarter containing `today` and the one before: `(name, start, end)`.
pub(crate) fn quarters(today: NaiveDate, fiscal_start_month: u32) -> Vec<(String, NaiveDate, NaiveDate)> {
    let m0 = fiscal_start_month.clamp(1, 12) as i32 - 1;
    let offset = (today.month0() as i32 - m0).rem_euclid(12);
    let q_offset = offset - offset % 3;
    let back = offset - q_offset; // months since the quarter started
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let start = first.checked_sub_months(chrono::Months::new(back as u32)).unwrap_or(first);
    let mut out = Vec::new();
    for (n, s) in [(q_offset / 3 + 1, start), ((q_offset / 3 + 3) % 4 + 1, start.checked_sub_months(chrono::Months::new(3)).unwrap_or(start))] {
        let end = s.checked_add_months(chrono::Months::new(3)).map(|e| e - days(1)).unwrap_or(s);
        out.push((format!("Q{n} {}", s.year()), s, end));
    }
    out
}
