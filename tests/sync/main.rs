//! System tests of sync: two real core `App`s (each its own encrypted book, device and keyring
//! token) and a real `rapport-server` process on loopback, once on SQLite and once on
//! PostgreSQL. Run inside scripts/with-keyring.sh (scripts/test.sh does): sign-in keeps the
//! device token in the OS keyring.

mod server;

use rapport_core::domain::*;
use rapport_core::sync::protocol::{PullRequest, SyncRequest, VersionVector};
use rapport_core::sync::{self, HttpTransport, Transport, TransportError};
use rapport_core::{App, FakeClock, Key, ListQuery};
use server::{Backend, Server};
use std::sync::Arc;

struct Laptop {
    app: App,
    clock: FakeClock,
    _dir: tempfile::TempDir,
}

fn laptop() -> Laptop {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = FakeClock::at_ymd_hm(2026, 11, 23, 9, 0);
    let mut k = [7u8; 32];
    k[0] = rand_byte();
    let app = App::open(&dir.path().join("book.db"), Key::Raw(k), Arc::new(clock.clone())).expect("open book");
    Laptop { app, clock, _dir: dir }
}

fn rand_byte() -> u8 {
    (uuid::Uuid::now_v7().as_u128() & 0xff) as u8
}

/// Whether the OS keyring is there; tests that need it skip without it unless told to fail.
fn keyring() -> bool {
    if rapport_core::security::keyring_available() {
        return true;
    }
    assert!(std::env::var("RAPPORT_REQUIRE_KEYRING").as_deref() != Ok("1"), "no Secret Service keyring: run inside scripts/with-keyring.sh");
    eprintln!("skipped: no keyring (run inside scripts/with-keyring.sh)");
    false
}

fn email() -> String {
    format!("ae-{}@example.com", uuid::Uuid::now_v7().simple())
}

async fn transport(l: &Laptop) -> HttpTransport {
    let acct = sync::account::account(&l.app).unwrap().expect("signed in");
    HttpTransport::new(&acct.server, sync::account::token(&l.app).unwrap()).unwrap()
}

async fn sync_now(l: &Laptop) -> sync::SyncReport {
    let t = transport(l).await;
    sync::sync_once(&l.app, &t).await.expect("sync")
}

fn edit_note(l: &Laptop, id: Id, f: impl FnOnce(&mut String)) {
    let mut n = l.app.notes().get(id).unwrap().data;
    f(&mut n.body);
    l.app.notes().update(id, n).unwrap();
}

fn set_industry(l: &Laptop, id: Id, v: &str) {
    let mut a = l.app.accounts().get(id).unwrap().data;
    a.industry = Some(v.into());
    l.app.accounts().update(id, a).unwrap();
}

async fn offline_edits_on_both_sides_converge(backend: Backend) {
    if !keyring() {
        return;
    }
    let server = Server::start(backend);
    let (a, b) = (laptop(), laptop());
    let who = email();
    sync::sign_up(&a.app, &server.url, &who, "correct horse battery").await.expect("sign up");
    sync::sign_in(&b.app, &server.url, &who, "correct horse battery").await.expect("sign in");
    let acme = a.app.accounts().create(Account { name: "Acme".into(), ..Default::default() }).unwrap();
    let note = a
        .app
        .notes()
        .create(Note { account_id: Some(acme.id), body: "Met the CFO in Łódź.".into(), occurred_at: a.app.now(), ..Default::default() })
        .unwrap();
    sync_now(&a).await;
    sync_now(&b).await;
    assert_eq!(b.app.notes().get(note.id).unwrap().data.body, "Met the CFO in Łódź.");

    // Two weeks offline: both edit the same note and the same field.
    edit_note(&a, note.id, |t| t.push_str(" Budget approved."));
    set_industry(&a, acme.id, "Logistics");
    b.clock.advance(chrono::Duration::days(14));
    edit_note(&b, note.id, |t| t.insert_str(0, "Q3: "));
    set_industry(&b, acme.id, "Shipping");

    sync_now(&a).await;
    sync_now(&b).await;
    sync_now(&a).await;
    for l in [&a, &b] {
        assert_eq!(l.app.notes().get(note.id).unwrap().data.body, "Q3: Met the CFO in Łódź. Budget approved.");
        assert_eq!(l.app.accounts().get(acme.id).unwrap().data.industry.as_deref(), Some("Shipping"));
        let c = l.app.conflicts().unwrap();
        assert_eq!(c.len(), 1, "the industry both changed offline is a conflict to pick");
        assert_eq!(c[0].theirs.value, serde_json::json!("Logistics"));
        assert_eq!(l.app.waiting_changes().unwrap(), 0);
    }
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
}

async fn killing_the_server_mid_push_loses_nothing_and_stores_nothing_twice(backend: Backend) {
    if !keyring() {
        return;
    }
    let mut server = Server::start(backend);
    let (a, b) = (laptop(), laptop());
    let who = email();
    sync::sign_up(&a.app, &server.url, &who, "correct horse battery").await.expect("sign up");
    const N: usize = 2_500;
    a.app
        .batch(|bt| {
            for i in 0..N {
                bt.create(Account { name: format!("Account {i:04}"), ..Default::default() })?;
            }
            Ok(())
        })
        .unwrap();
    // Push in the background and kill the server while it works (several 1,000-op batches).
    let t = transport(&a).await;
    let app = a.app.clone();
    let pushing = tokio::spawn(async move { sync::sync_once(&app, &t).await });
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    server.kill();
    let first = pushing.await.unwrap();
    if let Err(e) = &first {
        assert!(matches!(e, sync::SyncError::Transport(TransportError::Offline(_))), "a killed server is 'offline': {e}");
    }
    server.restart();
    sync_now(&a).await;
    assert_eq!(a.app.waiting_changes().unwrap(), 0, "everything pushed after the restart");

    sync::sign_in(&b.app, &server.url, &who, "correct horse battery").await.expect("sign in");
    sync_now(&b).await;
    let q = ListQuery { limit: 1, ..ListQuery::default() };
    assert_eq!(b.app.accounts().count(&q).unwrap(), N as u64, "every account arrived once");
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
}

