//! Calendar invites (.ics from Outlook, Google Calendar, Zoom, Teams) become meetings.
//!
//! Times with a TZID (IANA or Outlook's Windows zone names) or in UTC; recurring series
//! expanded over a window (90 days back, a year ahead) minus their EXDATEs, with moved
//! occurrences (RECURRENCE-ID) applied; METHOD:CANCEL and STATUS:CANCELLED send meetings to
//! Trash; a copy with a lower SEQUENCE than one already imported is ignored. Attendees match
//! contacts by email and the meeting's account by email domain; the join link is picked out of
//! LOCATION, DESCRIPTION, URL or the X- properties Teams and Google add.

use super::contentline::{self, Line};
use super::rrule;
use super::table::RowError;
use crate::app::App;
use crate::domain::{EntityKind, Id, Meeting};
use crate::error::{Error, Result};
use crate::repo::{create_in, update_in};
use crate::store::{import as sql, query};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

const MAX_BYTES: usize = 50 << 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IcsReport {
    /// The import batch, to undo it (`None` when nothing changed).
    pub batch: Option<Id>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Meetings sent to Trash by a cancellation (or dropped from a series).
    pub cancelled: usize,
    /// Invites older (lower SEQUENCE) than what is in the book: ignored.
    pub outdated: usize,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone)]
enum When {
    Utc(DateTime<Utc>),
    Local(NaiveDateTime, Option<Tz>),
    Date(NaiveDate),
}

#[derive(Debug, Clone, Default)]
struct Event {
    line: usize,
    uid: String,
    sequence: i64,
    summary: String,
    start: Option<When>,
    end: Option<When>,
    duration: Option<Duration>,
    location: Option<String>,
    description: Option<String>,
    cancelled: bool,
    rrule: Option<String>,
    exdates: Vec<When>,
    recurrence_id: Option<When>,
    attendees: Vec<String>,
    links: Vec<String>,
}

/// Outlook writes Windows zone names; the usual ones, as IANA zones.
fn windows_zone(name: &str) -> Option<&'static str> {
    Some(match name {
        "Pacific Standard Time" => "America/Los_Angeles",
        "Mountain Standard Time" => "America/Denver",
        "US Mountain Standard Time" => "America/Phoenix",
        "Central Standard Time" => "America/Chicago",
        "Eastern Standard Time" => "America/New_York",
        "Atlantic Standard Time" => "America/Halifax",
        "GMT Standard Time" => "Europe/London",
        "Greenwich Standard Time" => "Atlantic/Reykjavik",
        "W. Europe Standard Time" => "Europe/Berlin",
        "Central Europe Standard Time" => "Europe/Budapest",
        "Central European Standard Time" => "Europe/Warsaw",
        "Romance Standard Time" => "Europe/Paris",
        "E. Europe Standard Time" => "Europe/Chisinau",
        "FLE Standard Time" => "Europe/Kiev",
        "GTB Standard Time" => "Europe/Bucharest",
        "Russian Standard Time" => "Europe/Moscow",
        "India Standard Time" => "Asia/Kolkata",
        "China Standard Time" => "Asia/Shanghai",
        "Singapore Standard Time" => "Asia/Singapore",
        "Tokyo Standard Time" => "Asia/Tokyo",
        "Korea Standard Time" => "Asia/Seoul",
        "AUS Eastern Standard Time" => "Australia/Sydney",
        "New Zealand Standard Time" => "Pacific/Auckland",
        "E. South America Standard Time" => "America/Sao_Paulo",
        "UTC" | "Coordinated Universal Time" => "UTC",
        _ => return None,
    })
}

fn zone(tzid: &str) -> Option<Tz> {
    let t = tzid.trim().trim_start_matches('/');
    t.parse::<Tz>().ok().or_else(|| windows_zone(t).and_then(|z| z.parse().ok()))
}

fn parse_when(l: &Line) -> Option<When> {
    let v = l.value.trim();
    if l.param("VALUE") == Some("DATE") || (v.len() == 8 && v.chars().all(|c| c.is_ascii_digit())) {
        return NaiveDate::parse_from_str(v, "%Y%m%d").ok().map(When::Date);
    }
    if let Some(u) = v.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(u, "%Y%m%dT%H%M%S").ok().map(|t| When::Utc(t.and_utc()));
    }
    let t = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").ok()?;
    Some(When::Local(t, l.param("TZID").and_then(zone)))
}

fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.trim_start_matches('+')),
    };
    let s = s.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut num = String::new();
    for c in s.chars() {
        match c {
            '0'..='9' => num.push(c),
            'T' => {}
            unit => {
                let n: i64 = num.parse().ok()?;
                num.clear();
                let part = match unit {
                    'W' => Duration::try_weeks(n),
                    'D' => Duration::try_days(n),
                    'H' => Duration::try_hours(n),
                    'M' => Duration::try_minutes(n),
                    'S' => Duration::try_seconds(n),
                    _ => None,
                }?;
                total = total.checked_add(&part)?;
            }
        }
    }
    Some(if neg { -total } else { total })
}

