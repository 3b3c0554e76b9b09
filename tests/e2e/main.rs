//! End to end on the real desktop binary: tauri-driver launches target/debug/rapport on a book
//! in a temp dir (unlocked by RAPPORT_PASSPHRASE) and these tests drive its window the way an AE
//! would, through the `data-testid` hooks of ui/src/testids.ts.
//!
//! They need Xvfb, tauri-driver and a built binary, so they are `#[ignore]`d; run them with
//! `bash scripts/e2e.sh`.

mod forms;
mod harness;
mod import;
mod webdriver;

use harness::{tid, Book};
use serde_json::json;

#[test]
#[ignore = "end to end: needs Xvfb and tauri-driver; run bash scripts/e2e.sh"]
fn every_main_screen_renders_and_has_no_serious_accessibility_violations() {
    let book = Book::demo();
    let s = book.launch();
    let mut problems = Vec::new();
    for screen in harness::MAIN_SCREENS {
        s.go(&format!("/{screen}")).unwrap();
        harness::wait_for_screen(&s, screen);
        book.screenshot(&s, screen);
        for v in harness::axe(&s) {
            problems.push(format!("{screen}: {v}"));
        }
    }
    // A record and a brief: the first account of the list, the first meeting of Today.
    s.go("/accounts").unwrap();
    s.click(&s.wait("[data-testid^=account-row-]").unwrap()).unwrap();
    s.wait(&tid("account-health")).unwrap();
    harness::wait_for_screen(&s, "accounts/");
    book.screenshot(&s, "account");
    problems.extend(harness::axe(&s).into_iter().map(|v| format!("account: {v}")));
    s.go("/today").unwrap();
    s.click(&s.wait("[data-testid^=meeting-prepare-]").unwrap()).unwrap();
    s.wait(&tid("brief")).unwrap();
    harness::wait_for_screen(&s, "meetings/");
    book.screenshot(&s, "meeting-prep");
    problems.extend(harness::axe(&s).into_iter().map(|v| format!("meeting prep: {v}")));
    assert!(problems.is_empty(), "serious or critical accessibility violations:\n{}", problems.join("\n"));
}

