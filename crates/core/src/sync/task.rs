//! The background sync task: runs a pass at start, after local changes, when the server pokes,
//! on a timer, and when asked; backs off with jitter while offline or failing. It never blocks
//! the UI or a local write, and publishes a [`SyncStatus`].
//!
//! A local change goes out at once when no pass is running; changes made while one runs go
//! together in the next pass, right after it (one request in flight batches a burst of writes
//! by itself, without making a lone edit wait). A pass that answers a poke or a local change
//! skips asking which spaces the device may use when it asked recently and the poke named a
//! space it knows, and the device token is read from the OS keyring once per sign-in rather
//! than on every pass: an edit on one laptop reaches the other in one round trip each way.

use super::account;
use super::engine::{sync_pass, PassOptions, SyncError};
use super::http::HttpTransport;
use super::status::SyncStatus;
use super::transport::TransportError;
use crate::app::{App, Event};
use crate::store::sync_state;
use rand::Rng;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

/// The timer between passes when all is well.
const PERIOD: Duration = Duration::from_secs(60);
/// How long a listing of the device's spaces is trusted by passes that answer a poke or a
/// local change (the timer's passes always ask again).
const SPACES_FRESH: Duration = Duration::from_secs(30);
/// The longest wait between attempts while failing.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The running sync task. Dropping it stops the task.
pub struct SyncHandle {
    status: watch::Receiver<SyncStatus>,
    wake: Arc<Wake>,
    task: JoinHandle<()>,
    events: JoinHandle<()>,
}

impl SyncHandle {
    /// The latest status.
    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// Follows status changes.
    pub fn watch(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }

    /// Runs a pass now (after signing in, or when the user asks).
    pub fn sync_now(&self) {
        self.wake.notify.notify_one();
    }
}

/// Wakes the task: a request or a poke, with the spaces the pokes named since the last pass.
#[derive(Default)]
struct Wake {
    notify: Notify,
    poked: Mutex<BTreeSet<Uuid>>,
}

impl Wake {
    fn poke(&self, space: Option<Uuid>) {
        if let (Some(s), Ok(mut p)) = (space, self.poked.lock()) {
            p.insert(s);
        }
        self.notify.notify_one();
    }

    fn take_poked(&self) -> BTreeSet<Uuid> {
        self.poked.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default()
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.task.abort();
        self.events.abort();
    }
}

/// Starts the sync task on the current tokio runtime.
pub fn start_sync(app: App) -> SyncHandle {
    let initial = idle_status(&app);
    let (tx, rx) = watch::channel(initial);
    let wake = Arc::new(Wake::default());
    let events = tokio::spawn(listen_for_pokes(app.clone(), wake.clone()));
    let task = tokio::spawn(run(app, tx, wake.clone()));
    SyncHandle { status: rx, wake, task, events }
}

fn waiting(app: &App) -> u64 {
    app.store().read(sync_state::waiting).unwrap_or(0)
}

fn last_synced(app: &App) -> Option<i64> {
    app.store().read(|c| sync_state::meta(c, "sync_last_at")).ok().flatten().and_then(|v| v.parse().ok())
}

/// The status before any pass: local only, or waiting to reach the server.
fn idle_status(app: &App) -> SyncStatus {
    match account::account(app) {
        Ok(Some(_)) => SyncStatus::Waiting { changes: waiting(app), last_synced_at: last_synced(app) },
        _ => SyncStatus::LocalOnly {},
    }
}

fn publish(app: &App, tx: &watch::Sender<SyncStatus>, s: SyncStatus) {
    if *tx.borrow() != s {
        tx.send_replace(s.clone());
        app.emit(Event::SyncStatus(s));
    }
}

/// The transport of the signed-in session, kept while the server and the sign-in stay: its
/// pooled connections, and the token read once from the keyring.
struct Session {
    server: String,
    signed_in: Option<String>,
    transport: HttpTransport,
}

