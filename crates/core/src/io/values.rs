//! Reading the values CRM exports hold: amounts in any locale, dates in the usual formats,
//! percentages, Salesforce/HubSpot picklist values; and the keys dedupe compares.

use crate::domain::{Lifecycle, OppKind};
use chrono::NaiveDate;

/// An amount to minor units: `$1,234.56`, `1.234,56 €`, `USD 1200`, `1 200,5`.
pub fn parse_amount(s: &str) -> Option<i64> {
    let t: String = s.chars().filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-')).collect();
    if t.is_empty() || t.chars().filter(|c| *c == '-').count() > 1 {
        return None;
    }
    let neg = t.starts_with('-');
    let t = t.trim_start_matches('-');
    // The last separator is the decimal one when both appear, or when it is followed by
    // one or two digits (`12,5`, `1,234.56`); a lone `,` or `.` before three digits groups
    // thousands (`1,200`).
    let last = t.rfind([',', '.']);
    let (int, frac) = match last {
        Some(i) => {
            let after = &t[i + 1..];
            let both = t.contains(',') && t.contains('.');
            let only_once = t.matches(t.as_bytes()[i] as char).count() == 1;
            if both || (only_once && (1..=2).contains(&after.len())) {
                (&t[..i], after)
            } else {
                (t, "")
            }
        }
        None => (t, ""),
    };
    // Thousands groups are three digits (`1,234,567`); anything else is not an amount.
    let groups: Vec<&str> = int.split([',', '.']).collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() && frac.is_empty() {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    let whole: i64 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let v = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -v } else { v })
}

/// A date as exports write it: ISO (`2026-03-31`, with or without a time), US
/// (`3/31/2026`, Salesforce reports), European (`31.03.2026`, `31/03/2026` when the day is
/// over 12), or an Excel serial day number.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(head) = s.get(..10) {
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            return Some(d);
        }
    }
    let head = s.split([' ', 'T']).next().unwrap_or(s);
    for fmt in ["%Y/%m/%d", "%d.%m.%Y", "%d-%b-%Y", "%b %d, %Y", "%d %b %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(head, fmt).or_else(|_| NaiveDate::parse_from_str(s, fmt)) {
            return Some(d);
        }
    }
    let parts: Vec<&str> = head.split('/').collect();
    if parts.len() == 3 {
        let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        if n.len() == 3 {
            let year = if n[2] < 100 { 2000 + n[2] as i32 } else { n[2] as i32 };
            // Day first only when it cannot be a month.
            let (m, d) = if n[0] > 12 { (n[1], n[0]) } else { (n[0], n[1]) };
            return NaiveDate::from_ymd_opt(year, m, d);
        }
    }
    if let Ok(serial) = s.parse::<f64>() {
        if (20_000.0..80_000.0).contains(&serial) {
            let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
            return base.checked_add_days(chrono::Days::new(serial as u64));
        }
    }
    None
}

/// A probability 0-100: `75`, `75%`, `0.75`.
pub fn parse_percent(s: &str) -> Option<i64> {
    let t = s.trim().trim_end_matches('%').trim().replace(',', ".");
    let v: f64 = t.parse().ok()?;
    let v = if v > 0.0 && v < 1.0 && !s.contains('%') { v * 100.0 } else { v };
    (0.0..=100.0).contains(&v).then_some(v.round() as i64)
}

/// An opportunity's kind from Salesforce `Type` or HubSpot `Deal Type` values.
pub fn opp_kind(s: &str) -> OppKind {
    let t = s.to_lowercase();
    if t.contains("upgrade") || t.contains("upsell") || t.contains("up-sell") || t == "existingbusiness" || t == "existing business" {
        OppKind::Upsell
    } else if t.contains("renewal") || t.contains("replacement") || t.contains("downgrade") {
        OppKind::Renewal
    } else if t.contains("cross") || t.contains("add-on") || t.contains("add on") {
        OppKind::CrossSell
    } else {
        OppKind::NewBusiness
    }
}

