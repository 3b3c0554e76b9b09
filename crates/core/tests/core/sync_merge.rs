//! The merge rules of SYNC.md between books that exchange their outboxes directly.

use crate::support::*;
use rapport_core::domain::*;
use rapport_core::sync::conflicts::Pick;
use rapport_core::App;
use serde_json::json;

/// Applies every op in `from`'s outbox to `to` (again, if already applied: harmless).
fn send(from: &App, to: &App) {
    let ops = from.outbox(0, 100_000).expect("outbox");
    to.apply_ops(&ops).expect("apply");
}

fn two_books_sharing_an_account() -> (TestBook, TestBook, Record<Account>) {
    let a = book();
    let b = book();
    let acme = account(&a.app, "Acme");
    send(&a.app, &b.app);
    (a, b, acme)
}

fn set_industry(app: &App, id: Id, v: &str) {
    let mut acc = app.accounts().get(id).expect("get").data;
    acc.industry = Some(v.into());
    app.accounts().update(id, acc).expect("update");
}

#[test]
fn the_same_field_edited_on_two_offline_devices_keeps_the_later_value_and_shows_the_other_as_a_conflict() {
    let (a, b, acme) = two_books_sharing_an_account();
    set_industry(&a.app, acme.id, "Logistics");
    b.clock.advance(chrono::Duration::seconds(60));
    set_industry(&b.app, acme.id, "Shipping");
    send(&a.app, &b.app);
    send(&b.app, &a.app);

    for app in [&a.app, &b.app] {
        assert_eq!(app.accounts().get(acme.id).unwrap().data.industry.as_deref(), Some("Shipping"));
        let conflicts = app.conflicts().unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].field, "industry");
        assert_eq!(conflicts[0].label, "Acme");
        assert_eq!(conflicts[0].mine.value, json!("Shipping"));
        assert_eq!(conflicts[0].theirs.value, json!("Logistics"));
    }
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
}

#[test]
fn an_edit_made_having_seen_the_other_is_not_a_conflict() {
    let (a, b, acme) = two_books_sharing_an_account();
    set_industry(&a.app, acme.id, "Logistics");
    send(&a.app, &b.app);
    b.clock.advance(chrono::Duration::seconds(60));
    set_industry(&b.app, acme.id, "Shipping");
    send(&b.app, &a.app);
    assert!(a.app.conflicts().unwrap().is_empty());
    assert!(b.app.conflicts().unwrap().is_empty());
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
}

#[test]
fn a_write_arriving_after_the_edit_that_overwrote_it_is_not_a_conflict() {
    // X writes; Y sees it and overwrites it; Z hears Y's edit first and X's write last.
    let (x, y, acme) = two_books_sharing_an_account();
    let z = book();
    send(&x.app, &z.app); // Z knows the account (X's create) but not X's next write.
    set_industry(&x.app, acme.id, "Logistics");
    send(&x.app, &y.app);
    y.clock.advance(chrono::Duration::seconds(60));
    set_industry(&y.app, acme.id, "Shipping");
    send(&y.app, &z.app);
    send(&x.app, &z.app);
    assert!(z.app.conflicts().unwrap().is_empty(), "{:?}", z.app.conflicts().unwrap());
    assert_eq!(z.app.accounts().get(acme.id).unwrap().data.industry.as_deref(), Some("Shipping"));
    send(&z.app, &y.app);
    assert_eq!(z.app.canonical_dump().unwrap(), y.app.canonical_dump().unwrap());
}

#[test]
fn resolving_a_conflict_settles_it_on_every_device() {
    let (a, b, acme) = two_books_sharing_an_account();
    set_industry(&a.app, acme.id, "Logistics");
    b.clock.advance(chrono::Duration::seconds(60));
    set_industry(&b.app, acme.id, "Shipping");
    send(&a.app, &b.app);
    send(&b.app, &a.app);

    let c = a.app.conflicts().unwrap().remove(0);
    a.clock.advance(chrono::Duration::seconds(120));
    a.app.resolve_conflict(&c.id, Pick::Theirs).unwrap();
    assert!(a.app.conflicts().unwrap().is_empty());
    send(&a.app, &b.app);
    for app in [&a.app, &b.app] {
        assert!(app.conflicts().unwrap().is_empty());
        assert_eq!(app.accounts().get(acme.id).unwrap().data.industry.as_deref(), Some("Logistics"));
    }
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
}

#[test]
fn keeping_both_versions_of_a_text_field_joins_them() {
    let (a, b, acme) = two_books_sharing_an_account();
    set_industry(&a.app, acme.id, "Logistics");
    b.clock.advance(chrono::Duration::seconds(60));
    set_industry(&b.app, acme.id, "Shipping");
    send(&a.app, &b.app);
    let c = b.app.conflicts().unwrap().remove(0);
    b.app.resolve_conflict(&c.id, Pick::Both).unwrap();
    assert_eq!(b.app.accounts().get(acme.id).unwrap().data.industry.as_deref(), Some("Shipping\nLogistics"));
}

