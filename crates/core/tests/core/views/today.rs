//! Today: meetings, tasks, reminders, renewals and accounts going cold.

use super::*;

// ---- Today ------------------------------------------------------------------------------------

#[test]
fn todays_meetings_are_those_of_the_laptops_day_sorted_by_start() {
    let clock = FakeClock::at_ymd_hm(2026, 11, 23, 9, 0);
    clock.set_zone(chrono_tz::Europe::Warsaw); // UTC+1: the day is 22 Nov 23:00 to 23 Nov 23:00 UTC
    let b = book_with_clock(clock);
    let acme = account(&b.app, "Acme");
    meeting(&b, "Late review", utc(2026, 11, 23, 16, 0), Some(acme.id), vec![]);
    meeting(&b, "Just after midnight", utc(2026, 11, 22, 23, 30), None, vec![]);
    meeting(&b, "Yesterday evening", utc(2026, 11, 22, 22, 30), None, vec![]);
    meeting(&b, "Tomorrow", utc(2026, 11, 23, 23, 0), None, vec![]);
    let gone = meeting(&b, "Cancelled", utc(2026, 11, 23, 12, 0), None, vec![]);
    b.app.meetings().delete(gone.id).unwrap();

    let today = b.app.today().unwrap();
    assert_eq!(today.date, date(2026, 11, 23));
    let titles: Vec<&str> = today.meetings.items.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles, ["Just after midnight", "Late review"]);
    assert_eq!(today.meetings.total, 2);
    assert_eq!(today.meetings.items[1].account_name.as_deref(), Some("Acme"));
    assert_eq!(today.meetings.items[1].link.as_deref(), Some("https://zoom.us/j/42"));
}

#[test]
fn tasks_due_today_or_earlier_show_with_the_overdue_ones_flagged() {
    let b = book();
    let acme = account(&b.app, "Acme");
    task(&b, "Send proposal", Some(date(2026, 11, 20)), Some(acme.id), false);
    task(&b, "Call CFO", Some(date(2026, 11, 23)), None, false);
    task(&b, "Already sent", Some(date(2026, 11, 1)), None, true);
    task(&b, "Next week", Some(date(2026, 11, 30)), None, false);
    task(&b, "Someday", None, None, false);

    let tasks = b.app.today().unwrap().tasks;
    let seen: Vec<(&str, bool, i64)> = tasks.items.iter().map(|t| (t.title.as_str(), t.overdue, t.days_overdue)).collect();
    assert_eq!(seen, [("Send proposal", true, 3), ("Call CFO", false, 0)]);
    assert_eq!(tasks.total, 2);
    assert_eq!(tasks.items[0].account_name.as_deref(), Some("Acme"));
}

#[test]
fn a_due_reminder_shows_until_it_is_done_and_a_snoozed_one_waits() {
    let b = book();
    let at = |s: &str| Some(s.parse::<chrono::NaiveDateTime>().unwrap());
    let due = b.app.reminders().create(Reminder { title: "Chase the PO".into(), due_local: at("2026-11-23T08:30:00"), ..Default::default() }).unwrap();
    b.app.reminders().create(Reminder { title: "Later today".into(), due_local: at("2026-11-23T15:00:00"), ..Default::default() }).unwrap();
    b.app
        .reminders()
        .create(Reminder {
            title: "Snoozed".into(),
            due_local: at("2026-11-23T07:00:00"),
            snoozed_until: Some(utc(2026, 11, 23, 10, 0)),
            ..Default::default()
        })
        .unwrap();
    b.app
        .reminders()
        .create(Reminder { title: "In Tokyo".into(), due_local: at("2026-11-23T17:00:00"), timezone: Some("Asia/Tokyo".into()), ..Default::default() })
        .unwrap();
    b.app.reminders().create(Reminder { title: "Last week".into(), due_local: at("2026-11-16T09:00:00"), ..Default::default() }).unwrap();

    let titles = |b: &TestBook| b.app.today().unwrap().reminders.items.into_iter().map(|r| r.title).collect::<Vec<_>>();
    assert_eq!(titles(&b), ["Last week", "In Tokyo", "Chase the PO"], "17:00 in Tokyo was 08:00 UTC");
    assert_eq!(b.app.today().unwrap().reminders.total, 3);

    let mut done = due.data.clone();
    done.done = true;
    b.app.reminders().update(due.id, done).unwrap();
    b.clock.advance(Duration::hours(2));
    assert_eq!(titles(&b), ["Last week", "In Tokyo", "Snoozed"]);
}

#[test]
fn a_contract_ending_within_the_renewal_window_shows_once_with_its_days_left() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let gone = account(&b.app, "Gone Ltd");
    contract(&b, acme.id, "MSA", date(2027, 1, 22));
    contract(&b, acme.id, "Support", date(2027, 6, 1)); // outside the 120-day window
    contract(&b, acme.id, "Old", date(2026, 11, 22)); // already ended
    contract(&b, gone.id, "Trashed account", date(2026, 12, 1));
    b.app.accounts().delete(gone.id).unwrap();

    let renewals = b.app.today().unwrap().renewals;
    assert_eq!(renewals.total, 1);
    let r = &renewals.items[0];
    assert_eq!((r.contract_name.as_str(), r.account_name.as_deref(), r.days_left), ("MSA", Some("Acme"), 60));
    assert_eq!(r.notice_by, date(2026, 11, 23), "60 days' notice is due today");
}

