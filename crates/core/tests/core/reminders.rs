//! The reminders engine driven by a fake clock: what fires, when, and only once.

use crate::support::*;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use rapport_core::domain::*;
use rapport_core::reminders::{DueReminder, ReminderSource};
use rapport_core::{App, Event, FakeClock};
use std::collections::VecDeque;
use tokio::sync::broadcast::Receiver;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn local(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn reminder(app: &App, title: &str, due_local: &str, timezone: Option<&str>) -> Record<Reminder> {
    app.reminders()
        .create(Reminder {
            title: title.into(),
            due_local: Some(local(due_local)),
            timezone: timezone.map(str::to_string),
            ..Default::default()
        })
        .unwrap()
}

/// What the engine announces, one reminder at a time (it announces a look's reminders
/// together, oldest first).
struct Dues {
    rx: Receiver<Event>,
    batch: VecDeque<DueReminder>,
}

fn dues(app: &App) -> Dues {
    Dues { rx: app.subscribe(), batch: VecDeque::new() }
}

/// The next reminder the engine announces (other events skipped).
async fn next_due(rx: &mut Dues) -> DueReminder {
    loop {
        if let Some(d) = rx.batch.pop_front() {
            return d;
        }
        let ev = tokio::time::timeout(std::time::Duration::from_secs(5), rx.rx.recv())
            .await
            .expect("no reminder fired within 5 s")
            .expect("event channel");
        if let Event::RemindersDue(due) = ev {
            rx.batch.extend(due.iter().cloned());
        }
    }
}

/// Collects what the engine announces until it has looked at the clock as it stands now: it
/// adds a reminder due now and waits for it, then a second one (announced by a later look, so
/// after everything the first look announced).
async fn settle(b: &TestBook, rx: &mut Dues) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let now = b.app.now().naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
        let probe = reminder(&b.app, "probe", &now, Some("UTC"));
        loop {
            let d = next_due(rx).await;
            if d.key == probe.id.to_string() {
                break;
            }
            if d.title != "probe" {
                seen.push(d.title);
            }
        }
        b.app.complete_reminder(probe.id).unwrap();
    }
    seen
}

#[tokio::test]
async fn a_reminder_fires_when_the_clock_reaches_it_and_not_before() {
    let b = book(); // 2026-11-23 09:00 UTC
    let mut rx = dues(&b.app);
    let r = reminder(&b.app, "Call Ana about the pilot", "2026-11-23T10:00:00", Some("UTC"));
    let _engine = b.app.start_reminders();

    b.clock.set(utc(2026, 11, 23, 9, 59));
    assert!(settle(&b, &mut rx).await.is_empty());
    assert!(b.app.due_reminders().unwrap().is_empty());

    b.clock.set(utc(2026, 11, 23, 10, 0));
    let due = next_due(&mut rx).await;
    assert_eq!(due.title, "Call Ana about the pilot");
    assert_eq!(due.due_at, utc(2026, 11, 23, 10, 0));
    assert_eq!(due.source, ReminderSource::Reminder { id: r.id, recurring: false });
    assert_eq!(b.app.due_reminders().unwrap().iter().map(|d| d.key.clone()).collect::<Vec<_>>(), [r.id.to_string()]);
}

#[tokio::test]
async fn a_fired_reminder_does_not_fire_again_after_the_engine_restarts() {
    let b = book();
    let mut rx = dues(&b.app);
    reminder(&b.app, "Send the proposal", "2026-11-23T08:30:00", Some("UTC"));
    let engine = b.app.start_reminders();
    assert_eq!(next_due(&mut rx).await.title, "Send the proposal");
    engine.stop();

    let _engine = b.app.start_reminders();
    b.clock.advance(Duration::hours(2));
    assert!(settle(&b, &mut rx).await.is_empty(), "fired twice");
    // Still due (not done) for the Today screen.
    assert_eq!(b.app.due_reminders().unwrap().len(), 1);
}

#[tokio::test]
async fn reminders_missed_while_closed_fire_once_at_start() {
    let b = book();
    let mut rx = dues(&b.app);
    reminder(&b.app, "Yesterday's follow-up", "2026-11-22T15:00:00", Some("UTC"));
    let weekly = b
        .app
        .reminders()
        .create(Reminder {
            title: "Weekly check-in".into(),
            due_local: Some(local("2026-10-01T09:00:00")),
            recurrence_days: Some(7),
            ..Default::default()
        })
        .unwrap();
    let done = reminder(&b.app, "Already handled", "2026-11-20T09:00:00", None);
    b.app.complete_reminder(done.id).unwrap();
    reminder(&b.app, "Tomorrow", "2026-11-24T09:00:00", None);

    let _engine = b.app.start_reminders();
    let mut fired = settle(&b, &mut rx).await;
    fired.sort();
    // The weekly reminder missed seven weeks fires once, not seven times.
    assert_eq!(fired, ["Weekly check-in", "Yesterday's follow-up"]);
    assert!(b.app.due_reminders().unwrap().iter().any(|d| d.key == weekly.id.to_string()));
    // The badge counts what Today lists: the two due, not the done one nor tomorrow's.
    assert_eq!(b.app.due_reminders().unwrap().len(), 2);
    assert_eq!(b.app.due_reminder_count().unwrap(), 2);
}

