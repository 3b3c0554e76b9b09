//! Encryption at rest and the key's home in the OS keyring. The keyring tests use the real
//! Secret Service (gnome-keyring in a dbus session, as scripts/test.sh sets up); they fail when
//! RAPPORT_REQUIRE_KEYRING=1 and no keyring answers, and say they were skipped otherwise.

use crate::support::*;
use rapport_core::security::{forget_key, keyring_available, open_book, Unlock};
use rapport_core::{App, Error, FakeClock, Key};
use std::sync::Arc;

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::at_ymd_hm(2026, 11, 23, 9, 0))
}

fn keyring_or_skip(test: &str) -> bool {
    if keyring_available() {
        return true;
    }
    if std::env::var("RAPPORT_REQUIRE_KEYRING").as_deref() == Ok("1") {
        panic!("{test}: no Secret Service keyring is reachable, but RAPPORT_REQUIRE_KEYRING=1");
    }
    eprintln!("{test}: SKIPPED, no Secret Service keyring reachable (run scripts/test.sh)");
    false
}

#[test]
fn the_book_on_disk_does_not_open_as_plain_sqlite_nor_show_its_text() {
    let b = book();
    account(&b.app, "Acme Confidential Holdings");
    b.app.store().checkpoint().unwrap();
    let path = b.dir.path().join("book.db");

    let plain = rusqlite::Connection::open(&path).unwrap();
    let err = plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(err.to_string().contains("not a database"), "plain SQLite read the book: {err}");

    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Acme"), "account name visible in the file");
    assert!(!bytes.starts_with(b"SQLite format 3"), "the file has a plain SQLite header");
}

#[test]
fn a_wrong_key_is_refused_and_the_book_is_untouched() {
    let b = book();
    account(&b.app, "Acme");
    b.app.store().checkpoint().unwrap();
    let path = b.dir.path().join("book.db");
    let before = std::fs::read(&path).unwrap();
    let err = App::open(&path, Key::Raw([0xAA; 32]), clock()).err().unwrap();
    assert!(matches!(err, Error::WrongKey), "{err:?}");
    let err = open_book(&path, Unlock::Passphrase("not the passphrase".into()), clock()).err().unwrap();
    assert!(matches!(err, Error::WrongKey), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_passphrase_book_opens_with_its_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pass.db");
    let err = open_book(&path, Unlock::Passphrase("short".into()), clock()).err().unwrap();
    assert_eq!(err.field(), Some("passphrase"));
    {
        let opened = open_book(&path, Unlock::Passphrase("correct horse battery".into()), clock()).unwrap();
        assert!(opened.recovery_key.is_none());
        account(&opened.app, "Initech");
    }
    let again = open_book(&path, Unlock::Passphrase("correct horse battery".into()), clock()).unwrap();
    assert_eq!(again.app.accounts().count(&Default::default()).unwrap(), 1);
    assert!(matches!(open_book(&path, Unlock::Passphrase("wrong horse battery".into()), clock()).err().unwrap(), Error::WrongKey));
}

#[test]
fn a_new_book_keeps_its_key_in_the_keyring_and_shows_a_recovery_key_once() {
    if !keyring_or_skip("keyring_new_book") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let first = open_book(&path, Unlock::Keyring, clock()).unwrap();
    let recovery = first.recovery_key.clone().expect("a recovery key at setup");
    account(&first.app, "Globex");
    drop(first);

    let second = open_book(&path, Unlock::Keyring, clock()).unwrap();
    assert!(second.recovery_key.is_none(), "the recovery key is shown only once");
    assert_eq!(second.app.accounts().count(&Default::default()).unwrap(), 1);
    drop(second);
    assert!(!recovery.0.is_empty());
    forget_key(&path).unwrap();
}

#[test]
fn a_lost_keyring_entry_is_restored_from_the_recovery_key() {
    if !keyring_or_skip("keyring_recovery") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let first = open_book(&path, Unlock::Keyring, clock()).unwrap();
    let recovery = first.recovery_key.clone().unwrap();
    account(&first.app, "Umbrella");
    drop(first);

    forget_key(&path).unwrap();
    let err = open_book(&path, Unlock::Keyring, clock()).err().unwrap();
    assert!(matches!(err, Error::KeyMissing), "{err:?}");

    let recovered = open_book(&path, Unlock::RecoveryKey(recovery.0.to_lowercase()), clock()).unwrap();
    assert!(recovered.keyring_restored);
    assert_eq!(recovered.app.accounts().count(&Default::default()).unwrap(), 1);
    drop(recovered);

    let again = open_book(&path, Unlock::Keyring, clock()).unwrap();
    assert_eq!(again.app.accounts().count(&Default::default()).unwrap(), 1);
    drop(again);
    forget_key(&path).unwrap();
}
