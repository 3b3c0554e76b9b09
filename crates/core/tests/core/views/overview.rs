//! An account's overview (health and pipeline) and the whitespace grid and suggestions.

use super::*;

// ---- Account overview -------------------------------------------------------------------------

#[test]
fn a_well_kept_account_is_healthy() {
    let b = book();
    let acme = account(&b.app, "Acme");
    note(&b.app, &acme, "QBR went well");
    let o = b.app.account_overview(acme.id).unwrap();
    assert_eq!((o.health.score, o.health.label), (100, HealthLabel::Good));
    assert!(o.health.reasons.is_empty());
    assert_eq!(o.last_touch, Some(b.app.now()));
}

#[test]
fn an_account_overview_explains_its_health_with_reasons_and_totals_its_pipeline() {
    let b = book();
    let acme = b
        .app
        .accounts()
        .create(Account { name: "Acme".into(), tier: Tier::A, competitors: vec!["Globex".into()], ..Default::default() })
        .unwrap();
    let stuck = opportunity(&b, acme.id, "Expansion", "Propose", 5_000_000, date(2026, 12, 31));
    opportunity(&b, acme.id, "Won deal", "Closed Won", 9_000_000, date(2026, 10, 1));
    b.clock.advance(Duration::days(40)); // Expansion has sat in Propose for 40 days
    b.app
        .opportunities()
        .create(Opportunity {
            account_id: Some(acme.id),
            name: "Renewal 2027".into(),
            kind: OppKind::Renewal,
            stage: "Qualify".into(),
            amount_cents: 1_000_000,
            competitor: Some("Initech".into()),
            ..Default::default()
        })
        .unwrap();
    task(&b, "Send security questionnaire", Some(date(2026, 12, 20)), Some(acme.id), false);
    let msa = contract(&b, acme.id, "MSA", date(2027, 2, 1));
    note(&b.app, &acme, "Call");

    let o = b.app.account_overview(acme.id).unwrap();
    assert_eq!(
        o.health.reasons,
        vec![
            HealthReason::OverdueTasks { count: 1 },
            HealthReason::CompetitorPresent { competitors: vec!["Globex".into(), "Initech".into()] },
            HealthReason::RenewalNear { contract_id: msa.id, end_date: date(2027, 2, 1), days_left: 30 },
            HealthReason::StalledOpportunity { opportunity_id: stuck.id, name: "Expansion".into(), days_in_stage: 40 },
        ]
    );
    assert_eq!((o.health.score, o.health.label), (45, HealthLabel::Attention));
    let next = o.next_renewal.unwrap();
    assert_eq!((next.contract_id, next.days_left), (msa.id, 30));
    let upsell = o.pipeline.iter().find(|p| p.kind == OppKind::Upsell).unwrap();
    assert_eq!((upsell.count, upsell.amount_cents, upsell.weighted_cents), (1, 5_000_000, 2_500_000));
    let ren = o.pipeline.iter().find(|p| p.kind == OppKind::Renewal).unwrap();
    assert_eq!((ren.count, ren.amount_cents, ren.weighted_cents), (1, 1_000_000, 100_000));
}

#[test]
fn the_overview_of_a_missing_or_trashed_account_is_not_found() {
    let b = book();
    assert!(matches!(b.app.account_overview(uuid::Uuid::now_v7()), Err(Error::NotFound { .. })));
    let acme = account(&b.app, "Acme");
    b.app.accounts().delete(acme.id).unwrap();
    assert!(matches!(b.app.account_overview(acme.id), Err(Error::NotFound { .. })));
}

// ---- Whitespace -------------------------------------------------------------------------------

