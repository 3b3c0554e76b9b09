//! Which book the shell opens, and how it is unlocked.

use crate::args::Source;
use crate::first_screen::{self, FirstToday};
use crate::ipc::IpcError;
use rapport_core::demo::{self, DemoSize};
use rapport_core::security::{self, Unlock};
use rapport_core::{App, Key, SystemClock, WireError};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
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
///
/// The book is opened on a thread of its own while Tauri, GTK and WebKit start (the keyring's
/// D-Bus round trips and SQLCipher's first pages no longer delay the window); the first caller
/// that needs it waits for that thread, every later one finds it here.
pub struct Book {
    opened: OnceLock<Unlocked>,
    /// Where the opening thread hands the book over, until the first caller takes it.
    arriving: Mutex<Option<Receiver<Unlocked>>>,
    /// When the shell started opening the book, for the `ui ready` line.
    started: Instant,
    ui_ready: UiReady,
}

/// What the opening thread hands over.
struct Unlocked {
    app: Result<App, WireError>,
    /// The recovery key of a book created just now: handed to the UI once, then forgotten.
    recovery_key: Mutex<Option<String>>,
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
        self.opened().map_err(IpcError::from)
    }

    /// The book, once its opening thread is done (waits for it the first time).
    pub fn opened(&self) -> Result<&App, &WireError> {
        self.unlocked().app.as_ref()
    }

    /// The recovery key, the first time only.
    pub fn take_recovery_key(&self) -> Option<String> {
        self.unlocked().recovery_key.lock().ok().and_then(|mut k| k.take())
    }

    fn unlocked(&self) -> &Unlocked {
        self.opened.get_or_init(|| {
            let arrived = self.arriving.lock().ok().and_then(|mut a| a.take()).and_then(|rx| rx.recv().ok());
            arrived.unwrap_or_else(|| Unlocked {
                app: Err(WireError {
                    code: "internal".into(),
                    message: "the book could not be opened: the thread opening it stopped".into(),
                    field: None,
                }),
                recovery_key: Mutex::new(None),
            })
        })
    }

    /// Logs `ui ready` the first time the UI says Today has rendered its data.
    pub fn ui_ready(&self) {
        if self.ui_ready.set() {
            tracing::info!(after_ms = self.started.elapsed().as_millis() as u64, since_start_ms = crate::startup::ms(), sqlite_mib = rapport_core::store::sqlite_memory_mib(), "ui ready");
        }
    }

    /// What tells background work that the UI has shown its first screen.
    pub fn ui_ready_signal(&self) -> UiReady {
        self.ui_ready.clone()
    }
}

/// What `open` hands back to `main`: the state, Today being read ahead, and the demo book's temp
/// dir (removed on drop).
pub struct Opened {
    pub book: Book,
    pub first_today: FirstToday,
    pub demo_dir: Option<tempfile::TempDir>,
}

/// Where the user's book lives: the OS data directory (on Linux `~/.local/share/rapport/`).
pub fn default_path() -> Result<PathBuf, String> {
    directories::ProjectDirs::from("app", "Rapport", "Rapport")
        .map(|dirs| dirs.data_dir().join(BOOK_FILE))
        .ok_or_else(|| "cannot find the data directory (is HOME set?); pass --book PATH".to_string())
}

/// Starts opening the book `source` names, on a thread, then reading Today ahead on the same
/// thread. `Err` only when there is nowhere to put the book or no thread to open it on; a book
/// that does not open (no keyring, wrong key, too new) becomes an error the window shows.
pub fn open(source: &Source) -> Result<Opened, String> {
    let (path, demo_dir) = match source {
        Source::Default => (default_path()?, None),
        Source::Path(path) => (path.clone(), None),
        Source::Demo => {
            let dir = tempfile::Builder::new()
                .prefix("rapport-demo-")
                .tempdir()
                .map_err(|e| format!("cannot create a temporary directory for the demo book: {e}"))?;
            (dir.path().join(BOOK_FILE), Some(dir))
        }
    };
    let demo = demo_dir.is_some();
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("open-book".into())
        .spawn(move || {
            let unlocked = if demo {
                Unlocked { app: open_demo(&path).map_err(|e| e.to_wire()), recovery_key: Mutex::new(None) }
            } else {
                open_book(&path)
            };
            let app = match &unlocked.app {
                Ok(app) => {
                    tracing::info!(book = %app.store().path().display(), since_start_ms = crate::startup::ms(), "book open");
                    // Subscribed before anyone else has the book: a change made before or while
                    // Today is read means the read-ahead is not handed out.
                    Some((app.clone(), app.subscribe()))
                }
                Err(e) => {
                    tracing::error!(code = %e.code, "cannot open the book: {}", e.message);
                    None
                }
            };
            // Nobody waiting any more (the app is closing) is fine.
            let _ = tx.send(unlocked);
            app.and_then(|(app, events)| first_screen::read(app, events))
        })
        .map_err(|e| format!("cannot start opening the book: {e}"))?;
    let book = Book {
        opened: OnceLock::new(),
        arriving: Mutex::new(Some(rx)),
        started: Instant::now(),
        ui_ready: UiReady::default(),
    };
    Ok(Opened { book, first_today: FirstToday::from_thread(thread), demo_dir })
}

/// Opens (or creates) the book at `path` with its key from the OS keyring, or with the recovery
/// key or passphrase from the environment when one is set.
fn open_book(path: &Path) -> Unlocked {
    let unlock = if let Ok(key) = std::env::var(RECOVERY_KEY_ENV) {
        Unlock::RecoveryKey(key)
    } else if let Ok(passphrase) = std::env::var(PASSPHRASE_ENV) {
        Unlock::Passphrase(passphrase)
    } else {
        Unlock::Keyring
    };
    match security::open_book(path, unlock, Arc::new(SystemClock)) {
        Ok(opened) => Unlocked { app: Ok(opened.app), recovery_key: Mutex::new(opened.recovery_key.map(|k| k.0)) },
        Err(e) => Unlocked { app: Err(e.to_wire()), recovery_key: Mutex::new(None) },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_book_opens_on_its_thread_and_its_today_is_read_ahead() {
        let opened = open(&Source::Demo).expect("the opening thread starts");
        let app = opened.book.app().expect("the demo book opens");
        let ahead = opened.first_today.take().expect("Today was read ahead on the opening thread");
        assert_eq!(ahead, app.today().unwrap());
        let shown = ahead.meetings.total + ahead.tasks.total + ahead.reminders.total + ahead.renewals.total + ahead.going_cold.total;
        assert!(shown > 0, "the demo book has something for Today");
        assert_eq!(opened.book.take_recovery_key(), None, "a demo book has no recovery key");
    }

    #[test]
    fn a_book_that_does_not_open_is_an_error_for_every_caller_and_nothing_is_read_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        std::fs::write(&path, vec![0x5a; 8192]).unwrap();
        std::env::set_var(PASSPHRASE_ENV, "a passphrase for a file that is not a book");
        let opened = open(&Source::Path(path.clone())).expect("the opening thread starts");
        let first = opened.book.opened().map(|_| ()).expect_err("not a book");
        let again = opened.book.opened().map(|_| ()).expect_err("still not a book");
        assert_eq!(first.code, again.code);
        assert!(opened.first_today.take().is_none());
        assert_eq!(std::fs::read(&path).unwrap(), vec![0x5a; 8192], "the file is left as it was");
    }
}
