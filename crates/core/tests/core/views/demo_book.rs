//! Every view answers on a generated demo book, with what the demo promises to show.

use super::*;
use rapport_core::demo::{generate, DemoSize};

#[test]
fn every_view_answers_on_a_tiny_demo_book() {
    let b = book();
    generate(&b.app, &DemoSize::tiny(), 42, |_| {}).unwrap();

    let today = b.app.today().unwrap();
    assert!(today.meetings.total >= 1, "the demo has meetings today");
    let first = &today.meetings.items[0];
    let brief = b.app.meeting_brief(first.id).unwrap();
    let md = brief.to_markdown();
    assert!(md.starts_with(&format!("# Brief: {}", first.title)), "{md}");
    if let Some(account) = &brief.account {
        let overview = b.app.account_overview(account.id).unwrap();
        assert_eq!(overview.health, account.health);
        b.app.whitespace_suggestions(account.id, 5).unwrap();
    }

    let grid = b.app.whitespace(0, 50).unwrap();
    assert!(!grid.rows.is_empty() && grid.rows.iter().all(|r| r.cells.len() == grid.products.len()));
    for t in b.app.gift_totals(None).unwrap() {
        assert_eq!(t.over_cap, t.total_cents > t.cap_cents);
    }
    let quotas = b.app.quotas().list(&Default::default()).unwrap();
    for q in quotas.items {
        let s = b.app.quota_summary(q.id).unwrap();
        assert_eq!(s.remaining_cents, (s.target_cents - s.attained_cents).max(0));
    }
}