/// One attempt: Ok when a pass completed, else the status to show.
async fn attempt(app: &App, tx: &watch::Sender<SyncStatus>, session: &mut Option<Session>, opts: PassOptions) -> Result<(), SyncStatus> {
    let Some(acct) = account::account(app).map_err(|e| SyncStatus::Error { changes: waiting(app), message: e.to_string() })? else {
        *session = None;
        return Err(SyncStatus::LocalOnly {});
    };
    let signed_in = account::session(app).map_err(|e| SyncStatus::Error { changes: waiting(app), message: e.to_string() })?;
    let reuse = matches!(session, Some(s) if s.server == acct.server && s.signed_in == signed_in);
    if !reuse {
        *session = None;
        let token = match account::token(app) {
            Ok(Some(t)) => t,
            Ok(None) => return Err(SyncStatus::NeedsSignIn { changes: waiting(app) }),
            Err(e) => return Err(SyncStatus::Error { changes: waiting(app), message: e.to_string() }),
        };
        let transport = HttpTransport::new(&acct.server, Some(token)).map_err(|e| SyncStatus::Error { changes: waiting(app), message: e.to_string() })?;
        *session = Some(Session { server: acct.server.clone(), signed_in, transport });
    }
    let Some(s) = session.as_ref() else { return Err(SyncStatus::LocalOnly {}) };
    publish(app, tx, SyncStatus::Waiting { changes: waiting(app), last_synced_at: last_synced(app) });
    let changes = || waiting(app);
    let res = sync_pass(app, &s.transport, opts).await;
    if matches!(res, Err(SyncError::Transport(TransportError::Unauthorized(_)))) {
        // Read the token again next time (signed in anew, or revoked for good).
        *session = None;
    }
    match res {
        Ok(report) => {
            let now = app.now().timestamp_millis();
            let _ = app.write(|w| sync_state::set_meta(w.conn(), "sync_last_at", Some(&now.to_string())));
            tracing::debug!(pushed = report.pushed, pulled = report.pulled, "sync pass");
            Ok(())
        }
        Err(SyncError::Transport(TransportError::Offline(_))) => Err(SyncStatus::Offline { changes: changes(), last_synced_at: last_synced(app) }),
        Err(SyncError::Transport(TransportError::Unauthorized(_))) => Err(SyncStatus::NeedsSignIn { changes: changes() }),
        Err(SyncError::Transport(TransportError::TooOld)) => Err(SyncStatus::TooOld { changes: changes() }),
        Err(e) => {
            tracing::warn!(error = %e, "sync pass failed");
            Err(SyncStatus::Error { changes: changes(), message: e.to_string() })
        }
    }
}

fn jitter(d: Duration) -> Duration {
    let ms = d.as_millis() as u64;
    let spread = ms / 4;
    Duration::from_millis(ms - spread + rand::rng().random_range(0..=spread * 2))
}

/// Why the next pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// Start, the timer, or a retry after a failure: a full pass.
    Full,
    /// A poke, a request, or a local change.
    Prompt,
}