#[test]
fn tags_changed_on_two_offline_devices_keep_both_additions() {
    let (a, b, acme) = two_books_sharing_an_account();
    let mut acc = a.app.accounts().get(acme.id).unwrap().data;
    acc.tags = vec!["vip".into()];
    a.app.accounts().update(acme.id, acc).unwrap();
    b.clock.advance(chrono::Duration::seconds(60));
    let mut acc = b.app.accounts().get(acme.id).unwrap().data;
    acc.tags = vec!["renewal-risk".into()];
    b.app.accounts().update(acme.id, acc).unwrap();
    send(&a.app, &b.app);
    send(&b.app, &a.app);
    for app in [&a.app, &b.app] {
        let mut tags = app.accounts().get(acme.id).unwrap().data.tags;
        tags.sort();
        assert_eq!(tags, vec!["renewal-risk".to_string(), "vip".to_string()]);
        assert!(app.conflicts().unwrap().is_empty(), "lists merge instead of conflicting");
    }
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());

    // Removing a tag afterwards, having seen both, removes it everywhere.
    a.clock.advance(chrono::Duration::seconds(300));
    let mut acc = a.app.accounts().get(acme.id).unwrap().data;
    acc.tags.retain(|t| t != "vip");
    a.app.accounts().update(acme.id, acc).unwrap();
    send(&a.app, &b.app);
    assert_eq!(b.app.accounts().get(acme.id).unwrap().data.tags, vec!["renewal-risk".to_string()]);
}

#[test]
fn an_edit_concurrent_with_a_delete_survives_in_trash_marked_edited_after_delete() {
    let (a, b, acme) = two_books_sharing_an_account();
    a.app.accounts().delete(acme.id).unwrap();
    b.clock.advance(chrono::Duration::seconds(60));
    set_industry(&b.app, acme.id, "Shipping");
    send(&a.app, &b.app);
    send(&b.app, &a.app);
    for app in [&a.app, &b.app] {
        let trash = app.trash(10).unwrap();
        assert_eq!(trash.len(), 1);
        assert_eq!(trash[0].label, "Acme");
        assert!(trash[0].edited_after_delete);
        app.accounts().restore(acme.id).unwrap();
        assert_eq!(app.accounts().get(acme.id).unwrap().data.industry.as_deref(), Some("Shipping"), "the edit was not lost");
    }
}

#[test]
fn a_plain_delete_is_not_marked_edited_after_delete() {
    let a = book();
    let acme = account(&a.app, "Acme");
    a.clock.advance(chrono::Duration::seconds(60));
    a.app.accounts().delete(acme.id).unwrap();
    let trash = a.app.trash(10).unwrap();
    assert_eq!(trash.len(), 1);
    assert!(!trash[0].edited_after_delete);
}

#[test]
fn pending_changes_list_each_field_waiting_to_sync() {
    let a = book();
    let acme = account(&a.app, "Acme");
    a.clock.advance(chrono::Duration::seconds(60));
    set_industry(&a.app, acme.id, "Shipping");
    a.app.accounts().delete(acme.id).unwrap();
    let pending = a.app.pending_changes(100).unwrap();
    assert!(pending.iter().any(|p| p.field == "name" && p.value == json!("Acme") && p.label == "Acme"));
    assert!(pending.iter().any(|p| p.field == "industry" && p.value == json!("Shipping")));
    assert!(pending.iter().any(|p| p.field == "deleted"));
    assert_eq!(a.app.waiting_changes().unwrap(), 3);
}

#[test]
fn an_account_handed_to_a_team_space_arrives_whole_for_a_member_who_never_saw_it() {
    let ae = book();
    let am = book();
    let acme = account(&ae.app, "Acme");
    let jo = contact(&ae.app, &acme, "Jo", "Park", Some(BuyingRole::Champion));
    note(&ae.app, &acme, "Renewal hinges on the Łódź rollout 🚚");
    let team = uuid::Uuid::now_v7();
    assert!(matches!(ae.app.move_account_to_space(acme.id, team), Err(rapport_core::Error::Invalid { .. })), "an unknown space is refused");
    ae.app.remember_team_space(team, "Acme handover").unwrap();
    ae.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(ae.app.move_account_to_space(acme.id, team).unwrap(), 3);

    // The account manager reads only the team space.
    let team_ops: Vec<_> = ae.app.outbox(0, 10_000).unwrap().into_iter().filter(|op| op.space == team).collect();
    am.app.apply_ops(&team_ops).unwrap();
    let got = am.app.accounts().get(acme.id).unwrap();
    assert_eq!(got.data.name, "Acme");
    assert_eq!(got.space, team);
    assert_eq!(am.app.contacts().get(jo.id).unwrap().data.buying_role, Some(BuyingRole::Champion));
    let notes = am.app.notes().list(&rapport_core::ListQuery::default()).unwrap().items;
    assert_eq!(notes[0].data.body, "Renewal hinges on the Łódź rollout 🚚");

    // Later edits on either side travel through the team space and merge.
    am.clock.advance(chrono::Duration::seconds(120));
    let mut n = notes[0].data.clone();
    n.body.push_str(" Signed off by Jo.");
    am.app.notes().update(notes[0].id, n).unwrap();
    let am_ops = am.app.outbox(0, 10_000).unwrap();
    assert!(am_ops.iter().all(|op| op.space == team));
    ae.app.apply_ops(&am_ops).unwrap();
    assert_eq!(ae.app.notes().get(notes[0].id).unwrap().data.body, "Renewal hinges on the Łódź rollout 🚚 Signed off by Jo.");
    set_industry(&ae.app, acme.id, "Logistics");
    assert_eq!(ae.app.outbox(0, 10_000).unwrap().last().unwrap().space, team);
}
