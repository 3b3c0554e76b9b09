//! One sync pass (SYNC.md "Client"): push the outbox, pull every space, apply what arrived.
//!
//! Pulled ops and the space's new cursor are applied in one transaction, so a crash mid-pull
//! resumes where it stopped; ops already applied (the cursor says so) are skipped, and applying
//! one twice would change nothing anyway. A push names the device's next seq; the server keeps
//! what it already has and says where it expects us to continue after a lost answer.

use super::protocol::{Op, PullRequest, PullResponse, SnapshotRow, SpaceKind, SpaceRequest, SyncRequest, SCHEMA_VERSION};
use super::transport::{Transport, TransportError};
use crate::app::App;
use crate::error::Error;
use crate::hlc::Hlc;
use crate::store::sync_state;
use crate::EntityKind;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The most ops one push carries (the server refuses more than 1,000).
pub const PUSH_OPS: usize = 1_000;
/// The most bytes of ops one push carries (the server refuses bodies over 1 MiB).
pub const PUSH_BYTES: usize = 900 * 1024;
/// The most ops asked for per space and round trip.
pub const PULL_LIMIT: usize = 1_000;
/// Rows per snapshot page.
pub const SNAPSHOT_LIMIT: usize = 2_000;
/// A pass stops after this many round trips (it resumes on the next pass).
const MAX_ROUND_TRIPS: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Local(#[from] Error),
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: u64,
    pub pulled: u64,
    pub round_trips: u64,
    /// Local changes still waiting after the pass.
    pub waiting: u64,
}

/// How much of a pass to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassOptions {
    /// Ask the server which spaces the device may use (a round trip). The background task
    /// skips it on a pass that answers a poke or a local change when it asked recently.
    pub list_spaces: bool,
}

impl Default for PassOptions {
    fn default() -> Self {
        PassOptions { list_spaces: true }
    }
}

/// Runs one full pass against `t`: registers this book's own space, learns the spaces the
/// device may use, snapshots new ones, then pushes and pulls until nothing is left.
pub async fn sync_once<T: Transport>(app: &App, t: &T) -> Result<SyncReport, SyncError> {
    sync_pass(app, t, PassOptions::default()).await
}

