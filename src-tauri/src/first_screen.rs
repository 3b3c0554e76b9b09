//! Today, read ahead while the window starts.
//!
//! Between opening the book and the page's first `today` call the window and WebKit's
//! processes start: about 300 ms in which the book is idle. Today is read then, on the thread
//! that opened the book, and handed to that first call if nothing changed in the book since. On the
//! 100,000-account book Today read cold takes 110-140 ms: it moves off the start's path.

use rapport_core::views::Today;
use rapport_core::{App, Event};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::{self, error::TryRecvError};

/// How old a read-ahead Today may be when it is handed out.
const FRESH_FOR: Duration = Duration::from_secs(5);

/// Today as read ahead, and whether the book changed since.
pub struct Ahead {
    today: Today,
    at: Instant,
    /// Core's events since just before the read: any event means the book may have changed.
    events: broadcast::Receiver<Event>,
}

/// Tauri state: the thread reading Today ahead, until the first `today` call takes its result.
pub struct FirstToday(Mutex<Option<JoinHandle<Option<Ahead>>>>);

/// Reads Today now, for the first `today` call (on the thread that opened the book). `events`
/// must be subscribed before anyone else could change the book, so every change since is seen.
pub fn read(app: App, events: broadcast::Receiver<Event>) -> Option<Ahead> {
    let t = Instant::now();
    match app.today() {
        Ok(today) => {
            tracing::debug!(ms = t.elapsed().as_millis() as u64, since_start_ms = crate::startup::ms(), "Today read ahead");
            Some(Ahead { today, at: Instant::now(), events })
        }
        Err(e) => {
            tracing::debug!(error = %e, "could not read Today ahead");
            None
        }
    }
}

impl FirstToday {
    /// Today as `thread` reads it ([`read`]).
    pub fn from_thread(thread: JoinHandle<Option<Ahead>>) -> FirstToday {
        FirstToday(Mutex::new(Some(thread)))
    }

    /// Starts reading Today on a thread of its own.
    #[cfg(test)]
    fn read_ahead(app: App) -> FirstToday {
        let events = app.subscribe();
        FirstToday::from_thread(std::thread::spawn(move || read(app, events)))
    }

    /// The read-ahead Today, once, if the book has not changed since it was read and it is
    /// fresh; `None` otherwise (the caller reads Today itself). A call that comes while the
    /// read runs waits for it instead of doing a second cold read beside it.
    pub fn take(&self) -> Option<Today> {
        let thread = self.0.lock().ok()?.take()?;
        let ahead = thread.join().ok()??;
        let mut events = ahead.events;
        let unchanged = matches!(events.try_recv(), Err(TryRecvError::Empty));
        (unchanged && ahead.at.elapsed() < FRESH_FOR).then_some(ahead.today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use rapport_core::domain::{Account, Task};
    use rapport_core::{FakeClock, Key};

    fn book() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let clock = FakeClock::at("2026-11-23T08:00:00Z".parse().unwrap());
        let app = App::open(&dir.path().join("book.db"), Key::Raw([7; 32]), Arc::new(clock)).unwrap();
        let acme = app.accounts().create(Account { name: "Acme".into(), ..Default::default() }).unwrap();
        let due = "2026-11-20".parse().unwrap();
        app.tasks().create(Task { title: "Send the quote".into(), account_id: Some(acme.id), due_date: Some(due), ..Default::default() }).unwrap();
        (dir, app)
    }

    #[test]
    fn the_first_call_gets_today_as_read_ahead_and_later_calls_read_it_themselves() {
        let (_dir, app) = book();
        let first = FirstToday::read_ahead(app.clone());
        let today = first.take().expect("the read-ahead Today");
        assert_eq!(today, app.today().unwrap());
        assert_eq!(today.tasks.items[0].title, "Send the quote");
        assert!(first.take().is_none(), "handed out once");
    }

    #[test]
    fn a_change_after_the_read_ahead_makes_the_first_call_read_again() {
        let (_dir, app) = book();
        let first = FirstToday::read_ahead(app.clone());
        // Whether the read has run yet or not, the change is seen: it subscribed first.
        app.tasks().create(Task { title: "Book the review".into(), due_date: Some("2026-11-21".parse().unwrap()), ..Default::default() }).unwrap();
        assert!(first.take().is_none(), "the book changed since Today was read ahead");
        assert_eq!(app.today().unwrap().tasks.total, 2);
    }
}