async fn run(app: App, tx: watch::Sender<SyncStatus>, wake: Arc<Wake>) {
    let mut changes = app.subscribe();
    let mut failures: u32 = 0;
    let mut session = None;
    let mut listed_at: Option<Instant> = None;
    let mut trigger = Trigger::Full;
    loop {
        let poked = wake.take_poked();
        let known: BTreeSet<Uuid> = app.store().read(sync_state::spaces).map(|s| s.into_iter().map(|s| s.space).collect()).unwrap_or_default();
        let list_spaces = trigger == Trigger::Full
            || listed_at.is_none_or(|t| t.elapsed() >= SPACES_FRESH)
            || poked.iter().any(|s| !known.contains(s));
        let started = Instant::now();
        let result = attempt(&app, &tx, &mut session, PassOptions { list_spaces }).await;
        if result.is_ok() && list_spaces {
            listed_at = Some(started);
        }
        let wait = match result {
            Ok(()) => {
                failures = 0;
                let n = waiting(&app);
                let s = if n == 0 {
                    SyncStatus::Synced { at: last_synced(&app).unwrap_or_default() }
                } else {
                    SyncStatus::Waiting { changes: n, last_synced_at: last_synced(&app) }
                };
                publish(&app, &tx, s);
                // Changes made during the pass go out right away, together.
                if n > 0 {
                    Duration::ZERO
                } else {
                    PERIOD
                }
            }
            Err(SyncStatus::LocalOnly {}) => {
                publish(&app, &tx, SyncStatus::LocalOnly {});
                Duration::from_secs(24 * 3600)
            }
            Err(s) => {
                let needs_user = matches!(s, SyncStatus::NeedsSignIn { .. } | SyncStatus::TooOld { .. });
                publish(&app, &tx, s);
                failures = failures.saturating_add(1);
                if needs_user {
                    Duration::from_secs(24 * 3600)
                } else {
                    jitter((Duration::from_secs(2) * 2u32.saturating_pow(failures.min(8))).min(MAX_BACKOFF))
                }
            }
        };
        // Wait for the timer, a poke or request, or a local change.
        let sleep = tokio::time::sleep(wait);
        tokio::pin!(sleep);
        trigger = Trigger::Prompt;
        loop {
            tokio::select! {
                _ = &mut sleep => {
                    if failures > 0 || wait >= PERIOD {
                        trigger = Trigger::Full;
                    }
                    break;
                }
                _ = wake.notify.notified() => break,
                ev = changes.recv() => match ev {
                    Ok(Event::Changed { .. }) if waiting(&app) > 0 && signed_in_and_able(&app, &tx) => {
                        // Changed by the user (applied ops leave nothing waiting): refresh the
                        // count now and push at once (while failing, the backoff stands).
                        let s = match &*tx.borrow() {
                            SyncStatus::Offline { last_synced_at, .. } => SyncStatus::Offline { changes: waiting(&app), last_synced_at: *last_synced_at },
                            _ => SyncStatus::Waiting { changes: waiting(&app), last_synced_at: last_synced(&app) },
                        };
                        publish(&app, &tx, s);
                        if failures == 0 {
                            break;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    _ => {}
                },
            }
        }
    }
}

fn signed_in_and_able(app: &App, tx: &watch::Sender<SyncStatus>) -> bool {
    account::account(app).ok().flatten().is_some() && !matches!(*tx.borrow(), SyncStatus::NeedsSignIn { .. } | SyncStatus::TooOld { .. })
}

/// Listens to the server's pokes (`GET /v1/events`) and wakes the task on each. Pokes only
/// make sync sooner: the timer keeps it correct when this stream is down.
async fn listen_for_pokes(app: App, wake: Arc<Wake>) {
    let mut failures: u32 = 0;
    loop {
        let conn = match (account::account(&app), account::token(&app)) {
            (Ok(Some(acct)), Ok(Some(token))) => HttpTransport::new(&acct.server, Some(token)).ok(),
            _ => None,
        };
        if let Some(t) = conn {
            if let Ok(mut res) = t.events().await {
                failures = 0;
                // What was pushed while the stream was not yet (or no longer) open poked no
                // one: a pass now fetches it rather than the timer a minute later.
                wake.poke(None);
                let mut buf = String::new();
                while let Ok(Some(chunk)) = res.chunk().await {
                    buf.push_str(&String::from_utf8_lossy(&chunk));
                    while let Some(end) = buf.find("\n\n") {
                        let event: String = buf.drain(..end + 2).collect();
                        if event.lines().any(|l| l.trim() == "event: poke") {
                            wake.poke(poked_space(&event));
                        }
                    }
                }
            }
        }
        failures = failures.saturating_add(1);
        tokio::time::sleep(jitter((Duration::from_secs(5) * 2u32.saturating_pow(failures.min(6))).min(MAX_BACKOFF))).await;
    }
}

/// The space a poke names (`data: {"space": "..."}`), if it names one.
fn poked_space(event: &str) -> Option<Uuid> {
    #[derive(serde::Deserialize)]
    struct Poke {
        space: Uuid,
    }
    let data: String = event.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).collect();
    serde_json::from_str::<Poke>(&data).ok().map(|p| p.space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poke_names_its_space_and_anything_else_names_none() {
        let s = Uuid::now_v7();
        assert_eq!(poked_space(&format!("event: poke\ndata: {{\"space\":\"{s}\"}}\n\n")), Some(s));
        assert_eq!(poked_space("event: poke\ndata: garbage\n\n"), None);
        assert_eq!(poked_space(": keep-alive\n\n"), None);
    }
}
