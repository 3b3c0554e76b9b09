//! Gift totals against the cap, and quota attainment.

use super::*;

// ---- Gifts ------------------------------------------------------------------------------------

#[test]
fn a_gift_that_would_pass_the_cap_is_flagged_before_it_is_logged() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let ana = contact(&b.app, &acme, "Ana", "Boss", None);
    gift(&b, ana.id, date(2026, 6, 1), 6_000, GiftKind::Gift);
    gift(&b, ana.id, date(2025, 12, 24), 9_000, GiftKind::Gift); // last year

    let draft = |value| Gift { recipient_id: Some(ana.id), value_cents: value, description: "Book".into(), ..Default::default() };
    let ok = b.app.gift_check(&draft(4_000)).unwrap();
    assert_eq!((ok.total_so_far_cents, ok.total_with_gift_cents, ok.cap_cents, ok.would_exceed), (6_000, 10_000, 10_000, false));
    assert_eq!((ok.period_start, ok.period_end), (date(2026, 1, 1), date(2026, 12, 31)));
    let over = b.app.gift_check(&draft(4_001)).unwrap();
    assert!(over.would_exceed);
    let last_year = b.app.gift_check(&Gift { date: Some(date(2025, 12, 30)), ..draft(1_500) }).unwrap();
    assert_eq!((last_year.total_so_far_cents, last_year.would_exceed), (9_000, true));
    assert!(matches!(b.app.gift_check(&Gift { recipient_id: None, ..draft(1) }), Err(Error::Invalid { field, .. }) if field == "recipient_id"));
}

#[test]
fn entertainment_is_logged_but_not_counted_toward_the_cap() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let ana = contact(&b.app, &acme, "Ana", "Boss", None);
    gift(&b, ana.id, date(2026, 6, 1), 6_000, GiftKind::Gift);
    gift(&b, ana.id, date(2026, 9, 1), 25_000, GiftKind::Entertainment);

    let totals = b.app.gift_totals(Some(ana.id)).unwrap();
    assert_eq!((totals[0].total_cents, totals[0].entertainment_cents, totals[0].over_cap), (6_000, 25_000, false));
    let dinner = b.app.gift_check(&Gift { recipient_id: Some(ana.id), kind: GiftKind::Entertainment, value_cents: 50_000, ..Default::default() }).unwrap();
    assert_eq!((dinner.counts_toward_cap, dinner.total_with_gift_cents, dinner.would_exceed), (false, 6_000, false));
}

#[test]
fn gift_totals_list_every_recipient_of_the_period_largest_first_with_the_cap_passed_flagged() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let ana = contact(&b.app, &acme, "Ana", "Boss", None);
    let ben = contact(&b.app, &acme, "Ben", "Champion", None);
    let cy = contact(&b.app, &acme, "Cy", "Nogifts", None);
    gift(&b, ana.id, date(2026, 2, 1), 3_000, GiftKind::Gift);
    gift(&b, ben.id, date(2026, 3, 1), 8_000, GiftKind::Gift);
    gift(&b, ben.id, date(2026, 4, 1), 4_000, GiftKind::Gift);

    let totals = b.app.gift_totals(None).unwrap();
    let seen: Vec<(Option<&str>, i64, bool)> = totals.iter().map(|t| (t.recipient_name.as_deref(), t.total_cents, t.over_cap)).collect();
    assert_eq!(seen, [(Some("Ben Champion"), 12_000, true), (Some("Ana Boss"), 3_000, false)]);
    let none = b.app.gift_totals(Some(cy.id)).unwrap();
    assert_eq!((none[0].recipient_name.as_deref(), none[0].total_cents, none[0].remaining_cents), (Some("Cy Nogifts"), 0, 10_000));
    assert!(matches!(b.app.gift_totals(Some(uuid::Uuid::now_v7())), Err(Error::NotFound { .. })));
}

