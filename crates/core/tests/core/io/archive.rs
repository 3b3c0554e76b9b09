use crate::support::*;
use rapport_core::demo::{generate, DemoSize};
use rapport_core::io::archive::Manifest;

/// Edits that give records clocks from several writes, text CRDT history, a deleted record and
/// ops from another device.
fn lived_in_book() -> TestBook {
    let a = book();
    generate(&a.app, &DemoSize::tiny(), 7, |_| {}).unwrap();
    let acme = account(&a.app, "Acme");
    let ana = contact(&a.app, &acme, "Ana", "Nowak", None);
    let mut d = ana.data.clone();
    d.personal_notes = "Two kids; runs marathons.".into();
    a.app.contacts().update(ana.id, d.clone()).unwrap();
    a.clock.advance(chrono::Duration::minutes(5));
    d.personal_notes = "Two kids; runs marathons in Łódź 🏃".into();
    d.title = Some("CFO".into());
    a.app.contacts().update(ana.id, d).unwrap();
    let gone = account(&a.app, "Gone Inc");
    a.app.accounts().delete(gone.id).unwrap();
    // Another laptop's edits, synced in.
    let other = book();
    let ext = account(&other.app, "Initech");
    let mut e = ext.data.clone();
    e.industry = Some("Software".into());
    other.app.accounts().update(ext.id, e).unwrap();
    a.app.apply_ops(&other.app.outbox(0, 100).unwrap()).unwrap();
    a
}

#[test]
fn an_archive_imported_into_an_empty_book_gives_the_same_book() {
    let a = lived_in_book();
    let mut s = a.app.settings();
    s.gift_cap_cents = 30_000;
    a.app.update_settings(s.clone()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let written: Manifest = a.app.exports().archive(dir.path()).unwrap();
    assert!(written.counts["account"] > 3 && written.counts["note"] > 0, "{:?}", written.counts);
    assert!(dir.path().join("accounts.jsonl").exists() && dir.path().join("notes.jsonl").exists());

    let fresh = book();
    let read = fresh.app.imports().archive(dir.path()).unwrap();
    assert_eq!(read.counts, written.counts);
    assert_eq!(fresh.app.canonical_dump().unwrap(), a.app.canonical_dump().unwrap());
    assert_eq!(fresh.app.settings().gift_cap_cents, 30_000);
    // Search works on what was restored.
    assert!(fresh.app.search("marathons", &[], 5).unwrap().iter().any(|h| h.title == "Ana Nowak"));
    // Restoring twice changes nothing.
    fresh.app.imports().archive(dir.path()).unwrap();
    assert_eq!(fresh.app.canonical_dump().unwrap(), a.app.canonical_dump().unwrap());
}

#[test]
fn a_broken_or_foreign_archive_is_refused_and_writes_nothing() {
    let a = book();
    account(&a.app, "Acme");
    let dir = tempfile::tempdir().unwrap();
    a.app.exports().archive(dir.path()).unwrap();
    let e = a.app.exports().archive(dir.path()).unwrap_err();
    assert_eq!(e.code(), "conflict");

    let contacts = dir.path().join("accounts.jsonl");
    let mut text = std::fs::read_to_string(&contacts).unwrap();
    text.push_str("{\"id\": \"not a uuid\"\n");
    std::fs::write(&contacts, text).unwrap();
    let fresh = book();
    let e = fresh.app.imports().archive(dir.path()).unwrap_err();
    assert_eq!(e.field(), Some("archive"));
    assert!(e.to_string().contains("accounts.jsonl line 2"), "{e}");
    assert_eq!(fresh.app.summary().unwrap().accounts, 0);

    let empty = tempfile::tempdir().unwrap();
    let e = fresh.app.imports().archive(empty.path()).unwrap_err();
    assert!(e.to_string().contains("Rapport archive"), "{e}");
}
