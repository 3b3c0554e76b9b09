use crate::support::*;
use rapport_core::domain::*;
use rapport_core::{Filter, ListQuery};

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

/// An Outlook/Teams invite: Windows zone name, VTIMEZONE, folded lines, Teams link.
const OUTLOOK_TEAMS: &str = "BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN=Jane Rep:mailto:jane@rapport-sales.example
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Ana Nowak:mailto:Ana.Nowak@acme.com
ATTENDEE;ROLE=OPT-PARTICIPANT;CN=Bob Smith:mailto:bob@acme.com
DESCRIPTION;LANGUAGE=en-US:Quarterly review.\\n\\n___________________\\nMicrosoft Teams
  meeting\\nJoin on your computer or mobile app\\n<https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d>\\n
UID:040000008200E00074C5B7101A82E00800000000D0E1F2A3B4C5D601000000000000000010000000
SUMMARY;LANGUAGE=en-US:Acme QBR
DTSTART;TZID=W. Europe Standard Time:20261201T100000
DTEND;TZID=W. Europe Standard Time:20261201T110000
SEQUENCE:0
LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting
X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d
BEGIN:VALARM
DESCRIPTION:REMINDER
TRIGGER;RELATED=START:-PT15M
ACTION:DISPLAY
END:VALARM
END:VEVENT
END:VCALENDAR
";

/// A Google Calendar weekly series with an exception, in UTC, with a Meet link.
const GOOGLE_WEEKLY: &str = "BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VEVENT
DTSTART:20261124T150000Z
DTEND:20261124T153000Z
RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TU
EXDATE:20261201T150000Z
DTSTAMP:20261120T100000Z
UID:5n3k2j1h0g@google.com
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=cat@globex.com:mailto:cat@globex.com
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Globex weekly sync
END:VEVENT
END:VCALENDAR
";

/// A Zoom invite: IANA zone, join link only in LOCATION.
const ZOOM: &str = "BEGIN:VCALENDAR
PRODID:-//zoom.us//iCalendar Event//EN
VERSION:2.0
BEGIN:VEVENT
DTSTART;TZID=America/New_York:20261203T090000
DTEND;TZID=America/New_York:20261203T094500
SUMMARY:Initech discovery call
UID:ZOOM85551234567@zoom.us
LOCATION:https://us02web.zoom.us/j/85551234567?pwd=aBcDeF
DESCRIPTION:Jane Rep is inviting you to a scheduled Zoom meeting.
END:VEVENT
END:VCALENDAR
";

fn meetings(b: &TestBook) -> Vec<Record<Meeting>> {
    b.app.meetings().list(&ListQuery::default().sort_by("starts_at", false)).unwrap().items
}

#[test]
fn an_outlook_teams_invite_becomes_a_meeting_with_its_zone_people_account_and_link() {
    let b = book();
    let acme = b.app.accounts().create(Account { name: "Acme".into(), domain: Some("acme.com".into()), ..Default::default() }).unwrap();
    let ana = b.app.contacts().create(Contact { account_id: Some(acme.id), first_name: "Ana".into(), last_name: "Nowak".into(), email: Some("ana.nowak@acme.com".into()), ..Default::default() }).unwrap();
    let r = b.app.imports().ics(&crlf(OUTLOOK_TEAMS)).unwrap();
    assert_eq!((r.created, r.errors.len()), (1, 0), "{r:?}");
    let m = &meetings(&b)[0].data;
    assert_eq!(m.title, "Acme QBR");
    assert_eq!(m.timezone, "Europe/Berlin");
    assert_eq!(m.starts_at.to_rfc3339(), "2026-12-01T09:00:00+00:00");
    assert_eq!(m.ends_at - m.starts_at, chrono::Duration::hours(1));
    assert_eq!(m.account_id, Some(acme.id));
    assert_eq!(m.attendee_ids, [ana.id], "Ana by email; Bob is not in the book");
    assert!(m.link.as_deref().unwrap().starts_with("https://teams.microsoft.com/l/meetup-join/"));
    assert!(m.agenda.contains("Quarterly review.\n"), "{}", m.agenda);
    assert!(!m.agenda.contains("REMINDER"), "the alarm's text is not the meeting's");

    // The same invite again: nothing changes, nothing is queued.
    let ops = b.app.outbox(0, 1000).unwrap().len();
    let again = b.app.imports().ics(&crlf(OUTLOOK_TEAMS)).unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));
    assert_eq!(b.app.outbox(0, 1000).unwrap().len(), ops);
}

