use crate::support::*;
use rapport_core::domain::*;

#[test]
fn every_change_is_queued_with_gap_free_sequence_numbers_and_rising_clocks() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let mut data = acme.data.clone();
    data.industry = Some("Manufacturing".into());
    b.app.accounts().update(acme.id, data).unwrap();
    b.app.accounts().delete(acme.id).unwrap();
    let ops = b.app.outbox(0, 100).unwrap();
    assert_eq!(ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(ops.windows(2).all(|w| w[0].hlc < w[1].hlc));
    assert_eq!(ops[1].set.keys().collect::<Vec<_>>(), ["industry"]);
    assert!(ops[1].prev.contains_key("industry"));
    assert_eq!(ops[2].cl, Some(2));
}

#[test]
fn saving_an_unchanged_record_queues_nothing() {
    let b = book();
    let acme = account(&b.app, "Acme");
    b.app.accounts().update(acme.id, acme.data.clone()).unwrap();
    assert_eq!(b.app.outbox(0, 100).unwrap().len(), 1);
}

#[test]
fn note_text_saves_become_small_crdt_edits() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let long = "Discussed the rollout plan with the ops team. ".repeat(200);
    let n = note(&b.app, &acme, &long);
    let mut data = n.data.clone();
    data.body = long.replacen("rollout", "phased rollout", 1);
    b.app.notes().update(n.id, data.clone()).unwrap();
    let ops = b.app.outbox(0, 100).unwrap();
    let edit = &ops.last().unwrap().text["body"].0;
    assert!(edit.len() < 200, "a one-word edit should be a small update, was {} bytes", edit.len());
    assert_eq!(b.app.notes().get(n.id).unwrap().data.body, data.body);
}

/// The outbox must hold everything a peer needs: replaying it into an empty book on another
/// device gives the same book.
#[test]
fn replaying_the_outbox_into_an_empty_book_rebuilds_the_same_book() {
    let a = book();
    let acme = account(&a.app, "Acme");
    let globex = account(&a.app, "Globex");
    let ana = contact(&a.app, &acme, "Ana", "Nowak", Some(BuyingRole::Champion));
    let mut ana_data = ana.data.clone();
    ana_data.personal_notes = "Two kids; runs marathons. Loves Łódź.".into();
    a.app.contacts().update(ana.id, ana_data).unwrap();
    let n = note(&a.app, &acme, "First call: budget is *tight* 🙂");
    let mut nd = n.data.clone();
    nd.body = "First call: budget is *tight* but approved 🙂".into();
    nd.pinned = true;
    a.app.notes().update(n.id, nd).unwrap();
    let product = a.app.products().create(Product { name: "Analytics".into(), ..Default::default() }).unwrap();
    a.app.holdings().create(Holding { account_id: Some(acme.id), product_id: Some(product.id), seats: Some(40), ..Default::default() }).unwrap();
    a.app.opportunities().create(Opportunity { account_id: Some(globex.id), name: "Analytics".into(), stage: "Qualify".into(), amount_cents: 1_200_000, kind: OppKind::CrossSell, product_ids: vec![product.id], ..Default::default() }).unwrap();
    a.app.accounts().delete(globex.id).unwrap();
    a.clock.advance(chrono::Duration::minutes(5));
    a.app.accounts().restore(globex.id).unwrap();
    a.app.tasks().create(Task { title: "Send proposal".into(), account_id: Some(acme.id), due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25), ..Default::default() }).unwrap();

    let ops = a.app.outbox(0, 10_000).unwrap();
    let b = book();
    b.app.apply_ops(&ops).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());

    // Applying the same ops again, or in reverse order into a third book, changes nothing.
    b.app.apply_ops(&ops).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
    let c = book();
    let reversed: Vec<_> = ops.iter().rev().cloned().collect();
    c.app.apply_ops(&reversed).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), c.app.canonical_dump().unwrap());
}