/// An account's lifecycle from Salesforce `Type` or HubSpot `Lifecycle Stage`.
pub fn lifecycle(s: &str) -> Option<Lifecycle> {
    let t = s.to_lowercase();
    if t.contains("former") || t.contains("churn") || t.contains("lost") {
        Some(Lifecycle::Churned)
    } else if t.contains("customer") || t.contains("evangelist") {
        Some(Lifecycle::Customer)
    } else if t.is_empty() {
        None
    } else {
        Some(Lifecycle::Prospect)
    }
}

/// The book's default stage a standard Salesforce or HubSpot stage corresponds to.
pub fn stage_alias(s: &str) -> Option<&'static str> {
    let t: String = s.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    Some(match t.as_str() {
        "prospecting" | "qualification" | "appointmentscheduled" | "lead" | "new" => "Qualify",
        "needsanalysis" | "valueproposition" | "iddecisionmakers" | "perceptionanalysis" | "qualifiedtobuy" | "discovery" => "Discover",
        "proposalpricequote" | "proposal" | "presentationscheduled" | "decisionmakerboughtin" => "Propose",
        "negotiationreview" | "negotiation" | "contractsent" => "Negotiate",
        "closedwon" | "won" => "Closed Won",
        "closedlost" | "lost" => "Closed Lost",
        _ => return None,
    })
}

/// An account name compared for dedupe: case, punctuation and legal suffixes ignored
/// (`ACME, Inc.` = `Acme Inc` = `acme`).
pub fn name_key(s: &str) -> String {
    const SUFFIXES: [&str; 16] = ["inc", "incorporated", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company", "sa", "ag", "plc", "bv", "srl", "spa"];
    let lower = s.to_lowercase();
    let words: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut end = words.len();
    while end > 1 && SUFFIXES.contains(&words[end - 1].as_str()) {
        end -= 1;
    }
    words[..end].join(" ")
}

/// A Salesforce id in its case-sensitive 15-character form (reports show 15, Data Export 18).
pub fn salesforce_id(s: &str) -> String {
    let s = s.trim();
    if s.len() == 18 && s.chars().all(|c| c.is_ascii_alphanumeric()) {
        s[..15].to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_any_locale() {
        assert_eq!(parse_amount("$1,234.56"), Some(123_456));
        assert_eq!(parse_amount("1.234,56 €"), Some(123_456));
        assert_eq!(parse_amount("1,200"), Some(120_000));
        assert_eq!(parse_amount("12,5"), Some(1_250));
        assert_eq!(parse_amount("USD 90000"), Some(9_000_000));
        assert_eq!(parse_amount("1 200 000"), Some(120_000_000));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount("1.2.3,4.5"), None);
    }

    #[test]
    fn dates_in_the_usual_formats() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31);
        assert_eq!(parse_date("2026-03-31"), d);
        assert_eq!(parse_date("2026-03-31 10:00"), d);
        assert_eq!(parse_date("3/31/2026"), d);
        assert_eq!(parse_date("31/03/2026"), d);
        assert_eq!(parse_date("31.03.2026"), d);
        assert_eq!(parse_date("46112"), d);
        assert_eq!(parse_date("next week"), None);
        assert_eq!(parse_date("2/30/2026"), None);
        assert_eq!(parse_date("2026-03-3ł"), None);
    }

    #[test]
    fn salesforce_values() {
        assert_eq!(opp_kind("Existing Customer - Upgrade"), OppKind::Upsell);
        assert_eq!(opp_kind("New Customer"), OppKind::NewBusiness);
        assert_eq!(opp_kind("Existing Customer - Replacement"), OppKind::Renewal);
        assert_eq!(stage_alias("Proposal/Price Quote"), Some("Propose"));
        assert_eq!(stage_alias("closedwon"), Some("Closed Won"));
        assert_eq!(name_key("ACME, Inc."), "acme");
        assert_eq!(salesforce_id("0015g00000XyZabAAB"), "0015g00000XyZab");
        assert_eq!(parse_percent("75%"), Some(75));
        assert_eq!(parse_percent("0.5"), Some(50));
    }
}