/// [`sync_once`] with [`PassOptions`].
pub async fn sync_pass<T: Transport>(app: &App, t: &T, opts: PassOptions) -> Result<SyncReport, SyncError> {
    let me = app.store().device();
    let mut report = SyncReport::default();
    if app.store().read(|c| sync_state::meta(c, "sync_space_registered"))?.is_none() {
        t.create_space(SpaceRequest { id: me.space, name: "Private".into(), kind: SpaceKind::Private }).await?;
        app.write(|w| sync_state::set_meta(w.conn(), "sync_space_registered", Some("1")))?;
    }
    if opts.list_spaces || app.store().read(sync_state::spaces)?.is_empty() {
        let listed = t.spaces().await?;
        let known = app.store().read(sync_state::spaces)?;
        app.write(|w| {
            for s in &listed {
                let kind = match s.kind {
                    SpaceKind::Private => "private",
                    SpaceKind::Team => "team",
                };
                sync_state::upsert_space(w.conn(), s.id, &s.name, kind)?;
            }
            for k in known.iter().filter(|k| !listed.iter().any(|s| s.id == k.space)) {
                sync_state::remove_space(w.conn(), k.space)?;
            }
            Ok(())
        })?;
    }

    // A space this device has never read starts from its snapshot (its own space has nothing
    // it does not already hold).
    for s in app.store().read(sync_state::spaces)? {
        if !s.snapshot_done && s.cursor.0.is_empty() && s.space != me.space {
            report.pulled += snapshot_space(app, t, s.space).await?;
        }
    }

    for _ in 0..MAX_ROUND_TRIPS {
        let acked = app.store().read(sync_state::acked_seq)?;
        let push = next_push(app, acked)?;
        let pushed_to = push.last().map(|op| op.seq);
        let spaces = app.store().read(sync_state::spaces)?;
        let pull = spaces.iter().map(|s| PullRequest { space: s.space, cursor: s.cursor.clone(), limit: Some(PULL_LIMIT) }).collect();
        let n_push = push.len() as u64;
        report.round_trips += 1;
        let res = match t.sync(SyncRequest { device: me.device, push, pull }).await {
            Ok(r) => r,
            Err(TransportError::Gap { expected_seq }) => {
                // The server has every op before `expected_seq` (an earlier answer was lost,
                // or it lost some): continue from there.
                let local_max = app.store().read(|c| Ok(crate::store::meta_get(c, "device_seq")?.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)))?;
                if expected_seq > local_max + 1 {
                    return Err(Error::Conflict(format!(
                        "the server holds changes up to {} from this device, but this book only made {local_max}: was it restored from a backup?",
                        expected_seq - 1
                    ))
                    .into());
                }
                app.write(|w| sync_state::set_acked_seq(w.conn(), expected_seq.saturating_sub(1)))?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if res.pulls.iter().any(|p| p.min_schema > SCHEMA_VERSION) {
            return Err(TransportError::TooOld.into());
        }
        let accepted = pushed_to.map(|_| res.accepted_seq);
        report.pulled += apply_pulls(app, &res.pulls, accepted)? as u64;
        report.pushed += n_push;
        let more_to_pull = res.pulls.iter().any(|p| p.has_more);
        let more_to_push = app.store().read(sync_state::waiting)? > 0 && n_push > 0;
        if !more_to_pull && !more_to_push {
            break;
        }
    }
    report.waiting = app.store().read(sync_state::waiting)?;
    Ok(report)
}

/// The next ops to push: from the first unacknowledged seq, within the server's limits.
fn next_push(app: &App, acked: u64) -> Result<Vec<Op>, Error> {
    let mut ops = app.outbox(acked, PUSH_OPS)?;
    let mut bytes = 0;
    let mut keep = 0;
    for op in &ops {
        bytes += serde_json::to_vec(op)?.len() + 1;
        if bytes > PUSH_BYTES && keep > 0 {
            break;
        }
        keep += 1;
    }
    ops.truncate(keep);
    Ok(ops)
}

/// Applies pulled pages and moves their cursors (and the acknowledged seq) in one transaction.
/// Returns how many ops were applied.
pub(crate) fn apply_pulls(app: &App, pulls: &[PullResponse], accepted: Option<u64>) -> Result<usize, Error> {
    let me = app.store().device().device;
    app.write(|w| {
        let mut applied = 0;
        for p in pulls {
            let mut cursor = sync_state::cursor(w.conn(), p.space)?;
            for op in &p.ops {
                if op.device == me || op.seq <= cursor.get(&op.device) {
                    cursor.advance(op.device, op.seq);
                    continue;
                }
                if EntityKind::from_name(&op.table).is_some() {
                    w.apply_remote(op)?;
                    applied += 1;
                } else {
                    // A kind of record this version does not know (a newer client's).
                    tracing::debug!(table = %op.table, "skipped an op of an unknown kind");
                }
                cursor.advance(op.device, op.seq);
            }
            for (d, s) in &p.cursor.0 {
                cursor.advance(*d, *s);
            }
            sync_state::set_cursor(w.conn(), p.space, &cursor)?;
        }
        if let Some(a) = accepted {
            let acked = sync_state::acked_seq(w.conn())?;
            sync_state::set_acked_seq(w.conn(), acked.max(a))?;
        }
        Ok(applied)
    })
}

/// Reads a space's snapshot page by page, then sets its cursor to the snapshot's. The next
/// page is fetched while this one is written (on a blocking thread: the write holds the book's
/// writer, never a runtime thread), so the server's reading and the book's writing overlap.
async fn snapshot_space<T: Transport>(app: &App, t: &T, space: Uuid) -> Result<u64, SyncError> {
    let mut cursor = None;
    let mut rows = 0;
    let mut page = t.snapshot(space, None, SNAPSHOT_LIMIT).await?;
    loop {
        cursor.get_or_insert(page.cursor.clone());
        rows += page.rows.len() as u64;
        let next = page.next.take();
        let (writer, page_rows) = (app.clone(), std::mem::take(&mut page.rows));
        let write = tokio::task::spawn_blocking(move || apply_snapshot_page(&writer, space, &page_rows));
        let fetch = async {
            match next {
                Some(after) => Some(t.snapshot(space, Some(after), SNAPSHOT_LIMIT).await),
                None => None,
            }
        };
        let (written, fetched) = tokio::join!(write, fetch);
        written.map_err(|e| Error::Storage(format!("writing a snapshot page stopped: {e}")))??;
        match fetched {
            Some(p) => page = p?,
            None => break,
        }
    }
    let cursor = cursor.unwrap_or_default();
    app.write(|w| {
        sync_state::set_cursor(w.conn(), space, &cursor)?;
        sync_state::set_snapshot_done(w.conn(), space)
    })?;
    Ok(rows)
}

/// Applies one snapshot page in one transaction: records this book has never held are
/// written directly, the rest merge as their ops would (see [`crate::store::write`]'s
/// `apply_snapshot`). Returns how many rows were applied.
pub fn apply_snapshot_page(app: &App, space: Uuid, rows: &[SnapshotRow]) -> Result<usize, Error> {
    app.write(|w| w.apply_snapshot(space, rows))
}

/// A snapshot row as ops: one per (hlc, device) among its fields, so each field keeps the
/// clock that wrote it; text and the causal length ride on the newest.
pub fn snapshot_ops(space: Uuid, row: &SnapshotRow) -> Vec<Op> {
    let mut groups: BTreeMap<(Hlc, Uuid), BTreeMap<String, serde_json::Value>> = BTreeMap::new();
    for (name, f) in &row.fields {
        groups.entry((f.hlc, f.device)).or_default().insert(name.clone(), f.value.clone());
    }
    let blank = |hlc, device| Op {
        space,
        device,
        seq: 0,
        hlc,
        table: row.table.clone(),
        row: row.row,
        set: BTreeMap::new(),
        text: BTreeMap::new(),
        cl: None,
        prev: BTreeMap::new(),
        also_prev: BTreeMap::new(),
        schema: SCHEMA_VERSION,
    };
    let mut ops: Vec<Op> = groups.into_iter().map(|((hlc, device), set)| Op { set, ..blank(hlc, device) }).collect();
    if ops.is_empty() {
        ops.push(blank(Hlc::ZERO, Uuid::nil()));
    }
    if let Some(last) = ops.last_mut() {
        last.text = row.text.clone();
        last.cl = Some(row.cl.max(1));
    }
    ops
}