async fn a_revoked_device_is_refused(backend: Backend) {
    if !keyring() {
        return;
    }
    let server = Server::start(backend);
    let (a, b) = (laptop(), laptop());
    let who = email();
    sync::sign_up(&a.app, &server.url, &who, "correct horse battery").await.expect("sign up");
    sync::sign_in(&b.app, &server.url, &who, "correct horse battery").await.expect("sign in");
    sync_now(&b).await;
    transport(&a).await.revoke_device(b.app.store().device().device).await.expect("revoke");
    let err = sync::sync_once(&b.app, &transport(&b).await).await.expect_err("refused");
    assert!(matches!(err, sync::SyncError::Transport(TransportError::Unauthorized(_))), "{err}");
    // Its local book keeps working.
    b.app.accounts().create(Account { name: "Still here".into(), ..Default::default() }).unwrap();
}

async fn a_device_of_another_user_is_refused_everywhere(backend: Backend) {
    if !keyring() {
        return;
    }
    let server = Server::start(backend);
    let (a, c) = (laptop(), laptop());
    sync::sign_up(&a.app, &server.url, &email(), "correct horse battery").await.expect("sign up");
    sync::sign_up(&c.app, &server.url, &email(), "another password!").await.expect("sign up");
    let secret = a.app.accounts().create(Account { name: "Confidential Corp".into(), ..Default::default() }).unwrap();
    sync_now(&a).await;
    sync_now(&c).await;
    assert!(c.app.accounts().get(secret.id).is_err(), "another user's record never arrives");

    let a_space = a.app.store().device().space;
    let t = transport(&c).await;
    let me = c.app.store().device().device;
    let forbidden = |r: Result<_, TransportError>| matches!(r, Err(TransportError::Forbidden(_)));
    let pull = PullRequest { space: a_space, cursor: VersionVector::default(), limit: None };
    assert!(forbidden(t.sync(SyncRequest { device: me, push: vec![], pull: vec![pull] }).await.map(|_| ())), "pull");
    assert!(forbidden(t.snapshot(a_space, None, 10).await.map(|_| ())), "snapshot");
    let mut op = a.app.outbox(0, 1).unwrap().remove(0);
    op.device = me;
    op.seq = 1 + c.app.outbox(0, 100_000).unwrap().len() as u64;
    let pushed = t.sync(SyncRequest { device: me, push: vec![op], pull: vec![] }).await;
    assert!(forbidden(pushed.map(|_| ())), "push into another user's space");
    // Its own device id and token do not work for the other user's device either.
    let mut other = a.app.outbox(0, 1).unwrap();
    other[0].seq = 999;
    let r = t.sync(SyncRequest { device: a.app.store().device().device, push: other, pull: vec![] }).await;
    assert!(matches!(r, Err(TransportError::Forbidden(_)) | Err(TransportError::Unauthorized(_)) | Err(TransportError::Server(_))), "{r:?}");
    // And the account on the server is untouched: a syncs and still has exactly its records.
    sync_now(&a).await;
    assert_eq!(a.app.accounts().count(&ListQuery::default()).unwrap(), 1);
}

async fn a_change_reaches_the_other_laptop_by_itself(backend: Backend) {
    if !keyring() {
        return;
    }
    let server = Server::start(backend);
    let (a, b) = (laptop(), laptop());
    let who = email();
    sync::sign_up(&a.app, &server.url, &who, "correct horse battery").await.expect("sign up");
    sync::sign_in(&b.app, &server.url, &who, "correct horse battery").await.expect("sign in");
    let (task_a, task_b) = (sync::start_sync(a.app.clone()), sync::start_sync(b.app.clone()));
    let mut seen = b.app.subscribe();
    let acme = a.app.accounts().create(Account { name: "Acme".into(), ..Default::default() }).unwrap();
    // No one calls sync: A's task pushes after the change, the server pokes B, B's task pulls.
    let arrived = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            if let Ok(rapport_core::Event::Changed { ids, .. }) = seen.recv().await {
                if ids.contains(&acme.id) {
                    break;
                }
            }
        }
    })
    .await;
    assert!(arrived.is_ok(), "B never received A's new account");
    assert_eq!(b.app.accounts().get(acme.id).unwrap().data.name, "Acme");
    assert!(matches!(task_a.status(), sync::SyncStatus::Synced { .. } | sync::SyncStatus::Waiting { .. }), "{:?}", task_a.status());
    drop(task_b);
}

macro_rules! on_both_backends {
    ($($name:ident),*) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::sqlite()).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::postgres()).await })*
        }
    };
}

on_both_backends!(
    offline_edits_on_both_sides_converge,
    killing_the_server_mid_push_loses_nothing_and_stores_nothing_twice,
    a_revoked_device_is_refused,
    a_device_of_another_user_is_refused_everywhere,
    a_change_reaches_the_other_laptop_by_itself
);