#[test]
#[ignore = "end to end: needs Xvfb and tauri-driver; run bash scripts/e2e.sh"]
fn an_ae_records_an_account_and_finds_everything_again_after_a_restart() {
    let book = Book::empty();
    let account_id;
    let note_id;
    {
        let s = book.launch();

        // Create an account.
        s.go("/accounts").unwrap();
        s.click(&s.wait(&tid("accounts-new")).unwrap()).unwrap();
        s.fill(&s.wait(&tid("account-name")).unwrap(), "Harbor Logistics").unwrap();
        s.click(&s.wait(&tid("account-save")).unwrap()).unwrap();
        s.wait("[data-testid=account-header][data-name='Harbor Logistics']").unwrap();
        let shown = s.text(&s.wait(&tid("screen-title")).unwrap()).unwrap();
        assert!(shown.contains("Harbor Logistics"), "the account's title shows its name, not {shown:?}");
        account_id = harness::route_id(&s, "accounts");

        // Two stakeholders with their buying roles.
        s.go(&format!("/accounts/{account_id}/people")).unwrap();
        harness::add_contact(&s, "Maria", "Kowalska", "CFO", "economic_buyer");
        harness::add_contact(&s, "Tom", "Reyes", "Head of Ops", "champion");
        let roles = s
            .wait_until(
                "two stakeholders listed",
                "const r = [...document.querySelectorAll('[data-testid^=contact-row-]')].map(e => e.dataset.role); \
                 return r.length >= 2 ? r : null;",
                vec![],
            )
            .unwrap();
        let mut roles: Vec<String> = serde_json::from_value(roles).unwrap();
        roles.sort();
        assert_eq!(roles, ["champion", "economic_buyer"]);

        // A note, then find it by a word from its body.
        s.go(&format!("/accounts/{account_id}/timeline")).unwrap();
        s.fill(&s.wait(&tid("note-title")).unwrap(), "Discovery call").unwrap();
        s.fill(&s.wait(&tid("note-body")).unwrap(), "They ship reefers through Gdansk and want **telematics** by spring.").unwrap();
        s.click(&s.wait(&tid("note-save")).unwrap()).unwrap();
        let note = s.wait("[data-testid^='note-']:not([data-testid^='note-title']):not([data-testid^='note-body']):not([data-testid^='note-save'])").unwrap();
        note_id = s.attr(&note, "data-testid").unwrap().unwrap_or_default().trim_start_matches("note-").to_string();
        assert!(s.text(&note).unwrap().contains("telematics"));

        s.go("/search").unwrap();
        s.fill(&s.wait(&tid("search-input")).unwrap(), "reefers").unwrap();
        let hit = s.wait(&tid(&format!("search-hit-{note_id}"))).unwrap();
        assert!(s.text(&hit).unwrap().contains("Discovery call"));

        // Schedule a meeting and open its brief.
        s.go(&format!("/accounts/{account_id}")).unwrap();
        s.click(&s.wait(&tid("meeting-new")).unwrap()).unwrap();
        s.fill(&s.wait(&tid("meeting-title")).unwrap(), "Telematics pilot scoping").unwrap();
        harness::set_value(&s, &s.wait(&tid("meeting-start")).unwrap(), &harness::tomorrow_at_ten());
        s.fill(&s.wait(&tid("meeting-link")).unwrap(), "https://meet.example.com/harbor").unwrap();
        s.click(&s.wait(&tid("meeting-save")).unwrap()).unwrap();
        // Saving opens the brief, or lists the meeting with its "Prepare" button.
        let next = s.wait("[data-testid=brief], [data-testid^='meeting-prepare-']").unwrap();
        if s.attr(&next, "data-testid").unwrap().as_deref() != Some("brief") {
            s.click(&next).unwrap();
        }
        let brief = s.wait(&tid("brief")).unwrap();
        assert!(s.text(&brief).unwrap().contains("Telematics pilot scoping"));
        assert!(s.find_all(&tid("brief-join")).unwrap().len() == 1, "the join link comes first in the brief");

        // A gift over the cap (USD 100 by default) warns before it is logged.
        s.go(&format!("/accounts/{account_id}/gifts")).unwrap();
        s.click(&s.wait(&tid("gift-new")).unwrap()).unwrap();
        let recipient = s.wait(&tid("gift-recipient")).unwrap();
        let first_contact = s
            .execute("return [...arguments[0].options].map(o => o.value).find(v => v) || null;", vec![webdriver::Session::arg(&recipient)])
            .unwrap();
        s.select(&recipient, first_contact.as_str().unwrap()).unwrap();
        s.fill(&s.wait(&tid("gift-description")).unwrap(), "Dinner at Amber").unwrap();
        s.fill(&s.wait(&tid("gift-value")).unwrap(), "150.00").unwrap();
        s.click(&s.wait(&tid("gift-save")).unwrap()).unwrap();
        let warning = s.wait(&tid("gift-over-cap-warning")).unwrap();
        assert!(!s.text(&warning).unwrap().is_empty());
        assert!(harness::invoke(&s, "gift_list", json!({"query": {}}))["items"].as_array().unwrap().is_empty(), "nothing is logged before the user confirms");
        s.click(&s.wait(&tid("gift-confirm")).unwrap()).unwrap();
        s.wait_until("the gift logged", "return document.querySelectorAll('[data-testid=gift-over-cap-warning]').length === 0;", vec![]).unwrap();

        // Move an opportunity across stages (made through the app's own command).
        let opp = harness::invoke(
            &s,
            "opportunity_create",
            json!({"data": {"account_id": account_id, "name": "Telematics pilot", "stage": "Qualify", "amount_cents": 4_800_000, "currency": "USD"}}),
        );
        let opp_id = opp["id"].as_str().unwrap().to_string();
        s.go("/pipeline").unwrap();
        let card = s.wait(&tid(&format!("opp-{opp_id}"))).unwrap();
        assert_eq!(s.attr(&card, "data-stage").unwrap().as_deref(), Some("Qualify"));
        s.click(&s.wait(&tid(&format!("opp-right-{opp_id}"))).unwrap()).unwrap();
        s.wait(&format!("[data-testid='opp-{opp_id}'][data-stage='Discover']")).unwrap();
        s.wait(&format!("[data-testid='stage-Discover'] [data-testid='opp-{opp_id}']")).unwrap();

        // Switch to Polish: the screen is translated.
        s.go("/settings").unwrap();
        s.select(&s.wait(&tid("settings-language")).unwrap(), "pl").unwrap();
        s.go("/today").unwrap();
        s.wait("[data-testid=app][lang=pl]").unwrap();
        harness::wait_for_screen(&s, "today");
        let title = s.text(&s.wait(&tid("screen-title")).unwrap()).unwrap();
        assert_eq!(title, harness::message("pl", "today.title"), "Today's title in Polish");
        assert_ne!(title, harness::message("en", "today.title"));
        book.screenshot(&s, "today-pl");
    }

    // Restart: everything is still there, still in Polish.
    let s = book.launch();
    s.wait("[data-testid=app][lang=pl]").unwrap();
    s.go(&format!("/accounts/{account_id}/people")).unwrap();
    s.wait("[data-testid^=contact-row-][data-role=economic_buyer]").unwrap();
    s.wait("[data-testid^=contact-row-][data-role=champion]").unwrap();
    s.go(&format!("/accounts/{account_id}/timeline")).unwrap();
    assert!(s.text(&s.wait(&tid(&format!("note-{note_id}"))).unwrap()).unwrap().contains("telematics"));
    s.go("/search").unwrap();
    s.fill(&s.wait(&tid("search-input")).unwrap(), "reefers").unwrap();
    s.wait(&tid(&format!("search-hit-{note_id}"))).unwrap();
    s.go("/gifts").unwrap();
    s.wait("[data-testid^=gift-total-][data-over-cap=true]").unwrap();
    s.go("/pipeline").unwrap();
    s.wait("[data-testid^=stage-Discover] [data-testid^=opp-]").unwrap();
}

