//! The meeting brief: everything worth knowing before walking into a meeting, on one page.
//! [`MeetingBrief::to_markdown`] (in `brief_markdown.rs`) renders it for copying or printing.

use super::gifts::{gift_period, gift_total, GiftTotal};
use super::overview::{health, Health, HealthInput, ACCOUNT_LIST_LIMIT};
use super::today::cadence_of;
use super::whitespace::{suggestions_in, Suggestion};
use super::{days_between, local_date, stage_outcome, win_probability};
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::settings::{Settings, StageOutcome};
use crate::store::views::{self as sv, ContactRow, ContractRow, GiftRow, GiftSumRow, NoteRow, ObjectionRow, OppRow, TaskRow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many notes each "last touches" list shows.
pub const NOTES_SHOWN: u32 = 5;
const TASKS_SHOWN: u32 = 50;
const OBJECTIONS_SHOWN: u32 = 20;
const GIFTS_SHOWN: u32 = 20;
const SUGGESTIONS_SHOWN: u32 = 5;
/// Characters of a note's body shown in the brief.
const EXCERPT_CHARS: usize = 240;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeetingBrief {
    pub meeting: BriefMeeting,
    /// The meeting's account, or its first attendee's.
    pub account: Option<BriefAccount>,
    pub attendees: Vec<BriefAttendee>,
    /// The latest notes on the account.
    pub account_notes: Vec<BriefNote>,
    /// The latest notes involving the attendees, not already in `account_notes`.
    pub attendee_notes: Vec<BriefNote>,
    pub opportunities: Vec<BriefOpportunity>,
    pub contracts: Vec<BriefContract>,
    pub tasks: Vec<BriefTask>,
    pub objections: Vec<BriefObjection>,
    pub suggestions: Vec<Suggestion>,
    /// The day the brief was made (laptop zone), which countdowns count from.
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefMeeting {
    pub id: Id,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub link: Option<String>,
    pub location: Option<String>,
    pub goal: Option<String>,
    pub agenda: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefAccount {
    pub id: Id,
    pub name: String,
    pub tier: Tier,
    pub lifecycle: Lifecycle,
    pub industry: Option<String>,
    pub last_touch: Option<DateTime<Utc>>,
    pub health: Health,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefAttendee {
    pub id: Id,
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub buying_role: Option<BuyingRole>,
    pub comm_preference: Option<CommPreference>,
    pub personal_notes: String,
    pub last_touch: Option<DateTime<Utc>>,
    /// Gifts in the current gift period against the cap.
    pub gift_total: GiftTotal,
    pub gifts: Vec<BriefGift>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefGift {
    pub date: Option<NaiveDate>,
    pub kind: GiftKind,
    pub description: String,
    pub value_cents: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefNote {
    pub id: Id,
    pub kind: NoteKind,
    pub occurred_at: Option<DateTime<Utc>>,
    pub title: String,
    /// The start of the body, on one line.
    pub excerpt: String,
    pub outcome: Option<String>,
    pub next_steps: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefOpportunity {
    pub id: Id,
    pub name: String,
    pub kind: OppKind,
    pub stage: String,
    pub probability: i64,
    pub amount_cents: i64,
    pub currency: String,
    pub close_date: Option<NaiveDate>,
    pub next_step: Option<String>,
    pub competitor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefContract {
    pub id: Id,
    pub name: String,
    pub end_date: Option<NaiveDate>,
    /// Days until it ends.
    pub days_left: Option<i64>,
    pub value_cents: i64,
    pub currency: String,
    pub auto_renew: bool,
    pub notice_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefTask {
    pub id: Id,
    pub title: String,
    pub due_date: Option<NaiveDate>,
    pub priority: Priority,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BriefObjection {
    pub id: Id,
    pub statement: String,
    pub category: ObjectionCategory,
    /// The rehearsed response.
    pub response: String,
    /// Who raised it, when it was one of the attendees (or someone named).
    pub raised_by: Option<String>,
    pub raised_on: Option<NaiveDate>,
    pub outcome: Option<String>,
}

/// The first `max` characters of `text` on one line, with an ellipsis when cut. Markdown
/// headings and list bullets are dropped (they mean nothing inside one line).
pub fn excerpt(text: &str, max: usize) -> String {
    let marker = |w: &&str| w.chars().all(|c| c == '#') || ["-", "*", "+", ">"].contains(w);
    let line = text.split_whitespace().filter(|w| !marker(w)).collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

fn brief_note(n: NoteRow) -> BriefNote {
    BriefNote {
        id: n.id,
        kind: n.kind,
        occurred_at: n.occurred_at,
        title: n.title,
        excerpt: excerpt(&n.body_head, EXCERPT_CHARS),
        outcome: n.outcome,
        next_steps: n.next_steps,
    }
}

/// Open opportunities with their next steps, soonest close first.
pub fn open_opportunities(opps: &[OppRow], settings: &Settings) -> Vec<BriefOpportunity> {
    opps.iter()
        .filter(|o| stage_outcome(settings, &o.stage) == StageOutcome::Open)
        .map(|o| BriefOpportunity {
            id: o.id,
            name: o.name.clone(),
            kind: o.kind,
            stage: o.stage.clone(),
            probability: win_probability(settings, &o.stage, o.probability),
            amount_cents: o.amount_cents,
            currency: o.currency.clone(),
            close_date: o.close_date,
            next_step: o.next_step.clone(),
            competitor: o.competitor.clone(),
        })
        .collect()
}

fn brief_contract(c: &ContractRow, today: NaiveDate) -> BriefContract {
    BriefContract {
        id: c.id,
        name: c.name.clone(),
        end_date: c.end_date,
        days_left: c.end_date.map(|e| days_between(today, e)),
        value_cents: c.value_cents,
        currency: c.currency.clone(),
        auto_renew: c.auto_renew,
        notice_days: c.notice_days,
    }
}

fn brief_task(t: TaskRow, today: NaiveDate) -> BriefTask {
    BriefTask { id: t.id, title: t.title, due_date: t.due_date, priority: t.priority, overdue: t.due_date.is_some_and(|d| d < today) }
}

fn brief_objection(o: ObjectionRow) -> BriefObjection {
    BriefObjection {
        id: o.id,
        statement: o.statement,
        category: o.category,
        response: o.response,
        raised_by: o.contact_name,
        raised_on: o.raised_on,
        outcome: o.outcome,
    }
}

fn brief_gift(g: GiftRow) -> BriefGift {
    BriefGift { date: g.date, kind: g.kind, description: g.description, value_cents: g.value_cents, currency: g.currency }
}

/// What the brief reads about one attendee.
struct AttendeeRows {
    contact: ContactRow,
    notes: Vec<NoteRow>,
    gift_sum: Option<GiftSumRow>,
    gifts: Vec<GiftRow>,
}

/// What the brief reads about the account.
struct AccountRows {
    account: Record<Account>,
    last_touch: Option<i64>,
    notes: Vec<NoteRow>,
    opps: Vec<OppRow>,
    contracts: Vec<ContractRow>,
    tasks: Vec<TaskRow>,
    overdue: u64,
    suggestions: Vec<Suggestion>,
}

impl App {
    /// The brief for a meeting: who comes and what they care about, the last touches, open
    /// deals, contracts, tasks, objections to expect, gifts so far and what else to offer.
    pub fn meeting_brief(&self, meeting_id: Id) -> Result<MeetingBrief> {
        let meeting = self.repo::<Meeting>().get(meeting_id)?;
        if meeting.deleted {
            return Err(Error::NotFound { what: "meeting" });
        }
        let now = self.now();
        let today = local_date(now, self.clock().local_zone());
        let settings = self.settings();
        let period = gift_period(settings.gift_period, settings.fiscal_year_start_month, today);
        let m = &meeting.data;

        let (attendees, account, objections) = self.store().read(|conn| {
            sv::snapshot(conn, |c| {
                let mut attendees = Vec::new();
                for contact in sv::contacts_by_ids(c, &m.attendee_ids)? {
                    attendees.push(AttendeeRows {
                        notes: sv::contact_recent_notes(c, contact.id, NOTES_SHOWN)?,
                        gift_sum: sv::gift_sums(c, Some(contact.id), period.0, period.1, 1)?.into_iter().next(),
                        gifts: sv::gifts_to(c, contact.id, period.0, period.1, GIFTS_SHOWN)?,
                        contact,
                    });
                }
                let account_id = m.account_id.or_else(|| attendees.iter().find_map(|a| a.contact.account_id));
                let account = match account_id {
                    Some(id) => match crate::store::query::get::<Account>(c, EntityKind::Account, &id)?.filter(|a| !a.deleted) {
                        Some(account) => Some(AccountRows {
                            account,
                            last_touch: sv::last_touch(c, id)?,
                            notes: sv::account_recent_notes(c, id, NOTES_SHOWN)?,
                            opps: sv::account_opportunities(c, id, ACCOUNT_LIST_LIMIT)?,
                            contracts: sv::account_contracts(c, id, today, ACCOUNT_LIST_LIMIT)?,
                            tasks: sv::account_open_tasks(c, id, TASKS_SHOWN)?,
                            overdue: sv::count_overdue_tasks(c, id, today)?,
                            suggestions: suggestions_in(c, id, SUGGESTIONS_SHOWN)?,
                        }),
                        None => None,
                    },
                    None => None,
                };
                let ids: Vec<Id> = attendees.iter().map(|a| a.contact.id).collect();
                let objections = sv::objections_for(c, account.as_ref().map(|a| a.account.id), &ids, OBJECTIONS_SHOWN)?;
                Ok((attendees, account, objections))
            })
        })?;

        let mut brief = MeetingBrief {
            meeting: BriefMeeting {
                id: meeting.id,
                title: m.title.clone(),
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                timezone: m.timezone.clone(),
                link: m.link.clone(),
                location: m.location.clone(),
                goal: m.goal.clone(),
                agenda: m.agenda.clone(),
            },
            account: None,
            attendees: Vec::new(),
            account_notes: Vec::new(),
            attendee_notes: Vec::new(),
            opportunities: Vec::new(),
            contracts: Vec::new(),
            tasks: Vec::new(),
            objections: objections.into_iter().map(brief_objection).collect(),
            suggestions: Vec::new(),
            today,
        };
        if let Some(a) = account {
            let last_touch = a.last_touch.and_then(DateTime::<Utc>::from_timestamp_millis);
            let input = HealthInput {
                since: last_touch.unwrap_or(a.account.created_at),
                cadence_days: cadence_of(a.account.data.cadence_days, a.account.data.tier, &settings),
                overdue_tasks: a.overdue,
                next_task_due: None, // only the stored band needs when health next changes
                competitors: &a.account.data.competitors,
                contracts: &a.contracts,
                opportunities: &a.opps,
            };
            brief.account = Some(BriefAccount {
                id: a.account.id,
                name: a.account.data.name.clone(),
                tier: a.account.data.tier,
                lifecycle: a.account.data.lifecycle,
                industry: a.account.data.industry.clone(),
                last_touch,
                health: health(&input, today, now, &settings),
            });
            brief.opportunities = open_opportunities(&a.opps, &settings);
            brief.contracts = a.contracts.iter().map(|c| brief_contract(c, today)).collect();
            brief.tasks = a.tasks.into_iter().map(|t| brief_task(t, today)).collect();
            brief.account_notes = a.notes.into_iter().map(brief_note).collect();
            brief.suggestions = a.suggestions;
        }
        let mut attendee_notes: Vec<NoteRow> = Vec::new();
        for a in attendees {
            let last_touch = a.notes.first().and_then(|n| n.occurred_at);
            let sum = a.gift_sum.unwrap_or(GiftSumRow {
                recipient_id: a.contact.id,
                recipient_name: None,
                counted_cents: 0,
                entertainment_cents: 0,
                count: 0,
            });
            let mut gift_total = gift_total(&sum, period, &settings);
            gift_total.recipient_name = Some(a.contact.name.clone());
            for n in a.notes {
                let listed = brief.account_notes.iter().any(|x| x.id == n.id) || attendee_notes.iter().any(|x| x.id == n.id);
                if !listed {
                    attendee_notes.push(n);
                }
            }
            let c = a.contact;
            brief.attendees.push(BriefAttendee {
                id: c.id,
                name: c.name,
                title: c.title,
                email: c.email,
                phone: c.phone,
                buying_role: c.buying_role,
                comm_preference: c.comm_preference,
                personal_notes: c.personal_notes,
                last_touch,
                gift_total,
                gifts: a.gifts.into_iter().map(brief_gift).collect(),
            });
        }
        attendee_notes.sort_by(|a, b| b.occurred_at.cmp(&a.occurred_at).then(a.id.cmp(&b.id)));
        attendee_notes.truncate(NOTES_SHOWN as usize);
        brief.attendee_notes = attendee_notes.into_iter().map(brief_note).collect();
        Ok(brief)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(excerpt("Budget  approved\n\nby the CFO", 100), "Budget approved by the CFO");
        assert_eq!(excerpt("Budget approved by the CFO", 15), "Budget approved…");
        assert_eq!(excerpt("Zażółć gęślą jaźń", 6), "Zażółć…");
        assert_eq!(excerpt("### Pricing\n- 12% higher\n- lower #total cost", 100), "Pricing 12% higher lower #total cost");
    }

    #[test]
    fn only_open_deals_are_briefed_with_their_probability() {
        let opp = |stage: &str| OppRow {
            id: Id::nil(),
            name: stage.into(),
            kind: OppKind::Upsell,
            amount_cents: 100,
            currency: "USD".into(),
            stage: stage.into(),
            probability: None,
            close_date: None,
            next_step: Some("Send the proposal".into()),
            competitor: None,
            stage_changed_at: None,
            created_at: None,
        };
        let open = open_opportunities(&[opp("Negotiate"), opp("Closed Won"), opp("Closed Lost")], &Settings::default());
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].probability, open[0].next_step.as_deref()), (75, Some("Send the proposal")));
    }
}
