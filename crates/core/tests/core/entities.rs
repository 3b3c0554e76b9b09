use crate::support::*;
use rapport_core::domain::*;
use rapport_core::{Error, Filter, FilterOp, Include, ListQuery};

fn field_of(e: Error) -> String {
    match e {
        Error::Invalid { field, .. } => field,
        other => panic!("expected an invalid-field error, got {other:?}"),
    }
}

#[test]
fn an_account_is_created_read_updated_trashed_and_restored() {
    let b = book();
    let acme = b.app.accounts().create(Account { name: "  Acme Corp ".into(), domain: Some("https://www.ACME.com/about".into()), ..Default::default() }).unwrap();
    assert_eq!(acme.data.name, "Acme Corp");
    assert_eq!(acme.data.domain.as_deref(), Some("acme.com"));
    assert_eq!(acme.data.currency, "USD");

    let mut data = acme.data.clone();
    data.tier = Tier::A;
    let updated = b.app.accounts().update(acme.id, data).unwrap();
    assert_eq!(updated.data.tier, Tier::A);

    b.app.accounts().delete(acme.id).unwrap();
    assert!(b.app.accounts().get(acme.id).unwrap().deleted);
    assert!(b.app.accounts().list(&ListQuery::default()).unwrap().items.is_empty());
    let trash = b.app.accounts().list(&ListQuery { include: Include::Deleted, ..Default::default() }).unwrap();
    assert_eq!(trash.items.len(), 1);

    b.app.accounts().restore(acme.id).unwrap();
    assert!(!b.app.accounts().get(acme.id).unwrap().deleted);
}

#[test]
fn invalid_fields_are_named_and_nothing_is_written() {
    let b = book();
    let e = b.app.accounts().create(Account { name: "".into(), ..Default::default() }).unwrap_err();
    assert_eq!(field_of(e), "name");
    let e = b.app.accounts().create(Account { name: "X".into(), currency: "dollars".into(), ..Default::default() }).unwrap_err();
    assert_eq!(field_of(e), "currency");
    assert_eq!(b.app.accounts().count(&ListQuery::default()).unwrap(), 0);
    assert!(b.app.outbox(0, 100).unwrap().is_empty());
}

#[test]
fn a_contact_must_point_at_an_existing_account_and_cannot_report_in_a_loop() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let e = b.app.contacts().create(Contact { account_id: Some(uuid::Uuid::now_v7()), last_name: "Nobody".into(), ..Default::default() }).unwrap_err();
    assert_eq!(field_of(e), "account_id");

    let boss = contact(&b.app, &acme, "Ana", "Boss", Some(BuyingRole::EconomicBuyer));
    let mut report = contact(&b.app, &acme, "Ben", "Report", Some(BuyingRole::Champion));
    report.data.reports_to = Some(boss.id);
    b.app.contacts().update(report.id, report.data.clone()).unwrap();
    let mut boss_data = boss.data.clone();
    boss_data.reports_to = Some(report.id);
    let e = b.app.contacts().update(boss.id, boss_data).unwrap_err();
    assert_eq!(field_of(e), "reports_to");
}

#[test]
fn an_opportunity_stage_must_be_a_configured_stage_and_lost_needs_a_reason() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let opp = |stage: &str| Opportunity { account_id: Some(acme.id), name: "Expansion".into(), stage: stage.into(), amount_cents: 500_000, kind: OppKind::Upsell, ..Default::default() };
    assert_eq!(field_of(b.app.opportunities().create(opp("Dreaming")).unwrap_err()), "stage");
    assert_eq!(field_of(b.app.opportunities().create(opp("Closed Lost")).unwrap_err()), "lost_reason");
    let created = b.app.opportunities().create(opp("Propose")).unwrap();
    assert_eq!(created.data.stage_changed_at, Some(b.app.now()));
}

#[test]
fn every_entity_validates_its_required_fields() {
    let b = book();
    let cases: Vec<(Result<(), Error>, &str)> = vec![
        (b.app.contacts().create(Contact::default()).map(|_| ()), "last_name"),
        (b.app.notes().create(Note::default()).map(|_| ()), "body"),
        (b.app.meetings().create(Meeting::default()).map(|_| ()), "title"),
        (b.app.products().create(Product::default()).map(|_| ()), "name"),
        (b.app.holdings().create(Holding::default()).map(|_| ()), "account_id"),
        (b.app.opportunities().create(Opportunity::default()).map(|_| ()), "account_id"),
        (b.app.contracts().create(Contract::default()).map(|_| ()), "account_id"),
        (b.app.tasks().create(Task::default()).map(|_| ()), "title"),
        (b.app.reminders().create(Reminder::default()).map(|_| ()), "title"),
        (b.app.objections().create(Objection::default()).map(|_| ()), "statement"),
        (b.app.gifts().create(Gift::default()).map(|_| ()), "date"),
        (b.app.quotas().create(Quota::default()).map(|_| ()), "period_start"),
    ];
    for (result, field) in cases {
        assert_eq!(field_of(result.unwrap_err()), field);
    }
}

