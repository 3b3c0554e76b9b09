//! A meeting brief as Markdown: readable on its own, the same text for the same brief.
//! Times are in the meeting's time zone; money is `USD 1,234.56`.

use super::brief::{BriefAttendee, BriefNote, MeetingBrief};
use super::overview::HealthReason;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;

/// Minor units as `USD 1,234.56`.
pub fn money(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let head = match units.len() % 3 {
        0 => 3.min(units.len()),
        n => n,
    };
    let (first, rest) = units.split_at(head);
    let mut grouped = first.to_string();
    for chunk in rest.as_bytes().chunks(3) {
        grouped.push(',');
        grouped.extend(chunk.iter().map(|b| *b as char));
    }
    format!("{currency} {sign}{grouped}.{:02}", abs % 100).trim().to_string()
}

/// User text on one line (a title must not break the list it is in).
fn line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An enum's serde name as words (`economic_buyer` -> `economic buyer`).
fn words<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

fn days(n: i64) -> String {
    match n {
        0 => "today".into(),
        1 => "1 day".into(),
        -1 => "1 day ago".into(),
        n if n < 0 => format!("{} days ago", -n),
        n => format!("{n} days"),
    }
}

impl MeetingBrief {
    fn zone(&self) -> chrono_tz::Tz {
        self.meeting.timezone.parse().unwrap_or(chrono_tz::UTC)
    }

    fn date(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.zone()).format("%Y-%m-%d").to_string()
    }

    /// The brief as a Markdown document.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_markdown(&mut out);
        out
    }

    fn write_markdown(&self, o: &mut String) -> std::fmt::Result {
        let m = &self.meeting;
        let zone = self.zone();
        let (start, end) = (m.starts_at.with_timezone(&zone), m.ends_at.with_timezone(&zone));
        let end_fmt = if start.date_naive() == end.date_naive() { "%H:%M" } else { "%a %-d %b %Y, %H:%M" };
        writeln!(o, "# Brief: {}\n", line(&m.title))?;
        if let Some(link) = &m.link {
            writeln!(o, "- **Join:** {link}")?;
        }
        writeln!(o, "- **When:** {}–{} ({})", start.format("%a %-d %b %Y, %H:%M"), end.format(end_fmt), m.timezone)?;
        if let Some(loc) = m.location.as_deref().filter(|l| !l.trim().is_empty()) {
            writeln!(o, "- **Where:** {}", line(loc))?;
        }
        if let Some(a) = &self.account {
            let industry = a.industry.as_deref().map(|i| format!(", {}", line(i))).unwrap_or_default();
            writeln!(o, "- **Account:** {} (tier {:?}, {}{industry})", line(&a.name), a.tier, words(&a.lifecycle))?;
            writeln!(o, "- **Health:** {}/100, {}", a.health.score, words(&a.health.label))?;
            for r in &a.health.reasons {
                writeln!(o, "  - {}", reason(r))?;
            }
            match a.last_touch {
                Some(t) => writeln!(o, "- **Last touch:** {}", self.date(t))?,
                None => writeln!(o, "- **Last touch:** never")?,
            }
        }
        if let Some(goal) = m.goal.as_deref().filter(|g| !g.trim().is_empty()) {
            writeln!(o, "- **Goal:** {}", line(goal))?;
        }
        if !m.agenda.trim().is_empty() {
            writeln!(o, "\n## Agenda\n\n{}", m.agenda.trim())?;
        }
        if !self.attendees.is_empty() {
            writeln!(o, "\n## Attendees")?;
            for a in &self.attendees {
                self.attendee(o, a)?;
            }
        }
        self.notes(o, "Last touches with the account", &self.account_notes)?;
        self.notes(o, "Last touches with the attendees", &self.attendee_notes)?;
        if !self.opportunities.is_empty() {
            writeln!(o, "\n## Open opportunities\n")?;
            for op in &self.opportunities {
                let close = op.close_date.map(|d| format!(", closes {d}")).unwrap_or_default();
                write!(o, "- **{}**: {}, {} ({}%), {}{close}", line(&op.name), words(&op.kind), line(&op.stage), op.probability, money(op.amount_cents, &op.currency))?;
                if let Some(next) = op.next_step.as_deref().filter(|s| !s.trim().is_empty()) {
                    write!(o, "; next step: {}", line(next))?;
                }
                if let Some(c) = op.competitor.as_deref().filter(|s| !s.trim().is_empty()) {
                    write!(o, "; competitor: {}", line(c))?;
                }
                writeln!(o)?;
            }
        }
        if !self.contracts.is_empty() {
            writeln!(o, "\n## Contracts\n")?;
            for c in &self.contracts {
                let ends = match (c.end_date, c.days_left) {
                    (Some(d), Some(n)) => format!("ends {d} ({})", if n >= 0 { format!("{} left", days(n)) } else { days(n) }),
                    _ => "no end date".into(),
                };
                let renew = if c.auto_renew { ", renews automatically" } else { "" };
                writeln!(o, "- **{}**: {ends}, {}{renew}, {} days' notice", line(&c.name), money(c.value_cents, &c.currency), c.notice_days)?;
            }
        }
        if !self.tasks.is_empty() {
            writeln!(o, "\n## Open tasks\n")?;
            for t in &self.tasks {
                let due = match t.due_date {
                    Some(d) if t.overdue => format!(" (due {d}, overdue)"),
                    Some(d) => format!(" (due {d})"),
                    None => String::new(),
                };
                writeln!(o, "- [ ] {}{due}", line(&t.title))?;
            }
        }
        if !self.objections.is_empty() {
            writeln!(o, "\n## Objections to expect\n")?;
            for ob in &self.objections {
                let by = ob.raised_by.as_deref().map(|n| format!(", raised by {n}")).unwrap_or_default();
                writeln!(o, "- \"{}\" ({}{by})", line(&ob.statement), words(&ob.category))?;
                if !ob.response.trim().is_empty() {
                    writeln!(o, "  - Response: {}", line(&ob.response))?;
                }
                if let Some(out) = ob.outcome.as_deref().filter(|s| !s.trim().is_empty()) {
                    writeln!(o, "  - Last time: {}", line(out))?;
                }
            }
        }
        if !self.suggestions.is_empty() {
            writeln!(o, "\n## Whitespace\n")?;
            for s in &self.suggestions {
                writeln!(
                    o,
                    "- **{}**: {:.0}% of the {} accounts that own {} also own it",
                    line(&s.product_name),
                    s.confidence * 100.0,
                    s.owners_of_because,
                    line(&s.because_of_name)
                )?;
            }
        }
        Ok(())
    }

    fn attendee(&self, o: &mut String, a: &BriefAttendee) -> std::fmt::Result {
        let title = a.title.as_deref().map(|t| format!(", {}", line(t))).unwrap_or_default();
        writeln!(o, "\n### {}{title}\n", line(&a.name))?;
        if let Some(role) = &a.buying_role {
            writeln!(o, "- Buying role: {}", words(role))?;
        }
        if let Some(p) = &a.comm_preference {
            writeln!(o, "- Prefers: {}", words(p))?;
        }
        let contact: Vec<&str> = [a.email.as_deref(), a.phone.as_deref()].into_iter().flatten().collect();
        if !contact.is_empty() {
            writeln!(o, "- Contact: {}", contact.join(", "))?;
        }
        match a.last_touch {
            Some(t) => writeln!(o, "- Last touch: {}", self.date(t))?,
            None => writeln!(o, "- Last touch: never")?,
        }
        let g = &a.gift_total;
        let over = if g.over_cap { " (over the cap)" } else { "" };
        writeln!(
            o,
            "- Gifts {} to {}: {} of the {} cap{over}",
            g.period_start,
            g.period_end,
            money(g.total_cents, &g.currency),
            money(g.cap_cents, &g.currency)
        )?;
        for gift in &a.gifts {
            let date = gift.date.map(|d| d.to_string()).unwrap_or_default();
            writeln!(o, "  - {date} {}: {} ({})", line(&gift.description), money(gift.value_cents, &gift.currency), words(&gift.kind))?;
        }
        if !a.personal_notes.trim().is_empty() {
            writeln!(o, "- Personal notes: {}", line(&a.personal_notes))?;
        }
        Ok(())
    }

    fn notes(&self, o: &mut String, heading: &str, notes: &[BriefNote]) -> std::fmt::Result {
        if notes.is_empty() {
            return Ok(());
        }
        writeln!(o, "\n## {heading}\n")?;
        for n in notes {
            let when = n.occurred_at.map(|t| self.date(t)).unwrap_or_default();
            let title = if n.title.trim().is_empty() { String::new() } else { format!(" **{}**", line(&n.title)) };
            let body = if n.excerpt.is_empty() { String::new() } else { format!(": {}", n.excerpt) };
            writeln!(o, "- {when} ({}){title}{body}", words(&n.kind))?;
            if let Some(out) = n.outcome.as_deref().filter(|s| !s.trim().is_empty()) {
                writeln!(o, "  - Outcome: {}", line(out))?;
            }
            if let Some(next) = n.next_steps.as_deref().filter(|s| !s.trim().is_empty()) {
                writeln!(o, "  - Next steps: {}", line(next))?;
            }
        }
        Ok(())
    }
}