#[tokio::test]
async fn reminders_missed_while_closed_are_announced_together_oldest_first() {
    let b = book(); // 2026-11-23 09:00 UTC
    let mut rx = b.app.subscribe();
    for (title, at) in [("Wednesday", "2026-11-18T10:00:00"), ("Monday", "2026-11-16T10:00:00"), ("Friday", "2026-11-20T10:00:00")] {
        reminder(&b.app, title, at, Some("UTC"));
    }
    let _engine = b.app.start_reminders();
    let batch = loop {
        match tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await.expect("nothing announced within 5 s") {
            Ok(Event::RemindersDue(batch)) => break batch,
            Ok(_) => continue,
            Err(e) => panic!("event channel: {e}"),
        }
    };
    // One announcement for the look, not one per reminder.
    assert_eq!(batch.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), ["Monday", "Wednesday", "Friday"]);
}

#[tokio::test]
async fn the_engine_tells_when_its_first_look_is_over_and_has_announced_by_then() {
    let b = book();
    let mut rx = b.app.subscribe();
    reminder(&b.app, "Missed while away", "2026-11-20T10:00:00", Some("UTC"));
    let engine = b.app.start_reminders();
    tokio::time::timeout(std::time::Duration::from_secs(5), engine.first_look()).await.expect("the first look did not end");
    let announced = std::iter::from_fn(|| rx.try_recv().ok()).find_map(|ev| match ev {
        Event::RemindersDue(batch) => Some(batch.iter().map(|d| d.title.clone()).collect::<Vec<_>>()),
        _ => None,
    });
    assert_eq!(announced, Some(vec!["Missed while away".to_string()]));
}

#[tokio::test]
async fn snoozing_moves_a_reminder_later_and_it_fires_again_then() {
    let b = book();
    let mut rx = dues(&b.app);
    let r = reminder(&b.app, "Prep for the QBR", "2026-11-23T09:00:00", Some("UTC"));
    let _engine = b.app.start_reminders();
    assert_eq!(next_due(&mut rx).await.key, r.id.to_string());

    b.app.snooze_reminder(r.id, utc(2026, 11, 23, 9, 30)).unwrap();
    assert!(b.app.due_reminders().unwrap().is_empty(), "a snoozed reminder is not due");
    assert_eq!(b.app.due_reminder_count().unwrap(), 0, "a snoozed reminder is not counted");
    b.clock.set(utc(2026, 11, 23, 9, 29));
    assert!(settle(&b, &mut rx).await.is_empty());

    b.clock.set(utc(2026, 11, 23, 9, 30));
    let again = next_due(&mut rx).await;
    assert_eq!((again.key, again.due_at), (r.id.to_string(), utc(2026, 11, 23, 9, 30)));
    assert!(b.app.snooze_reminder(r.id, utc(2026, 11, 23, 9, 0)).is_err(), "a snooze into the past");
}

#[tokio::test]
async fn completing_a_keep_in_touch_reminder_brings_it_back_n_days_later() {
    let b = book();
    let mut rx = dues(&b.app);
    let acme = account(&b.app, "Acme");
    let r = b
        .app
        .reminders()
        .create(Reminder {
            title: "Keep in touch with Acme".into(),
            due_local: Some(local("2026-11-23T09:00:00")),
            timezone: Some("UTC".into()),
            about_kind: Some(EntityKind::Account),
            about_id: Some(acme.id),
            recurrence_days: Some(14),
            ..Default::default()
        })
        .unwrap();
    let _engine = b.app.start_reminders();
    let first = next_due(&mut rx).await;
    assert_eq!((first.about_kind, first.about_id), (Some(EntityKind::Account), Some(acme.id)));

    b.app.snooze_reminder(r.id, utc(2026, 11, 23, 11, 0)).unwrap();
    let back = b.app.complete_reminder(r.id).unwrap();
    assert_eq!(back.data.due_local, Some(local("2026-12-07T09:00:00")));
    assert!(!back.data.done);
    assert_eq!(back.data.snoozed_until, None);
    assert!(b.app.due_reminders().unwrap().is_empty());

    b.clock.set(utc(2026, 12, 7, 8, 59));
    assert!(settle(&b, &mut rx).await.is_empty());
    b.clock.set(utc(2026, 12, 7, 9, 0));
    assert_eq!(next_due(&mut rx).await.due_at, utc(2026, 12, 7, 9, 0));

    let once = reminder(&b.app, "One-off", "2026-12-07T09:00:00", None);
    assert!(b.app.complete_reminder(once.id).unwrap().data.done);
}

