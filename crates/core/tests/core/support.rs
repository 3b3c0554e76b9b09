//! Building books for tests: a temp dir, a random key, a clock the test controls.

use rapport_core::domain::*;
use rapport_core::{App, FakeClock, Key};
use std::sync::Arc;

pub struct TestBook {
    pub app: App,
    pub clock: FakeClock,
    #[allow(dead_code)] // keeps the book's folder alive for the test
    pub dir: tempfile::TempDir,
}

pub fn key() -> Key {
    let mut k = [0u8; 32];
    for (i, b) in k.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(37).wrapping_add(11);
    }
    Key::Raw(k)
}

/// A fresh book at 2026-11-23 09:00 UTC.
pub fn book() -> TestBook {
    let clock = FakeClock::at_ymd_hm(2026, 11, 23, 9, 0);
    book_with_clock(clock)
}

pub fn book_with_clock(clock: FakeClock) -> TestBook {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = App::open(&dir.path().join("book.db"), key(), Arc::new(clock.clone())).expect("open book");
    TestBook { app, clock, dir }
}

pub fn account(app: &App, name: &str) -> Record<Account> {
    app.accounts()
        .create(Account { name: name.into(), tier: Tier::A, lifecycle: Lifecycle::Customer, ..Default::default() })
        .expect("create account")
}

pub fn contact(app: &App, account: &Record<Account>, first: &str, last: &str, role: Option<BuyingRole>) -> Record<Contact> {
    app.contacts()
        .create(Contact {
            account_id: Some(account.id),
            first_name: first.into(),
            last_name: last.into(),
            email: Some(format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase())),
            buying_role: role,
            ..Default::default()
        })
        .expect("create contact")
}

pub fn note(app: &App, account: &Record<Account>, body: &str) -> Record<Note> {
    app.notes()
        .create(Note { account_id: Some(account.id), body: body.into(), occurred_at: app.now(), ..Default::default() })
        .expect("create note")
}
