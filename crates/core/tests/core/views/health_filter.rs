//! Filtering accounts by health: the band the list filters on is the band the account shows,
//! whatever was written and however much time passed.

use super::*;
use rapport_core::{Filter, FilterOp, ListQuery};
use std::collections::BTreeSet;

const BANDS: [(&str, HealthLabel); 3] = [("good", HealthLabel::Good), ("attention", HealthLabel::Attention), ("risk", HealthLabel::Risk)];

fn health_is(band: &str) -> ListQuery {
    ListQuery::default().filter(Filter { field: "health".into(), op: FilterOp::Eq, value: band.into() }).page(0, 1000)
}

fn ids(b: &TestBook, q: &ListQuery) -> BTreeSet<Id> {
    b.app.accounts().list(q).unwrap().items.into_iter().map(|a| a.id).collect()
}

/// Every live account is in exactly the band its overview shows, and the counts agree.
fn assert_filter_matches_overview(b: &TestBook, when: &str) {
    let all = b.app.accounts().list(&ListQuery::default().page(0, 1000)).unwrap().items;
    for (band, label) in BANDS {
        let shown: BTreeSet<Id> =
            all.iter().filter(|a| b.app.account_overview(a.id).unwrap().health.label == label).map(|a| a.id).collect();
        assert_eq!(ids(b, &health_is(band)), shown, "{band} accounts {when}");
        assert_eq!(b.app.accounts().count(&health_is(band)).unwrap(), shown.len() as u64, "{band} count {when}");
    }
}

#[test]
fn the_health_filter_agrees_with_the_overview_as_days_pass_and_records_change() {
    let b = book();
    let touched = account(&b.app, "Touched daily");
    let cold = account(&b.app, "Never called");
    let busy = account(&b.app, "Busy");
    let renewing = account(&b.app, "Renewing");
    let _deal = account(&b.app, "Deal in flight");
    let competitive = b
        .app
        .accounts()
        .create(Account { name: "Competitive".into(), tier: Tier::C, competitors: vec!["Globex".into()], ..Default::default() })
        .unwrap();
    note(&b.app, &touched, "Kick-off");
    let t1 = task(&b, "Send the deck", Some(date(2026, 11, 26)), Some(busy.id), false);
    task(&b, "Security review", Some(date(2026, 11, 30)), Some(busy.id), false);
    task(&b, "Legal", Some(date(2026, 12, 2)), Some(busy.id), false);
    contract(&b, renewing.id, "MSA", date(2027, 4, 10)); // enters the 120-day window on 2026-12-11
    let opp = opportunity(&b, _deal.id, "Expansion", "Propose", 1_000_000, date(2027, 1, 31));
    assert_filter_matches_overview(&b, "at the start");

    // Time alone: touches go stale, tasks fall overdue, a renewal comes near, a deal stalls.
    for day in 1..=40 {
        b.clock.advance(Duration::hours(24));
        if day % 3 == 0 {
            b.clock.advance(Duration::minutes(7 * 60 + 13)); // not always at the same hour
        }
        if day == 10 {
            note(&b.app, &cold, "Finally reached them");
        }
        if day == 12 {
            b.app.tasks().patch(t1.id, serde_json::from_value(serde_json::json!({"done": true})).unwrap()).unwrap();
        }
        if day == 20 {
            b.app.opportunities().patch(opp.id, serde_json::from_value(serde_json::json!({"stage": "Negotiate"})).unwrap()).unwrap();
        }
        if day == 25 {
            let mut s = b.app.settings();
            s.cadence_days_a = 60;
            b.app.update_settings(s).unwrap();
        }
        if day == 30 {
            b.app.accounts().delete(competitive.id).unwrap();
        }
        if day == 33 {
            b.clock.set_zone(chrono_tz::Pacific::Auckland);
        }
        assert_filter_matches_overview(&b, &format!("on day {day}"));
    }
    // The book had something in every band at some point; at the end the cold one is at risk.
    assert!(ids(&b, &health_is("good")).len() + ids(&b, &health_is("attention")).len() + ids(&b, &health_is("risk")).len() == 5);
}

#[test]
fn the_health_filter_combines_with_other_filters_and_sort_and_refuses_a_bad_band() {
    let b = book();
    for (name, tier) in [("Cyberdyne", Tier::B), ("Acme", Tier::A), ("Blue Sun", Tier::A), ("Initech", Tier::A)] {
        let a = b.app.accounts().create(Account { name: name.into(), tier, ..Default::default() }).unwrap();
        task(&b, "Follow up", Some(date(2026, 11, 24)), Some(a.id), false);
    }
    // Past tier A's 14 days, within tier B's: cold and an overdue task is 60, attention; an
    // overdue task alone is 90, good.
    b.clock.advance(Duration::days(20));
    let q = health_is("attention").filter(Filter::eq("tier", "A")).sort_by("name", true);
    let names: Vec<String> = b.app.accounts().list(&q).unwrap().items.into_iter().map(|a| a.data.name).collect();
    assert_eq!(names, ["Initech", "Blue Sun", "Acme"]);
    let good: Vec<String> = b.app.accounts().list(&health_is("good")).unwrap().items.into_iter().map(|a| a.data.name).collect();
    assert_eq!(good, ["Cyberdyne"]);
    let not_good = ListQuery::default().filter(Filter { field: "health".into(), op: FilterOp::Ne, value: "good".into() });
    assert_eq!(b.app.accounts().count(&not_good).unwrap(), 3);

    let err = b.app.accounts().list(&health_is("fine")).unwrap_err();
    assert!(matches!(&err, Error::Invalid { field, .. } if field == "health"), "{err:?}");
}