#[tokio::test]
async fn a_floating_nine_oclock_reminder_fires_at_nine_in_the_new_zone() {
    let clock = FakeClock::at_ymd_hm(2026, 11, 23, 6, 0); // 07:00 in Warsaw
    clock.set_zone(chrono_tz::Europe::Warsaw);
    let b = book_with_clock(clock);
    let mut rx = dues(&b.app);
    reminder(&b.app, "Floating 9:00", "2026-11-23T09:00:00", None);
    reminder(&b.app, "Warsaw 9:00", "2026-11-23T09:00:00", Some("Europe/Warsaw"));
    let _engine = b.app.start_reminders();
    assert!(settle(&b, &mut rx).await.is_empty());

    // Landed in New York before 9:00 Warsaw time.
    b.clock.set_zone(chrono_tz::America::New_York);
    b.clock.set(utc(2026, 11, 23, 8, 0)); // 9:00 in Warsaw, 3:00 in New York
    assert_eq!(settle(&b, &mut rx).await, ["Warsaw 9:00"]);
    assert_eq!(b.app.due_reminder_count().unwrap(), 1, "the floating one is not due yet in New York");

    b.clock.set(utc(2026, 11, 23, 13, 59));
    assert!(settle(&b, &mut rx).await.is_empty());
    b.clock.set(utc(2026, 11, 23, 14, 0)); // 9:00 in New York
    let due = next_due(&mut rx).await;
    assert_eq!((due.title.as_str(), due.due_at), ("Floating 9:00", utc(2026, 11, 23, 14, 0)));
    assert_eq!(b.app.due_reminder_count().unwrap(), 2);
    assert_eq!(b.app.due_reminders().unwrap().len(), 2);
}

#[tokio::test]
async fn a_reminder_added_while_the_engine_sleeps_wakes_it() {
    let b = book();
    let mut rx = dues(&b.app);
    let _engine = b.app.start_reminders();
    assert!(settle(&b, &mut rx).await.is_empty());

    reminder(&b.app, "Added later", "2026-11-23T09:00:00", Some("UTC"));
    assert_eq!(next_due(&mut rx).await.title, "Added later");
}

fn contract(app: &App, account: &Record<Account>, end: &str) -> Record<Contract> {
    app.contracts()
        .create(Contract {
            account_id: Some(account.id),
            name: "Platform".into(),
            value_cents: 12_000_000,
            start_date: Some("2026-01-01".parse().unwrap()),
            end_date: Some(end.parse().unwrap()),
            ..Default::default()
        })
        .unwrap()
}

fn days_before(d: &DueReminder) -> i64 {
    match d.source {
        ReminderSource::Renewal { days_before, .. } => days_before,
        ReminderSource::Reminder { .. } => 0,
    }
}

#[tokio::test]
async fn renewal_reminders_fire_120_90_60_30_days_before_the_contract_ends() {
    let b = book(); // 2026-11-23
    let mut rx = dues(&b.app);
    let acme = account(&b.app, "Acme");
    let c = contract(&b.app, &acme, "2027-06-30");
    let _engine = b.app.start_reminders();
    assert!(settle(&b, &mut rx).await.is_empty());

    for (days, (m, d)) in [(120, (3, 2)), (90, (4, 1)), (60, (5, 1)), (30, (5, 31))] {
        b.clock.set(utc(2027, m, d, 8, 59));
        assert!(settle(&b, &mut rx).await.is_empty(), "{days} days: fired before 9:00");
        b.clock.set(utc(2027, m, d, 9, 0));
        let due = next_due(&mut rx).await;
        assert_eq!(days_before(&due), days);
        assert_eq!(due.about_id, Some(c.id));
        assert_eq!(due.title, format!("Renewal in {days} days: Platform (Acme)"));
    }
}

#[tokio::test]
async fn a_contract_found_late_announces_its_latest_renewal_step_once() {
    let b = book(); // 2026-11-23
    let mut rx = dues(&b.app);
    let acme = account(&b.app, "Acme");
    contract(&b.app, &acme, "2027-01-10"); // 48 days left: the 120, 90 and 60 day steps passed
    let gone = account(&b.app, "Gone Inc");
    contract(&b.app, &gone, "2027-01-05");
    b.app.accounts().delete(gone.id).unwrap();

    let engine = b.app.start_reminders();
    let due = next_due(&mut rx).await;
    assert_eq!(days_before(&due), 60);
    assert!(settle(&b, &mut rx).await.is_empty(), "one announcement per contract, none for a deleted account");
    drop(engine);

    let _engine = b.app.start_reminders();
    assert!(settle(&b, &mut rx).await.is_empty());
}
