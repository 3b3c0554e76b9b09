//! Expanding a recurrence rule (RFC 5545 RRULE) over a bounded window, in the event's own wall
//! time so a weekly 9:00 stays 9:00 across daylight-saving changes. Covers what calendar
//! invites use: FREQ DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, COUNT, UNTIL, BYDAY (with an
//! ordinal for monthly, `2TU`, `-1FR`) and BYMONTHDAY.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, Weekday};

/// The most occurrences one rule may produce (a daily rule over the window is 500).
pub const MAX_OCCURRENCES: usize = 1_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    freq: Freq,
    interval: u32,
    count: Option<usize>,
    /// Last allowed start, in the event's wall time.
    until: Option<NaiveDateTime>,
    by_day: Vec<(i32, Weekday)>,
    by_month_day: Vec<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Reads an RRULE value; `until` is given already converted to wall time by the caller.
pub fn parse(value: &str, until: impl Fn(&str) -> Option<NaiveDateTime>) -> Result<Rule, String> {
    let mut rule = Rule { freq: Freq::Daily, interval: 1, count: None, until: None, by_day: Vec::new(), by_month_day: Vec::new() };
    let mut freq = None;
    for part in value.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("'{part}' is not KEY=VALUE"))?;
        match k.to_uppercase().as_str() {
            "FREQ" => {
                freq = Some(match v.to_uppercase().as_str() {
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    "YEARLY" => Freq::Yearly,
                    other => return Err(format!("FREQ={other} is not supported")),
                })
            }
            "INTERVAL" => rule.interval = v.parse().ok().filter(|n| *n >= 1).ok_or("INTERVAL is not a positive number")?,
            "COUNT" => rule.count = Some(v.parse().map_err(|_| "COUNT is not a number")?),
            "UNTIL" => rule.until = Some(until(v).ok_or_else(|| format!("UNTIL={v} is not a date"))?),
            "BYDAY" => {
                for d in v.split(',') {
                    let d = d.trim().to_uppercase();
                    let cut = d.len().saturating_sub(2);
                    let (n, day) = if d.is_char_boundary(cut) { d.split_at(cut) } else { return Err(format!("BYDAY={d} is not a weekday")) };
                    let day = weekday(day).ok_or_else(|| format!("BYDAY={d} is not a weekday"))?;
                    let n: i32 = if n.is_empty() { 0 } else { n.trim_start_matches('+').parse().map_err(|_| format!("BYDAY={d}"))? };
                    rule.by_day.push((n, day));
                }
            }
            "BYMONTHDAY" => {
                for d in v.split(',') {
                    rule.by_month_day.push(d.trim().parse().map_err(|_| format!("BYMONTHDAY={d}"))?);
                }
            }
            // WKST, BYSETPOS and the like: not used by invites in practice; ignored.
            _ => {}
        }
    }
    rule.freq = freq.ok_or("the rule has no FREQ")?;
    Ok(rule)
}

/// The nth (1-based; negative from the end) `day` of a month.
fn nth_weekday(year: i32, month: u32, n: i32, day: Weekday) -> Option<NaiveDate> {
    if n > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, day, u8::try_from(n).ok()?)
    } else {
        let first_next = NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_months(Months::new(1))?;
        let mut d = first_next.pred_opt()?;
        while d.weekday() != day {
            d = d.pred_opt()?;
        }
        d.checked_sub_days(Days::new(7 * (n.unsigned_abs() as u64 - 1)))
    }
}