#[test]
fn a_recurring_series_expands_without_its_excluded_dates_and_picks_the_meet_link() {
    let b = book();
    let r = b.app.imports().ics(GOOGLE_WEEKLY.as_bytes()).unwrap();
    assert_eq!(r.created, 3, "{r:?}");
    let starts: Vec<String> = meetings(&b).iter().map(|m| m.data.starts_at.format("%Y-%m-%d %H:%M").to_string()).collect();
    assert_eq!(starts, ["2026-11-24 15:00", "2026-12-08 15:00", "2026-12-15 15:00"]);
    assert!(meetings(&b).iter().all(|m| m.data.link.as_deref() == Some("https://meet.google.com/abc-defg-hij")));
}

#[test]
fn a_zoom_invite_keeps_new_york_time_and_the_zoom_link() {
    let b = book();
    b.app.imports().ics(ZOOM.as_bytes()).unwrap();
    let m = &meetings(&b)[0].data;
    assert_eq!((m.timezone.as_str(), m.starts_at.to_rfc3339()), ("America/New_York", "2026-12-03T14:00:00+00:00".to_string()));
    assert_eq!(m.link.as_deref(), Some("https://us02web.zoom.us/j/85551234567?pwd=aBcDeF"));
    assert_eq!(m.location.as_deref(), Some("https://us02web.zoom.us/j/85551234567?pwd=aBcDeF"));
}

#[test]
fn updates_with_a_higher_sequence_move_the_meeting_and_older_copies_are_ignored() {
    let b = book();
    b.app.imports().ics(ZOOM.as_bytes()).unwrap();
    let id = meetings(&b)[0].id;
    let moved = ZOOM.replace("20261203T090000", "20261204T130000").replace("20261203T094500", "20261204T134500").replace("UID:", "SEQUENCE:2\nUID:");
    let r = b.app.imports().ics(moved.as_bytes()).unwrap();
    assert_eq!(r.updated, 1);
    assert_eq!(b.app.meetings().get(id).unwrap().data.starts_at.to_rfc3339(), "2026-12-04T18:00:00+00:00");
    // The original invite (sequence 0) arrives late: ignored.
    let r = b.app.imports().ics(ZOOM.as_bytes()).unwrap();
    assert_eq!((r.outdated, r.updated), (1, 0));
    assert_eq!(b.app.meetings().get(id).unwrap().data.starts_at.to_rfc3339(), "2026-12-04T18:00:00+00:00");
}

#[test]
fn cancellations_send_the_meeting_or_one_occurrence_to_trash() {
    let b = book();
    b.app.imports().ics(GOOGLE_WEEKLY.as_bytes()).unwrap();
    b.app.imports().ics(ZOOM.as_bytes()).unwrap();
    // Google cancels one occurrence with STATUS:CANCELLED and a RECURRENCE-ID.
    let one = "BEGIN:VCALENDAR\nMETHOD:CANCEL\nBEGIN:VEVENT\nUID:5n3k2j1h0g@google.com\nRECURRENCE-ID:20261208T150000Z\nDTSTART:20261208T150000Z\nSEQUENCE:1\nSTATUS:CANCELLED\nSUMMARY:Globex weekly sync\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_eq!(b.app.imports().ics(one.as_bytes()).unwrap().cancelled, 1);
    // Zoom cancels the whole meeting with METHOD:CANCEL.
    let all = ZOOM.replace("VERSION:2.0", "VERSION:2.0\nMETHOD:CANCEL").replace("UID:", "SEQUENCE:1\nUID:");
    assert_eq!(b.app.imports().ics(all.as_bytes()).unwrap().cancelled, 1);
    let left: Vec<String> = meetings(&b).iter().map(|m| m.data.starts_at.format("%m-%d").to_string()).collect();
    assert_eq!(left, ["11-24", "12-15"]);
    let trashed = b.app.meetings().list(&ListQuery { include: rapport_core::Include::Deleted, ..Default::default() }).unwrap().items;
    assert_eq!(trashed.len(), 2);
    assert!(b.app.meetings().list(&ListQuery::default().filter(Filter::eq("title", "Initech discovery call"))).unwrap().items.is_empty());
}