/// A health reason in English, for the Markdown brief (the UI phrases them itself).
fn reason(r: &HealthReason) -> String {
    match r {
        HealthReason::NoTouchWithinCadence { days_since_touch, cadence_days } => {
            format!("No touch for {days_since_touch} days (cadence {cadence_days})")
        }
        HealthReason::OverdueTasks { count } => format!("{count} overdue task(s)"),
        HealthReason::CompetitorPresent { competitors } => format!("Competitors present: {}", competitors.join(", ")),
        HealthReason::RenewalNear { end_date, days_left, .. } => format!("Renewal on {end_date} ({} left)", days(*days_left)),
        HealthReason::StalledOpportunity { name, days_in_stage, .. } => format!("{} stalled for {days_in_stage} days", line(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_two_decimals() {
        assert_eq!(money(12_345_678, "USD"), "USD 123,456.78");
        assert_eq!(money(5, "EUR"), "EUR 0.05");
        assert_eq!(money(100_000_000, "USD"), "USD 1,000,000.00");
        assert_eq!(money(99_999, "USD"), "USD 999.99");
        assert_eq!(money(-100_000, "USD"), "USD -1,000.00");
        assert_eq!(money(10_000, ""), "100.00");
    }

    #[test]
    fn day_counts_read_naturally() {
        assert_eq!(days(0), "today");
        assert_eq!(days(1), "1 day");
        assert_eq!(days(30), "30 days");
        assert_eq!(days(-2), "2 days ago");
    }

    #[test]
    fn enum_names_become_words() {
        assert_eq!(words(&crate::domain::BuyingRole::EconomicBuyer), "economic buyer");
    }
}