#[test]
fn an_account_with_no_touch_within_its_cadence_goes_cold() {
    let b = book();
    let acme = account(&b.app, "Acme"); // tier A: 14 days
    b.clock.advance(Duration::days(14));
    assert_eq!(b.app.today().unwrap().going_cold.total, 0, "14 days is still within the cadence");

    b.clock.advance(Duration::days(1));
    let cold = b.app.today().unwrap().going_cold;
    assert_eq!(cold.total, 1);
    let c = &cold.items[0];
    assert_eq!((c.account_id, c.cadence_days, c.days_since_touch, c.days_past_cadence), (acme.id, 14, 15, 1));
    assert_eq!(c.last_touch, None, "never touched: counted from when it was added");
}

#[test]
fn a_new_note_warms_a_cold_account() {
    let b = book();
    let acme = account(&b.app, "Acme");
    note(&b.app, &acme, "Kick-off");
    b.clock.advance(Duration::days(20));
    assert_eq!(b.app.today().unwrap().going_cold.items[0].last_touch, Some(utc(2026, 11, 23, 9, 0)));

    note(&b.app, &acme, "Quick check-in call");
    assert_eq!(b.app.today().unwrap().going_cold.total, 0);
    let overview = b.app.account_overview(acme.id).unwrap();
    assert_eq!(overview.days_since_touch, 0);
    assert!(!overview.health.reasons.iter().any(|r| matches!(r, HealthReason::NoTouchWithinCadence { .. })));
}

#[test]
fn going_cold_lists_the_most_overdue_first_and_counts_them_all() {
    let b = book();
    for i in 0..55 {
        b.app.accounts().create(Account { name: format!("Account {i:02}"), tier: Tier::C, cadence_days: Some(10 + i), ..Default::default() }).unwrap();
    }
    b.app.accounts().create(Account { name: "Churned".into(), lifecycle: Lifecycle::Churned, ..Default::default() }).unwrap();
    b.app.accounts().create(Account { name: "Tier B".into(), ..Default::default() }).unwrap();
    b.clock.advance(Duration::days(100));

    let cold = b.app.today().unwrap().going_cold;
    assert_eq!(cold.total, 56, "every live account but the churned one");
    assert_eq!(cold.items.len(), 50);
    assert_eq!((cold.items[0].name.as_str(), cold.items[0].days_past_cadence), ("Account 00", 90));
    assert_eq!((cold.items[1].name.as_str(), cold.items[1].days_past_cadence), ("Account 01", 89));
    assert!(cold.items.windows(2).all(|w| w[0].days_past_cadence >= w[1].days_past_cadence));
}

#[test]
fn an_accounts_own_cadence_overrides_its_tiers_and_churned_or_trashed_accounts_never_go_cold() {
    let b = book();
    let acme = account(&b.app, "Acme"); // tier A: 14 days
    let globex = account(&b.app, "Globex");
    b.clock.advance(Duration::days(20));
    let cold = |b: &TestBook| b.app.today().unwrap().going_cold.items.into_iter().map(|c| (c.name, c.cadence_days)).collect::<Vec<_>>();
    assert_eq!(cold(&b), [("Acme".to_string(), 14), ("Globex".to_string(), 14)]);

    let mut relaxed = acme.data.clone();
    relaxed.cadence_days = Some(30);
    b.app.accounts().update(acme.id, relaxed).unwrap();
    let mut churned = globex.data.clone();
    churned.lifecycle = Lifecycle::Churned;
    b.app.accounts().update(globex.id, churned).unwrap();
    assert_eq!(cold(&b), []);

    b.clock.advance(Duration::days(11));
    assert_eq!(cold(&b), [("Acme".to_string(), 30)]);
    b.app.accounts().delete(acme.id).unwrap();
    assert_eq!(b.app.today().unwrap().going_cold.total, 0);
    b.app.accounts().restore(acme.id).unwrap();
    assert_eq!(b.app.today().unwrap().going_cold.total, 1);
}

#[test]
fn trashing_the_note_that_kept_an_account_warm_lets_it_go_cold_again() {
    let b = book();
    let acme = account(&b.app, "Acme");
    b.clock.advance(Duration::days(10));
    note(&b.app, &acme, "Old call");
    b.clock.advance(Duration::days(10));
    let recent = note(&b.app, &acme, "Recent call");
    b.clock.advance(Duration::days(10));
    assert_eq!(b.app.today().unwrap().going_cold.total, 0, "touched 10 days ago");

    b.app.notes().delete(recent.id).unwrap();
    let cold = b.app.today().unwrap().going_cold;
    assert_eq!((cold.total, cold.items[0].days_since_touch), (1, 20), "the old call was 20 days ago");
}
