use crate::support::*;
use rapport_core::domain::*;

#[test]
fn a_note_is_found_by_a_word_from_its_body_with_a_snippet() {
    let b = book();
    let acme = account(&b.app, "Acme");
    note(&b.app, &acme, "Their CFO worries about the migration timeline and the Kubernetes licence.");
    note(&b.app, &acme, "Lunch went well.");
    let hits = b.app.search("kubernetes", &[], 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, EntityKind::Note);
    assert_eq!(hits[0].account_id, Some(acme.id));
    assert!(hits[0].snippet.iter().any(|p| p.hit && p.text.eq_ignore_ascii_case("kubernetes")));
}

#[test]
fn search_spans_kinds_ignores_diacritics_and_skips_trash() {
    let b = book();
    let lodz = account(&b.app, "Fabryka Kraków");
    contact(&b.app, &lodz, "Zofia", "Krakówska", None);
    let hits = b.app.search("krakow", &[], 10).unwrap();
    let kinds: Vec<_> = hits.iter().map(|h| h.kind).collect();
    assert!(kinds.contains(&EntityKind::Account) && kinds.contains(&EntityKind::Contact), "{kinds:?}");
    b.app.accounts().delete(lodz.id).unwrap();
    let hits = b.app.search("krakow", &[EntityKind::Account], 10).unwrap();
    assert!(hits.is_empty());
}

#[test]
fn edited_text_is_searchable_by_its_new_words_only() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let n = note(&b.app, &acme, "Pricing objection from procurement");
    let mut d = n.data.clone();
    d.body = "Security review requested by procurement".into();
    b.app.notes().update(n.id, d).unwrap();
    assert!(b.app.search("pricing", &[], 10).unwrap().is_empty());
    assert_eq!(b.app.search("security", &[], 10).unwrap().len(), 1);
}

#[test]
fn records_from_another_device_are_found_by_their_new_words() {
    let a = book();
    let b = book();
    let lodz = account(&a.app, "Fabryka Kraków");
    let n = note(&a.app, &lodz, "Pricing objection from procurement");
    b.app.apply_ops(&a.app.outbox(0, 1_000).unwrap()).unwrap();
    assert_eq!(b.app.search("krakow", &[EntityKind::Account], 10).unwrap().len(), 1);
    assert_eq!(b.app.search("pricing", &[EntityKind::Note], 10).unwrap().len(), 1);

    let seen = a.app.outbox(0, 1_000).unwrap().len() as u64;
    let mut d = n.data.clone();
    d.body = "Security review requested by procurement".into();
    a.app.notes().update(n.id, d).unwrap();
    b.app.apply_ops(&a.app.outbox(seen, 1_000).unwrap()).unwrap();
    assert!(b.app.search("pricing", &[], 10).unwrap().is_empty());
    assert_eq!(b.app.search("security", &[EntityKind::Note], 10).unwrap().len(), 1);
}