#[test]
fn lists_filter_sort_and_page() {
    let b = book();
    for (i, name) in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"].iter().enumerate() {
        let tier = if i % 2 == 0 { Tier::A } else { Tier::C };
        b.app.accounts().create(Account { name: name.to_string(), tier, tags: vec!["emea".into()], ..Default::default() }).unwrap();
    }
    let q = ListQuery::default().filter(Filter::eq("tier", "A")).sort_by("name", false).page(0, 2);
    let page = b.app.accounts().list(&q).unwrap();
    let names: Vec<_> = page.items.iter().map(|r| r.data.name.as_str()).collect();
    assert_eq!(names, ["Charlie", "Delta"]);
    assert_eq!(page.next_offset, Some(2));
    let rest = b.app.accounts().list(&q.clone().page(2, 2)).unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next_offset, None);

    let tagged = ListQuery::default().filter(Filter { field: "tags".into(), op: FilterOp::Contains, value: "emea".into() });
    assert_eq!(b.app.accounts().count(&tagged).unwrap(), 5);
    let e = b.app.accounts().list(&ListQuery::default().sort_by("name; DROP TABLE accounts", false)).unwrap_err();
    assert!(matches!(e, Error::Invalid { .. }));
}

#[test]
fn wrapping_up_a_meeting_logs_an_interaction_and_turns_next_steps_into_tasks() {
    use rapport_core::wrapup::{NextStep, WrapUp};
    let b = book();
    let acme = account(&b.app, "Acme");
    let ana = contact(&b.app, &acme, "Ana", "Nowak", Some(BuyingRole::Champion));
    let start = b.app.now();
    let meeting = b.app.meetings().create(Meeting {
        title: "QBR".into(),
        starts_at: start,
        ends_at: start + chrono::Duration::hours(1),
        timezone: "Europe/Warsaw".into(),
        account_id: Some(acme.id),
        attendee_ids: vec![ana.id],
        link: Some("https://zoom.us/j/123".into()),
        ..Default::default()
    }).unwrap();

    let bad = WrapUp { body: "x".into(), next_steps: vec![NextStep { title: " ".into(), ..Default::default() }], ..Default::default() };
    assert_eq!(b.app.wrap_up_meeting(meeting.id, bad).unwrap_err().field(), Some("next_steps[0].title"));
    assert_eq!(b.app.notes().count(&ListQuery::default()).unwrap(), 0, "nothing half-written");

    let done = b.app.wrap_up_meeting(meeting.id, WrapUp {
        body: "Ana wants SSO before the rollout.".into(),
        outcome: Some("positive".into()),
        next_steps: vec![
            NextStep { title: "Send SSO docs".into(), due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24), contact_id: Some(ana.id) },
            NextStep { title: "Book security review".into(), ..Default::default() },
        ],
    }).unwrap();
    assert_eq!(done.note.data.kind, NoteKind::Meeting);
    assert_eq!(done.note.data.contact_ids, vec![ana.id]);
    assert_eq!(done.note.data.account_id, Some(acme.id));
    assert_eq!(done.tasks.len(), 2);
    assert!(done.tasks.iter().all(|t| t.data.meeting_id == Some(meeting.id) && t.data.account_id == Some(acme.id)));
    assert_eq!(b.app.search("SSO", &[EntityKind::Note], 5).unwrap().len(), 1);
}

#[test]
fn settings_are_validated_and_survive_a_restart() {
    use rapport_core::settings::Settings;
    let b = book();
    let mut s = b.app.settings();
    assert_eq!(s.gift_cap_cents, 10_000, "FINRA's long-standing USD 100 by default");
    s.gift_cap_cents = 30_000;
    s.stages.retain(|st| st.name != "Discover");
    b.app.update_settings(s).unwrap();

    let mut dup = b.app.settings();
    dup.stages.push(dup.stages[0].clone());
    assert_eq!(b.app.update_settings(dup).unwrap_err().field(), Some("stages"));
    assert_eq!(b.app.update_settings(Settings { language: "xx".into(), ..Settings::default() }).unwrap_err().field(), Some("language"));

    let path = b.dir.path().join("book.db");
    let reopened = rapport_core::App::open(&path, key(), std::sync::Arc::new(b.clock.clone())).unwrap();
    assert_eq!(reopened.settings().gift_cap_cents, 30_000);
    assert!(reopened.settings().stage("Discover").is_none());
}

#[test]
fn the_book_summary_counts_live_records() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let gone = account(&b.app, "Gone");
    b.app.accounts().delete(gone.id).unwrap();
    contact(&b.app, &acme, "Ana", "Nowak", None);
    note(&b.app, &acme, "hello");
    let s = b.app.summary().unwrap();
    assert_eq!((s.accounts, s.contacts, s.notes), (1, 1, 1));
    assert!(s.path.ends_with("book.db"));
}