#[test]
fn gift_totals_follow_the_gift_period_in_settings() {
    let b = book(); // 2026-11-23
    let acme = account(&b.app, "Acme");
    let ana = contact(&b.app, &acme, "Ana", "Boss", None);
    gift(&b, ana.id, date(2026, 3, 31), 1_000, GiftKind::Gift);
    gift(&b, ana.id, date(2026, 4, 1), 2_000, GiftKind::Gift);
    gift(&b, ana.id, date(2025, 11, 23), 4_000, GiftKind::Gift);
    let total = |b: &TestBook| b.app.gift_totals(Some(ana.id)).unwrap()[0].total_cents;
    assert_eq!(total(&b), 3_000, "calendar 2026");

    let fiscal = Settings { gift_period: GiftPeriod::FiscalYear, fiscal_year_start_month: 4, ..Settings::default() };
    b.app.update_settings(fiscal).unwrap();
    assert_eq!(total(&b), 2_000, "fiscal year from 1 April 2026");

    b.app.update_settings(Settings { gift_period: GiftPeriod::Rolling12Months, ..Settings::default() }).unwrap();
    assert_eq!(total(&b), 3_000, "24 Nov 2025 to 23 Nov 2026");
    b.clock.set(utc(2026, 11, 22, 12, 0));
    assert_eq!(total(&b), 7_000, "23 Nov 2025 is inside the twelve months ending 22 Nov 2026");
}

// ---- Quota ------------------------------------------------------------------------------------

#[test]
fn quota_attainment_counts_won_deals_closing_in_the_period_and_coverage_the_open_ones() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let q = b
        .app
        .quotas()
        .create(Quota { name: "Q4 2026".into(), period_start: Some(date(2026, 10, 1)), period_end: Some(date(2026, 12, 31)), target_cents: 10_000_000, ..Default::default() })
        .unwrap();
    opportunity(&b, acme.id, "Won in Q4", "Closed Won", 4_000_000, date(2026, 10, 15));
    opportunity(&b, acme.id, "Won in Q3", "Closed Won", 9_000_000, date(2026, 9, 30));
    opportunity(&b, acme.id, "Lost in Q4", "Closed Lost", 9_000_000, date(2026, 11, 1));
    opportunity(&b, acme.id, "Proposal", "Propose", 6_000_000, date(2026, 12, 31));
    let mut sure = opportunity(&b, acme.id, "Nearly there", "Qualify", 1_000_000, date(2026, 12, 1)).data;
    sure.probability = Some(90);
    let sure_id = b.app.opportunities().list(&rapport_core::ListQuery::default().filter(rapport_core::Filter::eq("name", "Nearly there"))).unwrap().items[0].id;
    b.app.opportunities().update(sure_id, sure).unwrap();
    opportunity(&b, acme.id, "Next year", "Propose", 7_000_000, date(2027, 1, 1));
    let trashed = opportunity(&b, acme.id, "Trashed", "Propose", 7_000_000, date(2026, 11, 1));
    b.app.opportunities().delete(trashed.id).unwrap();

    let s = b.app.quota_summary(q.id).unwrap();
    assert_eq!((s.attained_cents, s.remaining_cents, s.attainment_percent), (4_000_000, 6_000_000, 40.0));
    assert_eq!((s.open_pipeline_cents, s.weighted_pipeline_cents), (7_000_000, 3_000_000 + 900_000));
    assert_eq!(s.coverage, Some(7.0 / 6.0));

    opportunity(&b, acme.id, "Big win", "Closed Won", 8_000_000, date(2026, 12, 20));
    let met = b.app.quota_summary(q.id).unwrap();
    assert_eq!((met.attained_cents, met.remaining_cents, met.coverage), (12_000_000, 0, None));
    assert_eq!(met.attainment_percent, 120.0);
    assert!(matches!(b.app.quota_summary(uuid::Uuid::now_v7()), Err(Error::NotFound { .. })));
}