#[test]
fn broken_invites_are_reported_and_the_rest_still_import() {
    let b = book();
    let e = b.app.imports().ics(b"Name,Email\nAna,ana@acme.com\n").unwrap_err();
    assert_eq!(e.field(), Some("file"));
    let e = b.app.imports().ics(&[0xFF, 0xFE, 0x00, 0x42]).unwrap_err();
    assert!(e.to_string().contains("UTF-8"), "{e}");
    let mixed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:no-start\nSUMMARY:Broken\nEND:VEVENT\nBEGIN:VEVENT\nUID:bad-rule\nDTSTART:20261201T100000Z\nRRULE:FREQ=SECONDLY\nEND:VEVENT\nBEGIN:VEVENT\nUID:ok\nDTSTART:20261201T100000Z\nDURATION:PT30M\nSUMMARY:Fine\nEND:VEVENT\n";
    let absurd = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:absurd\nDTSTART:20261201T100000Z\nDURATION:P99999999999999W\nRRULE:FREQ=DAILY;INTERVAL=4294967295;BYDAY=ł\nEND:VEVENT\nBEGIN:VEVENT\nUID:long\nDTSTART:20261201T100000Z\nDTEND:99991231T000000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    let r = b.app.imports().ics(absurd.as_bytes()).unwrap();
    assert_eq!((r.created, r.errors.len()), (0, 2), "{r:?}");
    // Cut short: no END:VCALENDAR, and the last event is complete.
    let r = b.app.imports().ics(mixed.as_bytes()).unwrap();
    assert_eq!(r.created, 1);
    let lines: Vec<usize> = r.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 6], "{:?}", r.errors);
    assert_eq!(meetings(&b)[0].data.ends_at - meetings(&b)[0].data.starts_at, chrono::Duration::minutes(30));
}

#[test]
fn a_calendar_import_can_be_undone_like_a_file_import() {
    let b = book();
    let first = b.app.imports().ics(GOOGLE_WEEKLY.as_bytes()).unwrap();
    b.app.imports().ics(ZOOM.as_bytes()).unwrap();
    let id = meetings(&b).iter().find(|m| m.data.title == "Initech discovery call").unwrap().id;
    let moved = ZOOM.replace("20261203T090000", "20261204T130000").replace("20261203T094500", "20261204T134500").replace("UID:", "SEQUENCE:2\nUID:");
    let update = b.app.imports().ics(moved.as_bytes()).unwrap();
    let cancel = "BEGIN:VCALENDAR\nMETHOD:CANCEL\nBEGIN:VEVENT\nUID:5n3k2j1h0g@google.com\nSEQUENCE:3\nDTSTART:20261124T150000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    let cancelled = b.app.imports().ics(cancel.as_bytes()).unwrap();
    assert_eq!(cancelled.cancelled, 3);

    let u = b.app.imports().undo(cancelled.batch.unwrap()).unwrap();
    assert_eq!(u.restored, 3);
    let u = b.app.imports().undo(update.batch.unwrap()).unwrap();
    assert_eq!(u.reverted, 1);
    assert_eq!(b.app.meetings().get(id).unwrap().data.starts_at.to_rfc3339(), "2026-12-03T14:00:00+00:00");
    let u = b.app.imports().undo(first.batch.unwrap()).unwrap();
    assert_eq!(u.trashed, 3);
    assert_eq!(meetings(&b).len(), 1);
}