/// Occurrence starts (wall time), first to last, that begin no later than `window_end`.
pub fn expand(rule: &Rule, start: NaiveDateTime, window_end: NaiveDateTime) -> Vec<NaiveDateTime> {
    let time = start.time();
    let mut out = Vec::new();
    let mut produced = 0usize;
    let done = |t: NaiveDateTime, produced: usize| rule.count.is_some_and(|c| produced >= c) || rule.until.is_some_and(|u| t > u) || t > window_end;
    for period in 0..(MAX_OCCURRENCES as u32 * 4) {
        let Some(step) = period.checked_mul(rule.interval) else { break };
        let candidates: Vec<NaiveDate> = match rule.freq {
            Freq::Daily => start.date().checked_add_days(Days::new(step as u64)).into_iter().collect(),
            Freq::Weekly => {
                let Some(week_start) = start.date().checked_add_days(Days::new(7 * step as u64)) else { break };
                let Some(monday) = week_start.checked_sub_days(Days::new(week_start.weekday().num_days_from_monday() as u64)) else { break };
                if rule.by_day.is_empty() {
                    vec![week_start]
                } else {
                    let mut days: Vec<NaiveDate> = rule.by_day.iter().filter_map(|(_, d)| monday.checked_add_days(Days::new(d.num_days_from_monday() as u64))).collect();
                    days.sort();
                    days
                }
            }
            Freq::Monthly => {
                let Some(first) = start.date().with_day(1).and_then(|d| d.checked_add_months(Months::new(step))) else { break };
                let (y, m) = (first.year(), first.month());
                let mut days: Vec<NaiveDate> = if !rule.by_day.is_empty() {
                    rule.by_day.iter().filter_map(|(n, d)| nth_weekday(y, m, if *n == 0 { 1 } else { *n }, *d)).collect()
                } else if !rule.by_month_day.is_empty() {
                    rule.by_month_day.iter().filter_map(|d| if *d > 0 { NaiveDate::from_ymd_opt(y, m, *d as u32) } else { first.checked_add_months(Months::new(1))?.checked_sub_days(Days::new(d.unsigned_abs() as u64)) }).collect()
                } else {
                    NaiveDate::from_ymd_opt(y, m, start.day()).into_iter().collect()
                };
                days.sort();
                days
            }
            Freq::Yearly => i32::try_from(step).ok().and_then(|y| start.year().checked_add(y)).and_then(|y| NaiveDate::from_ymd_opt(y, start.month(), start.day())).into_iter().collect(),
        };
        let Some(last) = candidates.last().copied().or_else(|| start.date().checked_add_days(Days::new(step as u64))) else { break };
        for d in candidates {
            let t = d.and_time(time);
            if t < start {
                continue;
            }
            if done(t, produced) {
                return out;
            }
            produced += 1;
            out.push(t);
            if out.len() >= MAX_OCCURRENCES {
                return out;
            }
        }
        if last.and_time(time) > window_end {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn weekly_on_two_days_with_count() {
        let r = parse("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", |_| None).unwrap();
        let got = expand(&r, t("2026-11-24 09:00"), t("2027-12-31 00:00"));
        assert_eq!(got, [t("2026-11-24 09:00"), t("2026-11-26 09:00"), t("2026-12-01 09:00"), t("2026-12-03 09:00")]);
    }

    #[test]
    fn monthly_second_tuesday_until() {
        let r = parse("FREQ=MONTHLY;BYDAY=2TU;UNTIL=x", |_| Some(t("2027-02-28 00:00"))).unwrap();
        let got = expand(&r, t("2026-12-08 15:00"), t("2027-12-31 00:00"));
        assert_eq!(got, [t("2026-12-08 15:00"), t("2027-01-12 15:00"), t("2027-02-09 15:00")]);
    }

    #[test]
    fn daily_stops_at_the_window() {
        let r = parse("FREQ=DAILY;INTERVAL=2", |_| None).unwrap();
        assert_eq!(expand(&r, t("2026-11-01 08:00"), t("2026-11-07 00:00")).len(), 3);
        assert!(parse("FREQ=SECONDLY", |_| None).is_err());
        assert!(parse("FREQ=WEEKLY;BYDAY=łł", |_| None).is_err());
        let huge = parse("FREQ=YEARLY;INTERVAL=4294967295", |_| None).unwrap();
        assert_eq!(expand(&huge, t("2026-11-01 08:00"), t("2030-01-01 00:00")).len(), 1);
    }
}