/// Every https link in a text, meeting hosts first.
fn links_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("https://") {
        let tail = &rest[i..];
        let end = tail.find(|c: char| c.is_whitespace() || "<>\"'\\".contains(c)).unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ')', ']']);
        out.push(url.to_string());
        rest = &tail[end..];
    }
    out
}

fn is_meeting_link(u: &str) -> bool {
    ["zoom.us/j/", "zoom.us/my/", "teams.microsoft.com/l/meetup-join", "teams.live.com/meet", "meet.google.com/", "webex.com/"].iter().any(|h| u.contains(h))
}

fn events(text: &str) -> (Option<String>, Vec<Event>) {
    let mut method = None;
    let mut out = Vec::new();
    let mut cur: Option<Event> = None;
    let mut depth_other = 0;
    for l in contentline::parse(text) {
        match (l.name.as_str(), l.value.trim().to_uppercase().as_str()) {
            ("BEGIN", "VEVENT") => cur = Some(Event { line: l.line, ..Default::default() }),
            ("END", "VEVENT") => out.extend(cur.take()),
            // Alarms inside an event have their own DESCRIPTION and the like.
            ("BEGIN", _) if cur.is_some() => depth_other += 1,
            ("END", _) if cur.is_some() && depth_other > 0 => depth_other -= 1,
            ("METHOD", m) if cur.is_none() => method = Some(m.to_string()),
            _ => {}
        }
        let Some(e) = cur.as_mut() else { continue };
        if depth_other > 0 {
            continue;
        }
        let text = || contentline::unescape(&l.value);
        match l.name.as_str() {
            "UID" => e.uid = l.value.trim().to_string(),
            "SEQUENCE" => e.sequence = l.value.trim().parse().unwrap_or(0),
            "SUMMARY" => e.summary = text().trim().to_string(),
            "DTSTART" => e.start = parse_when(&l),
            "DTEND" => e.end = parse_when(&l),
            "DURATION" => e.duration = parse_duration(&l.value),
            "LOCATION" => {
                let t = text();
                e.links.extend(links_in(&t));
                e.location = Some(t.trim().to_string()).filter(|s| !s.is_empty());
            }
            "DESCRIPTION" => {
                let t = text();
                e.links.extend(links_in(&t));
                e.description = Some(t);
            }
            "URL" | "X-MICROSOFT-SKYPETEAMSMEETINGURL" | "X-MICROSOFT-ONLINEMEETINGCONFLINK" | "X-GOOGLE-CONFERENCE" | "X-ZOOM-MEETING-URL" => e.links.insert(0, l.value.trim().to_string()),
            "STATUS" => e.cancelled = l.value.trim().eq_ignore_ascii_case("CANCELLED"),
            "RRULE" => e.rrule = Some(l.value.trim().to_string()),
            "EXDATE" => {
                for v in l.value.split(',') {
                    let one = Line { value: v.to_string(), ..l.clone() };
                    e.exdates.extend(parse_when(&one));
                }
            }
            "RECURRENCE-ID" => e.recurrence_id = parse_when(&l),
            "ATTENDEE" | "ORGANIZER" => {
                let v = l.value.trim();
                if let Some(mail) = v.get(..7).filter(|p| p.eq_ignore_ascii_case("mailto:")).map(|_| &v[7..]) {
                    if l.name == "ATTENDEE" {
                        e.attendees.push(mail.trim().to_lowercase());
                    }
                }
            }
            _ => {}
        }
    }
    (method, out)
}

/// (start, zone name) of a time as an instant.
fn resolve(w: &When, fallback: Tz) -> Option<(DateTime<Utc>, Tz)> {
    match w {
        When::Utc(t) => Some((*t, fallback)),
        When::Local(t, z) => {
            let z = z.unwrap_or(fallback);
            z.from_local_datetime(t).earliest().map(|t| (t.with_timezone(&Utc), z))
        }
        When::Date(d) => d.and_hms_opt(0, 0, 0).and_then(|t| fallback.from_local_datetime(&t).earliest()).map(|t| (t.with_timezone(&Utc), fallback)),
    }
}

/// One meeting to write: its key and data.
struct Occurrence {
    key: String,
    meeting: Meeting,
}

fn key(uid: &str, start: Option<DateTime<Utc>>) -> String {
    match start {
        Some(t) => format!("ics:{uid}:{}", t.format("%Y%m%dT%H%M%SZ")),
        None => format!("ics:{uid}"),
    }
}

struct Book {
    contacts: HashMap<String, Id>,
    domains: HashMap<String, Id>,
    meetings: HashMap<String, Id>,
}

