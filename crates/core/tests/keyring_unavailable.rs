//! With no keyring reachable, opening a book says so and writes nothing (no silent fallback to
//! a plain-text or unprotected book). A separate test binary because it points this process's
//! D-Bus at nowhere.

use rapport_core::security::{open_book, Unlock};
use rapport_core::{Error, FakeClock};
use std::sync::Arc;

#[test]
fn without_a_keyring_the_user_is_asked_for_a_passphrase_and_nothing_is_written() {
    // SAFETY of intent: this binary has a single test; no other thread reads the environment.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rapport-test-bus");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let err = open_book(&path, Unlock::Keyring, Arc::new(FakeClock::at_ymd_hm(2026, 11, 23, 9, 0))).err().unwrap();
    assert!(matches!(err, Error::KeyringUnavailable(_)), "{err:?}");
    assert_eq!(err.code(), "keyring_unavailable");
    assert!(!path.exists(), "no book may be created without a key home");
}