#[test]
fn the_whitespace_grid_shows_what_each_live_account_owns_is_offered_or_could_buy() {
    let b = book();
    let (crm, bi) = (product(&b, "CRM"), product(&b, "BI"));
    b.app.products().create(Product { name: "Legacy".into(), active: false, ..Default::default() }).unwrap();
    let acme = account(&b.app, "Acme");
    let globex = account(&b.app, "Globex");
    account(&b.app, "Initech");
    b.app.accounts().create(Account { name: "Churned Co".into(), lifecycle: Lifecycle::Churned, ..Default::default() }).unwrap();
    hold(&b, acme.id, crm.id);
    let mut pitch = opportunity(&b, acme.id, "BI pitch", "Propose", 100, date(2026, 12, 1)).data;
    pitch.product_ids = vec![bi.id];
    let pitch_id = b.app.opportunities().list(&Default::default()).unwrap().items[0].id;
    b.app.opportunities().update(pitch_id, pitch).unwrap();
    let mut lost = Opportunity { account_id: Some(globex.id), name: "Lost BI".into(), stage: "Closed Lost".into(), lost_reason: Some("No budget".into()), ..Default::default() };
    lost.product_ids = vec![bi.id];
    b.app.opportunities().create(lost).unwrap();

    let page = b.app.whitespace(0, 2).unwrap();
    let products: Vec<(&str, u64)> = page.products.iter().map(|p| (p.name.as_str(), p.owners)).collect();
    assert_eq!(products, [("BI", 0), ("CRM", 1)]);
    let rows: Vec<(&str, Vec<Cell>)> = page.rows.iter().map(|r| (r.account_name.as_str(), r.cells.clone())).collect();
    assert_eq!(rows, [("Acme", vec![Cell::InOpenOpportunity, Cell::Owned]), ("Globex", vec![Cell::NotOwned, Cell::NotOwned])]);
    assert_eq!(page.next_offset, Some(2));
    let rest = b.app.whitespace(2, 2).unwrap();
    assert_eq!(rest.rows.iter().map(|r| r.account_name.as_str()).collect::<Vec<_>>(), ["Initech"]);
    assert_eq!(rest.next_offset, None);
    assert!(matches!(b.app.whitespace(0, 0), Err(Error::Invalid { .. })));
}

#[test]
fn accounts_that_own_x_also_own_y_follows_holdings_as_they_change() {
    let b = book();
    let (crm, bi, ai) = (product(&b, "CRM"), product(&b, "BI"), product(&b, "AI"));
    let acme = account(&b.app, "Acme");
    let globex = account(&b.app, "Globex");
    let crm1 = hold(&b, acme.id, crm.id);
    let acme_bi = hold(&b, acme.id, bi.id);
    hold(&b, globex.id, crm.id);
    let suggest = |b: &TestBook| {
        b.app.whitespace_suggestions(globex.id, 10).unwrap().into_iter().map(|s| (s.product_name, s.because_of_name, s.confidence, s.support)).collect::<Vec<_>>()
    };
    let half = vec![("BI".to_string(), "CRM".to_string(), 0.5, 1)];
    assert_eq!(suggest(&b), half);

    let crm2 = hold(&b, acme.id, crm.id); // a second block of seats: still one owner
    assert_eq!(suggest(&b), half);
    b.app.holdings().delete(crm1.id).unwrap();
    assert_eq!(suggest(&b), half, "Acme still holds CRM through its other holding");
    b.app.holdings().delete(crm2.id).unwrap();
    assert_eq!(suggest(&b), vec![], "no other CRM owner owns anything else");
    b.app.holdings().restore(crm2.id).unwrap();
    assert_eq!(suggest(&b), half);

    let mut moved = acme_bi.data.clone();
    moved.product_id = Some(ai.id);
    b.app.holdings().update(acme_bi.id, moved).unwrap();
    assert_eq!(suggest(&b), vec![("AI".to_string(), "CRM".to_string(), 0.5, 1)]);
    let owners: Vec<(String, u64)> = b.app.whitespace(0, 10).unwrap().products.into_iter().map(|p| (p.name, p.owners)).collect();
    assert_eq!(owners, [("AI".to_string(), 1), ("BI".to_string(), 0), ("CRM".to_string(), 2)]);
}
