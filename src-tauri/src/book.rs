//! Which book the shell opens, and how it is unlocked.

use crate::args::Source;
use crate::ipc::IpcError;
use rapport_core::demo::{self, DemoSize};
use rapport_core::security::{self, Unlock};
use rapport_core::{App, Key, SystemClock, WireError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The file name of the book inside the OS data directory.
const BOOK_FILE: &str = "book.db";

/// Set to unlock with a passphrase instead of the OS keyring (a machine without one). Until the
/// window can ask for it (a later issue), this is how a passphrase reaches the app.
pub const PASSPHRASE_ENV: &str = "RAPPORT_PASSPHRASE";

/// Set to open a book whose keyring entry is lost with its recovery key (which also puts the
/// key back into the keyring). Interim, like `RAPPORT_PASSPHRASE`.
pub const RECOVERY_KEY_ENV: &str = "RAPPORT_RECOVERY_KEY";

/// The book as Tauri state: open, or the reason it is not (the window shows it).
pub struct Book {
    opened: Result<App, WireError>,
    /// The recovery key of a book created just now: handed to the UI once, then forgotten.
    recovery_key: Mutex<Option<String>>,
    /// When the shell started opening the book, for the `ui ready` line.
    started: Instant,
    ui_ready: UiReady,
}

/// Whether the UI has shown its first screen's data; background work that can wait (bringing
/// health bands up to date) waits for it, so it does not compete with the first screen for the
/// book and the CPU.
#[derive(Clone, Default)]
pub struct UiReady(Arc<(Mutex<bool>, Condvar)>);

impl UiReady {
    /// Marks the UI ready; true the first time.
    fn set(&self) -> bool {
        let (ready, changed) = &*self.0;
        let Ok(mut r) = ready.lock() else { return false };
        let first = !*r;
        *r = true;
        changed.notify_all();
        first
    }

    /// Waits until the UI is ready, or `at_most` has passed (a window that never reports).
    pub fn wait(&self, at_most: Duration) {
        let (ready, changed) = &*self.0;
        if let Ok(r) = ready.lock() {
            let _ = changed.wait_timeout_while(r, at_most, |r| !*r);
        }
    }
}

impl Book {
    pub fn app(&self) -> Result<&App, IpcError> {
        self.opened.as_ref().map_err(IpcError::from)
    }

    pub fn opened(&self) -> Result<&App, &WireError> {
        self.opened.as_ref()
    }

    /// The recovery key, the first time only.
    pub fn take_recovery_key(&self) -> Option<String> {
        self.recovery_key.lock().ok().and_then(|mut k| k.take())
    }

    /// Logs `ui ready` the first time the UI says Today has rendered its data.
    pub fn ui_ready(&self) {
        if self.ui_ready.set() {
            tracing::info!(after_ms = self.started.elapsed().as_millis() as u64, since_start_ms = crate::startup::ms(), sqlite_mib = rapport_core::store::sqlite_memory_mib(), "ui ready");
        }
    }

    fn new(opened: Result<App, WireError>, recovery_key: Option<String>) -> Book {
        Book { opened, recovery_key: Mutex::new(recovery_key), started: Instant::now(), ui_ready: UiReady::default() }
    }

    /// What tells background work that the UI has shown its first screen.
    pub fn ui_ready_signal(&self) -> UiReady {
        self.ui_ready.clone()
    }
}

/// What `open` hands back to `main`: the state, and the demo book's temp dir (removed on drop).
pub struct Opened {
    pub book: Book,
    pub demo_dir: Option<tempfile::TempDir>,
}

/// Where the user's book lives: the OS data directory (on Linux `~/.local/share/rapport/`).
pub fn default_path() -> Result<PathBuf, String> {
    directories::ProjectDirs::from("app", "Rapport", "Rapport")
        .map(|dirs| dirs.data_dir().join(BOOK_FILE))
        .ok_or_else(|| "cannot find the data directory (is HOME set?); pass --book PATH".to_string())
}

/// Opens the book `source` names. `Err` only when there is nowhere to put it; a book that does
/// not open (no keyring, wrong key, too new) becomes an error the window shows.
pub fn open(source: &Source) -> Result<Opened, String> {
    match source {
        Source::Default => Ok(Opened { book: open_book(&default_path()?), demo_dir: None }),
        Source::Path(path) => Ok(Opened { book: open_book(path), demo_dir: None }),
        Source::Demo => {
            let dir = tempfile::Builder::new()
                .prefix("rapport-demo-")
                .tempdir()
                .map_err(|e| format!("cannot create a temporary directory for the demo book: {e}"))?;
            let book = Book::new(open_demo(&dir.path().join(BOOK_FILE)).map_err(|e| e.to_wire()), None);
            Ok(Opened { book, demo_dir: Some(dir) })
        }
    }
}

/// Opens (or creates) the book at `path` with its key from the OS keyring, or with the recovery
/// key or passphrase from the environment when one is set.
pub fn open_book(path: &Path) -> Book {
    let unlock = if let Ok(key) = std::env::var(RECOVERY_KEY_ENV) {
        Unlock::RecoveryKey(key)
    } else if let Ok(passphrase) = std::env::var(PASSPHRASE_ENV) {
        Unlock::Passphrase(passphrase)
    } else {
        Unlock::Keyring
    };
    match security::open_book(path, unlock, Arc::new(SystemClock)) {
        Ok(opened) => Book::new(Ok(opened.app), opened.recovery_key.map(|k| k.0)),
        Err(e) => Book::new(Err(e.to_wire()), None),
    }
}

/// The demo book is the same every run (dated around today).
const DEMO_SEED: u64 = 7;

/// A fresh tiny demo book. Its key is random and never stored (no keyring entry is left
/// behind): the book lives only as long as the app.
fn open_demo(path: &Path) -> rapport_core::Result<App> {
    let app = App::open_now(path, Key::Raw(rand::random()))?;
    let stats = demo::generate(&app, &DemoSize::tiny(), DEMO_SEED, |_| {})?;
    tracing::info!(rows = stats.rows, "demo book generated");
    Ok(app)
}
