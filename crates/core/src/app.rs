//! The one handle the shell and tests hold: it opens the book and hands out per-domain facades.

use crate::clock::{Clock, SystemClock};
use crate::domain::*;
use crate::error::Result;
use crate::repo::Repo;
use crate::settings::Settings;
use crate::store::search::SearchHit;
use crate::store::write::{Changed, WriteTx};
use crate::store::{Key, Store};
use crate::sync::protocol::Op;
use std::path::Path;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// What core tells its listeners (the shell turns these into Tauri events).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Records changed (a local edit or applied sync ops).
    Changed { kind: EntityKind, ids: Vec<Id> },
    /// Reminders came due, oldest first: one event per look at the clock (the first look
    /// after days away carries every reminder that came due meanwhile: thousands on a large
    /// book). Shared, so each listener's copy costs nothing.
    RemindersDue(std::sync::Arc<[crate::reminders::DueReminder]>),
    /// The sync state changed (see [`crate::sync::task`]).
    SyncStatus(crate::sync::SyncStatus),
}

/// What the first screen shows about the open book.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BookSummary {
    pub path: String,
    pub accounts: u64,
    pub contacts: u64,
    pub notes: u64,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    events: broadcast::Sender<Event>,
    settings: RwLock<Settings>,
}

/// The book of business. Cheap to clone; all clones share one store.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

const SETTINGS_KEY: &str = "settings";

impl App {
    /// Opens (or creates) the book at `path` with an explicit key. See [`crate::security`] for
    /// opening with the OS keyring, a passphrase or a recovery key.
    pub fn open(path: &Path, key: Key, clock: Arc<dyn Clock>) -> Result<App> {
        let store = Store::open(path, key, clock.clone())?;
        let settings: Settings = store.setting(SETTINGS_KEY)?.unwrap_or_default();
        let (events, _) = broadcast::channel(1024);
        Ok(App { inner: Arc::new(Inner { store, clock, events, settings: RwLock::new(settings) }) })
    }

    /// Opens with the real clock.
    pub fn open_now(path: &Path, key: Key) -> Result<App> {
        App::open(path, key, Arc::new(SystemClock))
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        self.inner.clock.clone()
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    pub(crate) fn emit(&self, event: Event) {
        // No listener is fine: the UI may not be up yet.
        let _ = self.inner.events.send(event);
    }

    /// Runs `f` in one write transaction and tells listeners what changed once it committed.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> Result<T>) -> Result<T> {
        let (out, changed) = self.inner.store.write(f)?;
        self.announce(changed);
        Ok(out)
    }

    fn announce(&self, changed: Vec<Changed>) {
        if self.inner.events.receiver_count() == 0 || changed.is_empty() {
            return;
        }
        let mut by_kind: std::collections::BTreeMap<EntityKind, Vec<Id>> = Default::default();
        for c in changed {
            by_kind.entry(c.kind).or_default().push(c.id);
        }
        for (kind, ids) in by_kind {
            self.emit(Event::Changed { kind, ids });
        }
    }

    pub fn settings(&self) -> Settings {
        self.inner.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn update_settings(&self, settings: Settings) -> Result<Settings> {
        settings.validate()?;
        self.inner.store.set_setting(SETTINGS_KEY, &settings)?;
        if let Ok(mut s) = self.inner.settings.write() {
            *s = settings.clone();
        }
        Ok(settings)
    }

    pub fn repo<T: Entity>(&self) -> Repo<'_, T> {
        Repo::new(self)
    }

    pub fn accounts(&self) -> Repo<'_, Account> {
        self.repo()
    }
    pub fn contacts(&self) -> Repo<'_, Contact> {
        self.repo()
    }
    pub fn notes(&self) -> Repo<'_, Note> {
        self.repo()
    }
    pub fn meetings(&self) -> Repo<'_, Meeting> {
        self.repo()
    }
    pub fn products(&self) -> Repo<'_, Product> {
        self.repo()
    }
    pub fn holdings(&self) -> Repo<'_, Holding> {
        self.repo()
    }
    pub fn opportunities(&self) -> Repo<'_, Opportunity> {
        self.repo()
    }
    pub fn contracts(&self) -> Repo<'_, Contract> {
        self.repo()
    }
    pub fn tasks(&self) -> Repo<'_, Task> {
        self.repo()
    }
    pub fn reminders(&self) -> Repo<'_, Reminder> {
        self.repo()
    }
    pub fn objections(&self) -> Repo<'_, Objection> {
        self.repo()
    }
    pub fn gifts(&self) -> Repo<'_, Gift> {
        self.repo()
    }
    pub fn quotas(&self) -> Repo<'_, Quota> {
        self.repo()
    }

    /// Import from CSV, .xlsx, calendar invites and contact cards (see [`crate::io`]).
    pub fn imports(&self) -> crate::io::Imports<'_> {
        crate::io::Imports::new(self)
    }

    /// Lists, the gift ledger and briefs as CSV, .xlsx or Markdown (see [`crate::io::export`]).
    pub fn exports(&self) -> crate::io::export::Exports<'_> {
        crate::io::export::Exports::new(self)
    }

    /// Where the book is and how much it holds (the first screen).
    pub fn summary(&self) -> Result<BookSummary> {
        let all = crate::ListQuery::default();
        Ok(BookSummary {
            path: self.store().path().display().to_string(),
            accounts: self.accounts().count(&all)?,
            contacts: self.contacts().count(&all)?,
            notes: self.notes().count(&all)?,
        })
    }

    /// Full-text search across accounts, contacts, notes, opportunities and objections.
    pub fn search(&self, query: &str, kinds: &[EntityKind], limit: usize) -> Result<Vec<SearchHit>> {
        self.inner.store.read(|c| crate::store::search::search(c, query, kinds, limit))
    }

    /// Local changes not yet acknowledged by the server, oldest first.
    pub fn outbox(&self, after_seq: u64, limit: usize) -> Result<Vec<Op>> {
        let device = self.inner.store.device().device;
        self.inner.store.read(|c| crate::store::write::read_outbox(c, device, after_seq, limit))
    }

    /// Applies ops made elsewhere (another device's, or a replayed outbox), in one transaction.
    pub fn apply_ops(&self, ops: &[Op]) -> Result<()> {
        self.write(|w| ops.iter().try_for_each(|op| w.apply_remote(op)))
    }

    /// Every record, field, clock and text in a fixed order (see [`crate::store::dump`]).
    pub fn canonical_dump(&self) -> Result<String> {
        self.inner.store.read(crate::store::dump::canonical_dump)
    }

    /// Runs several creates/updates as one transaction (all or nothing); used by composite
    /// actions and bulk loads.
    pub fn batch<T>(&self, f: impl FnOnce(&mut Batch<'_, '_>) -> Result<T>) -> Result<T> {
        let settings = self.settings();
        self.write(|w| f(&mut Batch { w, settings: &settings }))
    }
}

/// Writes inside one transaction, validated like single writes.
pub struct Batch<'t, 'c> {
    w: &'t mut WriteTx<'c>,
    settings: &'t Settings,
}

impl Batch<'_, '_> {
    pub fn create<T: Entity>(&mut self, data: T) -> Result<Id> {
        crate::repo::create_in(self.w, self.settings, data)
    }

    pub fn update<T: Entity>(&mut self, id: Id, data: T) -> Result<bool> {
        crate::repo::update_in(self.w, self.settings, id, data)
    }
}
