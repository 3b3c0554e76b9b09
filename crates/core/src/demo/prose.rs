//! The words of a demo book: note bodies, objections, next steps, all from phrase templates.
//!
//! Templates carry slots (`{person}`, `{product}`, `{code}`...) filled per account, so the
//! text has common words ("pricing", "renewal") in most notes and rare ones (a codename, an
//! account's own name) in a few, like a real book.

use super::rng::Rng;
use super::words::*;

/// What slots are filled from: the account a text is about.
pub(crate) struct Ctx<'a> {
    /// The account's short name ("Northwind").
    pub account: &'a str,
    /// First names and titles of its stakeholders.
    pub people: &'a [(String, String)],
    pub products: &'a [String],
    pub competitor: &'a str,
    /// The deal's codename ("Project Amber Kestrel").
    pub code: &'a str,
}

/// `(topic label, weight, sentences)`.
pub(crate) const TOPICS: [(&str, u32, &[&str]); 16] = [
    ("Pricing", 14, &[
        "{person} pushed back on the per-seat pricing for {product}; they want a volume tier above {seats} seats.",
        "We walked through the pricing model again: platform fee plus usage, with a {pct}% discount for a multi-year commitment.",
        "Finance is comparing our quote with {competitor}; ours is about {pct}% higher on list but lower on total cost.",
        "They asked whether {product} can be priced per site instead of per user.",
        "Discount approval needed from our deal desk if we go past {pct}% on {product}.",
        "{person} liked the ramped pricing: year one at {amount}, then list price from year two.",
    ]),
    ("Security review", 10, &[
        "Their security team needs our SOC 2 Type II report and the latest pen-test summary before the security review.",
        "{person} ({title}) sent a 240-question security questionnaire; about a third is already answered in our trust portal.",
        "Open items from the security review: SSO enforcement, audit log retention, and data encryption at rest.",
        "The CISO wants a call about incident response times and our subprocessor list.",
        "Security review passed with two minor findings, both about password policy on legacy accounts.",
    ]),
    ("Rollout", 10, &[
        "Rollout plan: pilot with the {city} team in {month}, then the rest of the company over two quarters.",
        "Adoption is uneven: {pct}% of licensed seats were active last month, mostly in the data team.",
        "{person} wants a rollout checklist and a named onboarding manager for {product}.",
        "The pilot on {code} went well; they want to extend it to {seats} more users.",
        "Training sessions are booked for {weekday}; recordings will go on their intranet.",
    ]),
    ("Renewal", 12, &[
        "Renewal is due in {month}; {person} hinted they want to consolidate vendors before signing.",
        "We should open the renewal conversation early: last year procurement took seven weeks.",
        "They are happy with {product} but want to drop unused seats at renewal (about {pct}%).",
        "Multi-year renewal on the table if we include {product} and premium support.",
        "Renewal risk: the champion who bought {product} has left; need a new executive sponsor.",
    ]),
    ("Procurement", 9, &[
        "Procurement needs the vendor onboarding form, a W-9 and proof of insurance.",
        "{person} from procurement asked for net-60 payment terms and an annual invoice.",
        "The purchase order should be issued by {weekday}; their fiscal year closes at the end of {month}.",
        "Procurement wants to run a formal RFP including {competitor}; we have a week to respond.",
        "Their vendor portal requires a new supplier registration for every entity; I sent ours.",
    ]),
    ("Integrations", 9, &[
        "Integration questions: can {product} read from {system} directly, or do they need a connector?",
        "{person} showed their architecture: {system} for HR, {system2} for identity, data lands in a warehouse nightly.",
        "They need a two-way sync with {system} before they can retire their spreadsheets.",
        "Our solutions engineer will demo the {system} integration and the REST API on {weekday}.",
        "Webhook limits came up; they push about {seats} thousand events a day.",
    ]),
    ("Headcount", 6, &[
        "Headcount is frozen until next quarter, which caps the seat count at {seats}.",
        "They are hiring {n} engineers in {city}, so seat needs will grow in the second half.",
        "A reorg moved the analytics team under the COO; {person} now reports to the CFO.",
        "Layoffs announced last month; budget owners are cautious about new spend.",
    ]),
    ("Budget", 8, &[
        "Budget for {product} is approved for this fiscal year, about {amount}.",
        "{person} needs a business case with payback under twelve months to unlock budget.",
        "The CFO wants to see the ROI model before approving anything above {amount}.",
        "Budget sits with IT, but the data team is the real user; we need both in the room.",
    ]),
    ("Legal", 6, &[
        "Legal sent redlines on the MSA: liability cap, indemnity, and governing law.",
        "The DPA needs the standard contractual clauses for their EU entities.",
        "{person} asked for a mutual NDA before sharing their roadmap.",
        "Legal review could take three weeks; they have a backlog before quarter end.",
    ]),
    ("Executive alignment", 5, &[
        "Executive sponsor meeting with {person} ({title}): the top priority this year is cost control.",
        "Their CEO mentioned {code} at the all-hands; it is a board-level initiative now.",
        "We agreed on success criteria for the first ninety days and a quarterly business review.",
    ]),
    ("Competition", 6, &[
        "{competitor} is in the deal with an aggressive discount; their champion used to work there.",
        "They are evaluating {competitor} for the same use case; we win on {product} integrations.",
        "{person} said {competitor}'s implementation took far longer than promised at their last company.",
    ]),
    ("Support", 5, &[
        "Two support escalations this month, both about slow dashboards; resolved, but they noticed.",
        "{person} wants a named technical account manager and faster response times.",
        "Support satisfaction is high; they quoted a nine out of ten in the last survey.",
    ]),
    ("Data residency", 3, &[
        "Data residency is a hard requirement: all customer data must stay in the EU region.",
        "Their regulator asked about where backups are stored; we need a written answer.",
    ]),
    ("Roadmap", 4, &[
        "They asked about the roadmap for {product}, especially the AI assistant and row-level security.",
        "Feature request: scheduled exports to {system}; I logged it for the product team.",
        "{person} is interested in the beta program for {product}.",
    ]),
    ("Personal", 3, &[
        "{person} just came back from {city}; asked about the trip.",
        "Small talk about the marathon; {person} is training for the one in {city}.",
        "{person} mentioned the offsite in {city} next month.",
    ]),
    ("Success metrics", 4, &[
        "We agreed to measure time-to-insight and report hours saved per analyst per week.",
        "Their goal: cut month-end close from ten days to six using {product}.",
        "Usage review: weekly active users up {pct}% since the last QBR.",
    ]),
];

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// Writes `template` into `out` with its slots filled.
pub(crate) fn fill(out: &mut String, template: &str, ctx: &Ctx<'_>, rng: &mut Rng) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let slot = &rest[open + 1..open + close];
        slot_value(out, slot, ctx, rng);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

fn slot_value(out: &mut String, slot: &str, ctx: &Ctx<'_>, rng: &mut Rng) {
    use std::fmt::Write as _;
    let person = |rng: &mut Rng| if ctx.people.is_empty() { None } else { Some(rng.pick(ctx.people)) };
    match slot {
        "person" => match person(rng) {
            Some((first, _)) => out.push_str(first),
            None => out.push_str("their lead"),
        },
        "title" => match person(rng) {
            Some((_, title)) => out.push_str(title),
            None => out.push_str("Director of IT"),
        },
        "product" => out.push_str(ctx.products.get(rng.below(ctx.products.len() as u64) as usize).map(String::as_str).unwrap_or("the platform")),
        "competitor" => out.push_str(ctx.competitor),
        "code" => out.push_str(ctx.code),
        "account" => out.push_str(ctx.account),
        "system" | "system2" => out.push_str(rng.word(&SYSTEMS)),
        "city" => out.push_str(rng.word(&CITIES)),
        "month" => out.push_str(rng.word(&MONTHS)),
        "weekday" => out.push_str(rng.word(&WEEKDAYS)),
        "pct" => {
            let _ = write!(out, "{}", rng.range(5, 40));
        }
        "n" => {
            let _ = write!(out, "{}", rng.range(3, 60));
        }
        "seats" => {
            let _ = write!(out, "{}", rng.range(2, 80) * 25);
        }
        "amount" => {
            let _ = write!(out, "${}k", rng.range(3, 90) * 5);
        }
        other => {
            out.push('{');
            out.push_str(other);
            out.push('}');
        }
    }
}

pub(crate) const NEXT_STEPS: [&str; 14] = [
    "Send the revised quote to {person}",
    "Share the SOC 2 Type II report and pen-test summary",
    "Book the security review with their CISO",
    "Draft the rollout plan for the {city} pilot",
    "Prepare the renewal proposal for {product}",
    "Send the MSA redlines back to legal",
    "Schedule the {system} integration demo",
    "Build the ROI model for the CFO",
    "Intro {person} to our solutions engineer",
    "Confirm the purchase order timeline with procurement",
    "Set up the executive sponsor call",
    "Collect usage data for the QBR deck",
    "Answer the remaining security questionnaire items",
    "Send the reference customer list",
];

pub(crate) const OUTCOMES: [&str; 10] = [
    "Positive: they agreed to a pilot.",
    "Good call; moving to proposal.",
    "Neutral: waiting on budget approval.",
    "They need more time to evaluate.",
    "Strong interest from the economic buyer.",
    "Concerns about price; follow up with options.",
    "Blocked on the security review.",
    "Verbal yes, paperwork next.",
    "Champion is engaged, exec sponsor is not yet.",
    "Risk flagged: competitor is in the deal.",
];

/// A note's title and Markdown body of roughly `target` characters (kept under ~1,600).
pub(crate) fn note_text(kind: crate::domain::NoteKind, target: usize, ctx: &Ctx<'_>, rng: &mut Rng) -> (String, String) {
    use crate::domain::NoteKind;
    let weights: Vec<(usize, u32)> = TOPICS.iter().enumerate().map(|(i, t)| (i, t.1)).collect();
    let first = *rng.weighted(&weights);
    let label = TOPICS[first].0;
    let title = match kind {
        NoteKind::Meeting => format!("{}: {}", ctx.account, label.to_lowercase()),
        NoteKind::Call => match ctx.people.first() {
            Some(_) => {
                let mut t = String::from("Call with ");
                fill(&mut t, "{person}", ctx, rng);
                t.push_str(&format!(" about {}", label.to_lowercase()));
                t
            }
            None => format!("Call about {}", label.to_lowercase()),
        },
        NoteKind::Email => format!("Re: {} follow-up", label.to_lowercase()),
        NoteKind::Note => format!("Internal: {}", label.to_lowercase()),
    };
    let mut body = String::with_capacity(target + 300);
    match kind {
        NoteKind::Email => {
            body.push_str("Hi ");
            fill(&mut body, "{person}", ctx, rng);
            body.push_str(",\n\n");
        }
        NoteKind::Meeting | NoteKind::Call if !ctx.people.is_empty() => {
            body.push_str("**With:** ");
            let n = rng.range(1, ctx.people.len().min(3) as i64) as usize;
            for (j, i) in rng.distinct(ctx.people.len(), n).into_iter().enumerate() {
                if j > 0 {
                    body.push_str(", ");
                }
                body.push_str(&ctx.people[i].0);
                body.push_str(" (");
                body.push_str(&ctx.people[i].1);
                body.push(')');
            }
            body.push_str("\n\n");
        }
        _ => {}
    }
    let mut topic = first;
    let mut used: Vec<usize> = Vec::new();
    loop {
        used.push(topic);
        let (label, _, sentences) = TOPICS[topic];
        let bullets = kind != NoteKind::Email && rng.chance(0.6);
        if kind != NoteKind::Email {
            body.push_str("### ");
            body.push_str(label);
            body.push('\n');
        }
        let n = rng.range(1, 3) as usize;
        for i in rng.distinct(sentences.len(), n) {
            body.push_str(if bullets { "- " } else { "" });
            fill(&mut body, sentences[i], ctx, rng);
            body.push_str(if bullets { "\n" } else { " " });
            if body.len() >= target {
                break;
            }
        }
        if rng.chance(0.08) {
            body.push_str("This is part of ");
            body.push_str(ctx.code);
            body.push_str(".\n");
        }
        body.push('\n');
        if body.len() >= target || used.len() >= TOPICS.len() || body.len() > 1_300 {
            break;
        }
        topic = loop {
            let t = *rng.weighted(&weights);
            if !used.contains(&t) {
                break t;
            }
        };
    }
    if kind == NoteKind::Email {
        body.push_str("Best,\nAlex\n");
    } else if rng.chance(0.7) {
        body.push_str("**Next steps**\n");
        let n = rng.range(1, 3) as usize;
        for i in rng.distinct(NEXT_STEPS.len(), n) {
            body.push_str("- [ ] ");
            fill(&mut body, NEXT_STEPS[i], ctx, rng);
            body.push('\n');
        }
    }
    (title, body)
}

/// A note length: most a few hundred characters, some up to ~1,500 (about 600 on average).
pub(crate) fn note_length(rng: &mut Rng) -> usize {
    let u = rng.unit();
    200 + (u * u * u * 1_250.0) as usize
}

/// `(statement, rehearsed response)` per objection category.
pub(crate) const OBJECTIONS: [(crate::domain::ObjectionCategory, &str, &str); 10] = {
    use crate::domain::ObjectionCategory::*;
    [
        (Price, "Your price is 30% higher than {competitor}.",
            "Compare **total cost**, not list price: implementation, admin time and the connectors {competitor} charges extra for. Offer the ROI model and a ramped first year."),
        (Price, "We can't justify {product} at this seat count.",
            "Right-size the seats to active users, then show the usage trend. Offer a volume tier and a true-up at renewal instead of paying up front."),
        (Timing, "Let's revisit this next quarter.",
            "Ask what changes next quarter. Tie the start date to their own deadline ({code}) and show the cost of waiting: the month-end close stays at ten days."),
        (Timing, "We're in the middle of a reorg.",
            "Acknowledge it, find who owns the budget after the reorg, and offer a small pilot that survives it."),
        (Competitor, "We already use {competitor} for this.",
            "Ask what they would change about {competitor}. Focus on the integration with their stack and on time to value; offer a side-by-side pilot."),
        (Competitor, "{competitor} offered us a big discount.",
            "Discounts hide in year two. Show the renewal uplift history and our price-lock clause; bring a reference customer who switched."),
        (Authority, "I need to run this by the CFO.",
            "Offer to build the business case together and join the CFO meeting. Ask what the CFO will ask about first."),
        (Authority, "Procurement owns vendor decisions.",
            "Get the procurement timeline and requirements early; keep the champion involved so the decision stays about value."),
        (Need, "Our spreadsheets work fine.",
            "Ask how long month-end takes and who maintains the spreadsheets. Quantify the hours and the errors; show one report built live."),
        (Need, "We don't see the use case for {product}.",
            "Go back to discovery: their goals for the year, and where {product} helped a similar company in their industry."),
    ]
};

pub(crate) const OBJECTION_OUTCOMES: [&str; 5] =
    ["Resolved", "Partly resolved; follow up", "Still open", "Resolved after the ROI review", "Escalated to our VP"];

pub(crate) const LOST_REASONS: [&str; 6] = [
    "Lost to {competitor} on price",
    "No budget this fiscal year",
    "Project deprioritised after a reorg",
    "Went with an in-house build",
    "Champion left the company",
    "Security review not passed in time",
];

pub(crate) const MEETING_PURPOSES: [(&str, &str); 8] = [
    ("Quarterly business review", "Review adoption, agree on goals for next quarter"),
    ("Security review", "Close the open security questionnaire items"),
    ("Pricing discussion", "Agree on a pricing structure for the proposal"),
    ("Rollout planning", "Agree on the pilot scope and timeline"),
    ("Renewal kickoff", "Understand renewal requirements and decision process"),
    ("Executive alignment", "Confirm the executive sponsor and success criteria"),
    ("Technical deep dive", "Walk through integrations and architecture"),
    ("Procurement sync", "Map the procurement steps and paperwork"),
];

pub(crate) const TASKS: [&str; 10] = [
    "Send the revised quote to {person}",
    "Follow up on the security questionnaire",
    "Book the QBR with {person}",
    "Prepare the renewal proposal",
    "Share the SOC 2 report",
    "Intro {person} to our solutions engineer",
    "Update the mutual action plan",
    "Chase the purchase order",
    "Send the {product} case study",
    "Ask {person} for a reference call",
];
