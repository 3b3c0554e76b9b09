//! The meeting brief and its Markdown.

use super::*;

// ---- Meeting brief ----------------------------------------------------------------------------

#[test]
fn a_meeting_brief_gathers_what_to_know_before_the_meeting() {
    let b = book();
    let acme = b
        .app
        .accounts()
        .create(Account { name: "Acme".into(), tier: Tier::A, lifecycle: Lifecycle::Customer, industry: Some("Manufacturing".into()), ..Default::default() })
        .unwrap();
    let mut ana = contact(&b.app, &acme, "Ana", "Boss", Some(BuyingRole::EconomicBuyer)).data;
    ana.title = Some("CFO".into());
    ana.comm_preference = Some(CommPreference::Email);
    ana.personal_notes = "Two kids; loves sailing.".into();
    let ana_id = b.app.contacts().list(&Default::default()).unwrap().items[0].id;
    b.app.contacts().update(ana_id, ana).unwrap();
    let ben = contact(&b.app, &acme, "Ben", "Champion", Some(BuyingRole::Champion));
    let outsider = contact(&b.app, &acme, "Olga", "Other", None);

    b.app.notes().create(Note { account_id: Some(acme.id), contact_ids: vec![ana_id], title: "Pricing call".into(), body: "Ana asked for a multi-year discount.".into(), occurred_at: utc(2026, 11, 20, 14, 0), next_steps: Some("Send revised quote".into()), ..Default::default() }).unwrap();
    b.app.notes().create(Note { contact_ids: vec![ben.id], title: "Coffee with Ben".into(), body: "He is pushing for the upgrade internally.".into(), occurred_at: utc(2026, 11, 10, 8, 0), ..Default::default() }).unwrap();
    b.app.notes().create(Note { contact_ids: vec![outsider.id], title: "Olga only".into(), body: "Not in this meeting.".into(), occurred_at: utc(2026, 11, 21, 8, 0), ..Default::default() }).unwrap();
    let mut expansion = opportunity(&b, acme.id, "Expansion", "Negotiate", 5_000_000, date(2026, 12, 31)).data;
    expansion.next_step = Some("Send revised quote".into());
    expansion.competitor = Some("Globex".into());
    let expansion_id = b.app.opportunities().list(&Default::default()).unwrap().items[0].id;
    b.app.opportunities().update(expansion_id, expansion).unwrap();
    opportunity(&b, acme.id, "Lost deal", "Closed Lost", 100, date(2026, 6, 1));
    contract(&b, acme.id, "MSA", date(2027, 1, 22));
    task(&b, "Send security questionnaire", Some(date(2026, 11, 30)), Some(acme.id), false);
    task(&b, "Done already", None, Some(acme.id), true);
    b.app.objections().create(Objection { statement: "Too expensive".into(), category: ObjectionCategory::Price, response: "Focus on ROI: payback in 7 months.".into(), contact_id: Some(ana_id), ..Default::default() }).unwrap();
    b.app.objections().create(Objection { statement: "Not this quarter".into(), category: ObjectionCategory::Timing, account_id: Some(acme.id), ..Default::default() }).unwrap();
    b.app.objections().create(Objection { statement: "Someone else's worry".into(), contact_id: Some(outsider.id), ..Default::default() }).unwrap();
    gift(&b, ana_id, date(2026, 6, 1), 6_000, GiftKind::Gift);
    gift(&b, ana_id, date(2025, 12, 1), 3_000, GiftKind::Gift);
    let (crm, bi) = (product(&b, "CRM"), product(&b, "BI"));
    hold(&b, acme.id, crm.id);
    for (name, owns_bi) in [("Globex", true), ("Initech", true), ("Hooli", false)] {
        let other = account(&b.app, name);
        hold(&b, other.id, crm.id);
        if owns_bi {
            hold(&b, other.id, bi.id);
        }
    }
    let m = meeting(&b, "Renewal planning", utc(2026, 11, 24, 9, 0), Some(acme.id), vec![ana_id, ben.id]);
    let mut data = m.data.clone();
    data.goal = Some("Agree on renewal terms".into());
    b.app.meetings().update(m.id, data).unwrap();

    let brief = b.app.meeting_brief(m.id).unwrap();
    assert_eq!(brief.account.as_ref().map(|a| a.name.as_str()), Some("Acme"));
    let names: Vec<&str> = brief.attendees.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Ana Boss", "Ben Champion"]);
    let ana = &brief.attendees[0];
    assert_eq!((ana.buying_role, ana.comm_preference, ana.title.as_deref()), (Some(BuyingRole::EconomicBuyer), Some(CommPreference::Email), Some("CFO")));
    assert_eq!(ana.last_touch, Some(utc(2026, 11, 20, 14, 0)));
    assert_eq!((ana.gift_total.total_cents, ana.gift_total.cap_cents, ana.gifts.len()), (6_000, 10_000, 1));
    assert_eq!(brief.account_notes.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), ["Pricing call"]);
    assert_eq!(brief.attendee_notes.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), ["Coffee with Ben"]);
    assert_eq!(brief.opportunities.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Expansion"]);
    assert_eq!(brief.contracts[0].days_left, Some(60));
    assert_eq!(brief.tasks.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), ["Send security questionnaire"]);
    let mut objections: Vec<&str> = brief.objections.iter().map(|o| o.statement.as_str()).collect();
    objections.sort();
    assert_eq!(objections, ["Not this quarter", "Too expensive"]);
    assert_eq!(brief.suggestions.len(), 1);
    assert_eq!((brief.suggestions[0].product_name.as_str(), brief.suggestions[0].confidence), ("BI", 0.5));

    let md = brief.to_markdown();
    for fact in [
        "# Brief: Renewal planning",
        "- **Join:** https://zoom.us/j/42",
        "Tue 24 Nov 2026, 10:00–11:00 (Europe/Warsaw)",
        "**Account:** Acme (tier A, customer, Manufacturing)",
        "**Goal:** Agree on renewal terms",
        "### Ana Boss, CFO",
        "Buying role: economic buyer",
        "Prefers: email",
        "Personal notes: Two kids; loves sailing.",
        "2026-11-20 (note) **Pricing call**: Ana asked for a multi-year discount.",
        "Coffee with Ben",
        "**Expansion**: upsell, Negotiate (75%), USD 50,000.00, closes 2026-12-31; next step: Send revised quote; competitor: Globex",
        "**MSA**: ends 2027-01-22 (60 days left)",
        "- [ ] Send security questionnaire (due 2026-11-30)",
        "\"Too expensive\" (price, raised by Ana Boss)",
        "Response: Focus on ROI: payback in 7 months.",
        "Gifts 2026-01-01 to 2026-12-31: USD 60.00 of the USD 100.00 cap",
        "**BI**: 50% of the 4 accounts that own CRM also own it",
    ] {
        assert!(md.contains(fact), "the brief should say {fact:?}:\n{md}");
    }
    assert!(md.find("**Join:**") < md.find("**When:**"), "the link comes first");
    assert!(!md.contains("Olga") && !md.contains("Lost deal") && !md.contains("Done already") && !md.contains("2025-12-01"));
    assert_eq!(md, b.app.meeting_brief(m.id).unwrap().to_markdown(), "the same brief reads the same");
}

#[test]
fn a_brief_for_a_meeting_without_an_account_uses_its_first_attendees() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let ana = contact(&b.app, &acme, "Ana", "Boss", None);
    let m = meeting(&b, "Intro", utc(2026, 11, 24, 9, 0), None, vec![ana.id]);
    let brief = b.app.meeting_brief(m.id).unwrap();
    assert_eq!(brief.account.map(|a| a.id), Some(acme.id));
    assert!(matches!(b.app.meeting_brief(uuid::Uuid::now_v7()), Err(Error::NotFound { .. })));
}