#[test]
#[ignore = "end to end: needs Xvfb and tauri-driver; run bash scripts/e2e.sh"]
fn edits_and_due_reminders_reach_the_window_as_events_and_a_count_in_the_title() {
    let book = Book::empty();
    let s = book.launch();
    s.execute(
        "window.__seen = []; \
         window.__TAURI__.event.listen('data-changed', e => window.__seen.push(['data-changed', e.payload])); \
         window.__TAURI__.event.listen('reminder-due', e => window.__seen.push(['reminder-due', e.payload]));",
        vec![],
    )
    .unwrap();

    let account = harness::invoke(&s, "account_create", json!({"data": {"name": "Northwind"}}));
    let changed = s
        .wait_until(
            "a data-changed event",
            "return window.__seen.find(([n, p]) => n === 'data-changed' && p.kind === 'account') || null;",
            vec![],
        )
        .unwrap();
    assert_eq!(changed[1]["ids"], json!([account["id"]]));

    let an_hour_ago = (chrono::Local::now() - chrono::Duration::hours(1)).naive_local().format("%Y-%m-%dT%H:%M:%S").to_string();
    harness::invoke(&s, "reminder_create", json!({"data": {"title": "Call Ana about the renewal", "due_local": an_hour_ago}}));
    let due = s
        .wait_until("a reminder-due event", "return window.__seen.find(([n]) => n === 'reminder-due') || null;", vec![])
        .unwrap();
    assert_eq!(due[1]["title"], "Call Ana about the renewal");
    let title = harness::window_title_when(&s, |t| t != "Rapport");
    assert_eq!(title, "Rapport (1)");
}

#[test]
#[ignore = "end to end: needs Xvfb and tauri-driver; run bash scripts/e2e.sh"]
fn the_window_comes_back_at_the_size_it_was_left() {
    let book = Book::empty();
    {
        let s = book.launch();
        s.set_window_size(900, 640).unwrap();
        assert_eq!(s.window_size().unwrap(), (900, 640));
    }
    let s = book.launch();
    assert_eq!(s.window_size().unwrap(), (900, 640));
}

#[test]
#[ignore = "end to end: needs Xvfb and tauri-driver; run bash scripts/e2e.sh"]
fn a_second_launch_hands_over_to_the_running_app_and_exits() {
    let book = Book::empty();
    let s = book.launch();
    // Without single instance this would open a second window and not exit.
    let status = book.run_directly();
    assert!(status.success(), "the second launch exits cleanly: {status}");
    // The first one still answers.
    s.go("/accounts").unwrap();
    harness::wait_for_screen(&s, "accounts");
}