fn occurrences(e: &Event, book: &Book, now: DateTime<Utc>) -> std::result::Result<Vec<Occurrence>, String> {
    let start_w = e.start.as_ref().ok_or("the invite has no start time (DTSTART)")?;
    let tz_hint = match start_w {
        When::Local(_, Some(z)) => *z,
        _ => chrono_tz::UTC,
    };
    let (start, tz) = resolve(start_w, tz_hint).ok_or("the start time does not exist in its time zone")?;
    let length = match (&e.end, e.duration) {
        (Some(end), _) => resolve(end, tz).map(|(t, _)| t - start).ok_or("the end time does not exist in its time zone")?,
        (None, Some(d)) => d,
        (None, None) if matches!(start_w, When::Date(_)) => Duration::days(1),
        (None, None) => Duration::hours(1),
    };
    if length < Duration::zero() {
        return Err("the invite ends before it starts".into());
    }
    let attendee_ids: Vec<Id> = {
        let mut seen = HashSet::new();
        e.attendees.iter().filter_map(|a| book.contacts.get(a).copied()).filter(|id| seen.insert(*id)).collect()
    };
    let account_id = e.attendees.iter().filter_map(|a| a.rsplit_once('@')).find_map(|(_, d)| book.domains.get(d).copied());
    let link = e.links.iter().find(|l| is_meeting_link(l)).or(e.links.first()).cloned().filter(|l| crate::domain::validate::url("link", l).is_ok());
    let end_of = |s: DateTime<Utc>| s.checked_add_signed(length).ok_or("the invite's end is out of range");
    let base = Meeting {
        title: if e.summary.is_empty() { "(no title)".into() } else { e.summary.chars().take(300).collect() },
        starts_at: start,
        ends_at: end_of(start)?,
        timezone: tz.name().to_string(),
        location: e.location.as_ref().map(|l| l.chars().take(500).collect()),
        link,
        account_id,
        attendee_ids,
        agenda: e.description.as_deref().unwrap_or("").chars().take(100_000).collect(),
        ..Default::default()
    };
    let Some(rule) = &e.rrule else {
        let k = match &e.recurrence_id {
            Some(r) => key(&e.uid, resolve(r, tz).map(|x| x.0)),
            None => key(&e.uid, None),
        };
        return Ok(vec![Occurrence { key: k.clone(), meeting: Meeting { source_ref: Some(k), ..base } }]);
    };
    let wall = |w: &When| -> Option<NaiveDateTime> {
        match w {
            When::Utc(t) => Some(t.with_timezone(&tz).naive_local()),
            When::Local(t, Some(z)) if *z != tz => z.from_local_datetime(t).earliest().map(|x| x.with_timezone(&tz).naive_local()),
            When::Local(t, _) => Some(*t),
            When::Date(d) => d.and_hms_opt(0, 0, 0),
        }
    };
    let until = |v: &str| parse_when(&Line { line: 0, name: String::new(), params: Vec::new(), value: v.into() }).and_then(|w| wall(&w)).and_then(|t| if v.len() == 8 { t.checked_add_signed(Duration::seconds(86_399)) } else { Some(t) });
    let rule = rrule::parse(rule, until).map_err(|e| format!("RRULE: {e}"))?;
    let local_start = start.with_timezone(&tz).naive_local();
    let window_start = now - Duration::days(90);
    let window_end = (now + Duration::days(365)).with_timezone(&tz).naive_local();
    let excluded: HashSet<NaiveDateTime> = e.exdates.iter().filter_map(wall).collect();
    let excluded_dates: HashSet<NaiveDate> = e.exdates.iter().filter_map(|w| if let When::Date(d) = w { Some(*d) } else { None }).collect();
    let mut out = Vec::new();
    for t in rrule::expand(&rule, local_start, window_end) {
        if excluded.contains(&t) || excluded_dates.contains(&t.date()) {
            continue;
        }
        let Some(s) = tz.from_local_datetime(&t).earliest().map(|x| x.with_timezone(&Utc)) else { continue };
        if s < window_start {
            continue;
        }
        let k = key(&e.uid, Some(s));
        out.push(Occurrence { key: k.clone(), meeting: Meeting { starts_at: s, ends_at: end_of(s)?, source_ref: Some(k), ..base.clone() } });
    }
    Ok(out)
}

