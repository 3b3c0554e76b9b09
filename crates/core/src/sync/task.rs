//! The background sync task: runs a pass at start, shortly after local changes (debounced),
//! when the server pokes, on a timer, and when asked; backs off with jitter while offline or
//! failing. It never blocks the UI or a local write, and publishes a [`SyncStatus`].

use super::account;
use super::engine::{sync_once, SyncError};
use super::http::HttpTransport;
use super::status::SyncStatus;
use super::transport::TransportError;
use crate::app::{App, Event};
use crate::store::sync_state;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How long after a local change the pass starts (more changes in between join it).
const DEBOUNCE: Duration = Duration::from_secs(2);
/// The timer between passes when all is well.
const PERIOD: Duration = Duration::from_secs(60);
/// The longest wait between attempts while failing.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The running sync task. Dropping it stops the task.
pub struct SyncHandle {
    status: watch::Receiver<SyncStatus>,
    wake: Arc<Notify>,
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
        self.wake.notify_one();
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
    let wake = Arc::new(Notify::new());
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

/// One attempt: Ok when a pass completed, else the status to show.
async fn attempt(app: &App, tx: &watch::Sender<SyncStatus>, conn: &mut Option<(String, String, HttpTransport)>) -> Result<(), SyncStatus> {
    let Some(acct) = account::account(app).map_err(|e| SyncStatus::Error { changes: waiting(app), message: e.to_string() })? else {
        return Err(SyncStatus::LocalOnly {});
    };
    let token = match account::token(app) {
        Ok(Some(t)) => t,
        Ok(None) => return Err(SyncStatus::NeedsSignIn { changes: waiting(app) }),
        Err(e) => return Err(SyncStatus::Error { changes: waiting(app), message: e.to_string() }),
    };
    // One client (and its pooled connections) for as long as the server and token stay.
    let reuse = matches!(conn, Some((server, tok, _)) if *server == acct.server && *tok == token);
    if !reuse {
        let t = HttpTransport::new(&acct.server, Some(token.clone())).map_err(|e| SyncStatus::Error { changes: waiting(app), message: e.to_string() })?;
        *conn = Some((acct.server.clone(), token, t));
    }
    let Some((_, _, t)) = conn.as_ref() else { return Err(SyncStatus::LocalOnly {}) };
    publish(app, tx, SyncStatus::Waiting { changes: waiting(app), last_synced_at: last_synced(app) });
    let changes = || waiting(app);
    match sync_once(app, t).await {
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

async fn run(app: App, tx: watch::Sender<SyncStatus>, wake: Arc<Notify>) {
    let mut changes = app.subscribe();
    let mut failures: u32 = 0;
    let mut conn = None;
    loop {
        let wait = match attempt(&app, &tx, &mut conn).await {
            Ok(()) => {
                failures = 0;
                let n = waiting(&app);
                let s = if n == 0 {
                    SyncStatus::Synced { at: last_synced(&app).unwrap_or_default() }
                } else {
                    SyncStatus::Waiting { changes: n, last_synced_at: last_synced(&app) }
                };
                publish(&app, &tx, s);
                if n > 0 {
                    DEBOUNCE
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
        let last_pass = tokio::time::Instant::now();
        // Wait for the timer, a poke or request, or a local change (then debounce).
        let sleep = tokio::time::sleep(wait);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                _ = wake.notified() => break,
                ev = changes.recv() => match ev {
                    Ok(Event::Changed { .. }) if waiting(&app) > 0 && signed_in_and_able(&app, &tx) => {
                        // Changed by the user (applied ops leave nothing waiting): refresh the
                        // count now, push shortly.
                        let s = match &*tx.borrow() {
                            SyncStatus::Offline { last_synced_at, .. } => SyncStatus::Offline { changes: waiting(&app), last_synced_at: *last_synced_at },
                            _ => SyncStatus::Waiting { changes: waiting(&app), last_synced_at: last_synced(&app) },
                        };
                        publish(&app, &tx, s);
                        if failures == 0 {
                            // Leading edge: a change after a quiet spell goes out at once;
                            // changes right after a pass wait for the debounce and go together.
                            let at = (last_pass + DEBOUNCE).max(tokio::time::Instant::now());
                            sleep.as_mut().reset(at);
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
async fn listen_for_pokes(app: App, wake: Arc<Notify>) {
    let mut failures: u32 = 0;
    loop {
        let conn = match (account::account(&app), account::token(&app)) {
            (Ok(Some(acct)), Ok(Some(token))) => HttpTransport::new(&acct.server, Some(token)).ok(),
            _ => None,
        };
        if let Some(t) = conn {
            if let Ok(mut res) = t.events().await {
                failures = 0;
                let mut buf = String::new();
                while let Ok(Some(chunk)) = res.chunk().await {
                    buf.push_str(&String::from_utf8_lossy(&chunk));
                    while let Some(end) = buf.find("\n\n") {
                        let event: String = buf.drain(..end + 2).collect();
                        if event.lines().any(|l| l.trim() == "event: poke") {
                            wake.notify_one();
                        }
                    }
                }
            }
        }
        failures = failures.saturating_add(1);
        tokio::time::sleep(jitter((Duration::from_secs(5) * 2u32.saturating_pow(failures.min(6))).min(MAX_BACKOFF))).await;
    }
}