pub fn import(app: &App, bytes: &[u8]) -> Result<IcsReport> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid("file", format!("is larger than {} MB", MAX_BYTES >> 20)));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)).map_err(|_| Error::invalid("file", "is not UTF-8 text, so not a calendar file"))?;
    if !text.trim_start().to_uppercase().starts_with("BEGIN:VCALENDAR") {
        return Err(Error::invalid("file", "is not a calendar file (no BEGIN:VCALENDAR)"));
    }
    let (method, mut evs) = events(text);
    let cancel_all = method.as_deref() == Some("CANCEL");
    // Series before their moved occurrences.
    evs.sort_by_key(|e| e.recurrence_id.is_some());
    let settings = app.settings();
    let now = app.now();
    app.write(|w| {
        let mut report = IcsReport::default();
        let mut rec = super::commit::Recorder::new();
        let c = w.conn();
        let mut book = Book {
            contacts: sql::known(c, EntityKind::Contact)?.into_iter().filter_map(|k| k.key.map(|e| (e.to_lowercase(), k.id))).collect(),
            domains: sql::known(c, EntityKind::Account)?.into_iter().filter_map(|k| k.key.map(|d| (d, k.id))).collect(),
            meetings: sql::known(c, EntityKind::Meeting)?.into_iter().filter_map(|k| k.source_ref.map(|r| (r, k.id))).collect(),
        };
        let mut sequences: HashMap<String, i64> = HashMap::new();
        let mut series_keys: HashMap<String, HashSet<String>> = HashMap::new();
        for e in &evs {
            if e.uid.is_empty() {
                report.errors.push(RowError::new(e.line, Some("UID"), "the invite has no UID"));
                continue;
            }
            if let Some(seen) = sql::ics_sequence(w.conn(), &e.uid)? {
                if e.sequence < seen {
                    report.outdated += 1;
                    continue;
                }
            }
            let entry = sequences.entry(e.uid.clone()).or_insert(e.sequence);
            *entry = (*entry).max(e.sequence);
            if cancel_all || e.cancelled {
                let prefix = match &e.recurrence_id {
                    Some(r) => key(&e.uid, resolve(r, chrono_tz::UTC).map(|x| x.0)),
                    None => format!("ics:{}", e.uid),
                };
                for (k, id) in &book.meetings {
                    let hit = if e.recurrence_id.is_some() { *k == prefix } else { *k == prefix || k.starts_with(&format!("{prefix}:")) };
                    if hit && w.set_deleted(EntityKind::Meeting, *id, true)? {
                        rec.change(w, EntityKind::Meeting, *id, "trashed", None)?;
                        report.cancelled += 1;
                    }
                }
                continue;
            }
            let occ = match occurrences(e, &book, now) {
                Ok(o) => o,
                Err(msg) => {
                    report.errors.push(RowError::new(e.line, None, msg));
                    continue;
                }
            };
            if e.rrule.is_some() {
                series_keys.entry(e.uid.clone()).or_default().extend(occ.iter().map(|o| o.key.clone()));
            }
            for o in occ {
                let res = match book.meetings.get(&o.key).copied() {
                    Some(id) => {
                        let Some(current) = query::get::<Meeting>(w.conn(), EntityKind::Meeting, &id)? else { continue };
                        // The invite owns time, place and people; the AE's goal and agenda stay.
                        let m = Meeting { goal: current.data.goal.clone(), agenda: current.data.agenda.clone(), account_id: o.meeting.account_id.or(current.data.account_id), ..o.meeting };
                        match update_in(w, &settings, id, m) {
                            Ok(true) => {
                                report.updated += 1;
                                let prev = super::commit::previous_values(w, id, &current.data)?;
                                rec.change(w, EntityKind::Meeting, id, "updated", Some(prev))
                            }
                            Ok(false) => {
                                report.unchanged += 1;
                                Ok(())
                            }
                            Err(e) => Err(e),
                        }
                    }
                    None => create_in(w, &settings, o.meeting).and_then(|id| {
                        book.meetings.insert(o.key.clone(), id);
                        report.created += 1;
                        rec.change(w, EntityKind::Meeting, id, "created", None)
                    }),
                };
                match res {
                    Ok(()) => {}
                    Err(err @ Error::Invalid { .. }) => report.errors.push(RowError::new(e.line, err.field(), err.to_string())),
                    Err(err) => return Err(err),
                }
            }
        }
        // Occurrences a new version of a series no longer has (a new EXDATE, a shorter rule).
        for (uid, keys) in &series_keys {
            let prefix = format!("ics:{uid}:");
            for (k, id) in &book.meetings {
                if k.starts_with(&prefix) && !keys.contains(k) && w.set_deleted(EntityKind::Meeting, *id, true)? {
                    rec.change(w, EntityKind::Meeting, *id, "trashed", None)?;
                    report.cancelled += 1;
                }
            }
        }
        for (uid, seq) in sequences {
            sql::set_ics_sequence(w.conn(), &uid, seq)?;
        }
        let summary = serde_json::json!({ "created": report.created, "updated": report.updated, "cancelled": report.cancelled, "errors": report.errors.len() });
        report.batch = rec.finish(w, "calendar invite", &summary)?;
        Ok(report)
    })
}
