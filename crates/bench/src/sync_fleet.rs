//! Many devices syncing at once: each signs in (its own device token), then all of them, at
//! the same moment, do a few `/v1/sync` round trips pushing two small ops into a team space
//! they share and pulling what the others wrote. The latency of every round trip is kept.
//!
//! `rapport-bench sync-fleet [--devices N] [--json]` runs only this part (on a fresh server
//! per backend), to iterate on the server; `sync` runs it after the other figures.

use anyhow::{anyhow, Context, Result};
use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{LoginRequest, Op, PullRequest, SignUpRequest, SpaceKind, SpaceRequest, SyncRequest, VersionVector, SCHEMA_VERSION};
use rapport_core::sync::{HttpTransport, Transport};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{Barrier, Semaphore};
use uuid::Uuid;

/// Round trips per device.
const ROUNDS: u64 = 3;
/// Ops each device pushes per round trip.
const OPS: u64 = 2;
/// The most ops asked for per pull.
const PULL_LIMIT: usize = 100;

pub struct Fleet {
    pub latencies_ms: Vec<f64>,
    pub pulled: u64,
}

/// `server_pull_p99_ms` (with p50 and max) of one fleet run.
pub fn report(backend: &'static str, devices: usize, fleet: &Fleet, report: &mut crate::Report) {
    report.add(
        "server_pull_p99_ms",
        crate::percentile(&fleet.latencies_ms, 99.0),
        "ms",
        vec![
            ("backend", json!(backend)),
            ("devices", json!(devices)),
            ("requests", json!(fleet.latencies_ms.len())),
            ("p50_ms", json!(crate::round(crate::percentile(&fleet.latencies_ms, 50.0)))),
            ("max_ms", json!(crate::round(crate::percentile(&fleet.latencies_ms, 100.0)))),
            ("ops_pulled", json!(fleet.pulled)),
        ],
    );
}

/// The fleet alone, on a fresh server per backend.
pub fn scenario(devices: usize, report_to: &mut crate::Report) -> Result<()> {
    use crate::sync_server::{Backend, Server};
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting tokio")?;
    for backend in ["sqlite", "postgres"] {
        eprintln!("{backend}: starting rapport-server");
        let server = Server::start(if backend == "sqlite" { Backend::sqlite()? } else { Backend::postgres()? })?;
        let fleet = rt.block_on(run(&server.url, devices)).with_context(|| format!("{backend}: the simulated devices"))?;
        report(backend, devices, &fleet, report_to);
    }
    Ok(())
}

pub async fn run(url: &str, devices: usize) -> Result<Fleet> {
    let email = format!("fleet-{}@example.com", Uuid::now_v7().simple());
    let password = "fleet password 1";
    HttpTransport::new(url, None)?
        .sign_up(&SignUpRequest { email: email.clone(), password: password.into(), name: "Fleet".into() })
        .await
        .context("signing the fleet user up")?;

    // Sign every device in (password hashing makes this the slow part; not timed).
    let t = Instant::now();
    let gate = Arc::new(Semaphore::new(4));
    let mut logins = Vec::with_capacity(devices);
    for i in 0..devices {
        let (url, email, gate) = (url.to_string(), email.clone(), gate.clone());
        logins.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            let device = Uuid::now_v7();
            let res = HttpTransport::new(&url, None)?
                .login(&LoginRequest { email, password: password.into(), device, device_name: format!("fleet {i}") })
                .await
                .map_err(|e| anyhow!("device {i} signing in: {e}"))?;
            anyhow::Ok((device, HttpTransport::new(&url, Some(res.token))?))
        }));
    }
    let mut fleet = Vec::with_capacity(devices);
    for l in logins {
        fleet.push(l.await??);
    }
    eprintln!("  {devices} devices signed in in {:.1} s", t.elapsed().as_secs_f64());

    let space = Uuid::now_v7();
    let first = &fleet.first().ok_or_else(|| anyhow!("no devices"))?.1;
    first.create_space(SpaceRequest { id: space, name: "Fleet team".into(), kind: SpaceKind::Team }).await.map_err(|e| anyhow!("creating the team space: {e}"))?;

    let start = Arc::new(Barrier::new(fleet.len()));
    let mut tasks = Vec::with_capacity(fleet.len());
    for (device, t) in fleet {
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut cursor = VersionVector::default();
            let mut times = Vec::with_capacity(ROUNDS as usize);
            let mut pulled = 0u64;
            for round in 0..ROUNDS {
                let push = (0..OPS).map(|k| small_op(space, device, round * OPS + k + 1)).collect();
                let req = SyncRequest { device, push, pull: vec![PullRequest { space, cursor: cursor.clone(), limit: Some(PULL_LIMIT) }] };
                let t0 = Instant::now();
                let res = t.sync(req).await.map_err(|e| anyhow!("device {device} round {round}: {e}"))?;
                times.push(t0.elapsed().as_secs_f64() * 1000.0);
                if let Some(p) = res.pulls.into_iter().next() {
                    pulled += p.ops.len() as u64;
                    cursor = p.cursor;
                }
            }
            anyhow::Ok((times, pulled))
        }));
    }
    let mut out = Fleet { latencies_ms: Vec::new(), pulled: 0 };
    for task in tasks {
        let (times, pulled) = task.await??;
        out.latencies_ms.extend(times);
        out.pulled += pulled;
    }
    Ok(out)
}

/// An account created with a name and an industry: the size of a typical edit.
fn small_op(space: Uuid, device: Uuid, seq: u64) -> Op {
    let now = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let mut set = BTreeMap::new();
    set.insert("name".to_string(), json!(format!("Fleet account {seq}")));
    set.insert("industry".to_string(), json!("Logistics"));
    Op {
        space,
        device,
        seq,
        hlc: Hlc::new(now, seq as u16),
        table: "account".into(),
        row: Uuid::now_v7(),
        set,
        text: BTreeMap::new(),
        cl: Some(1),
        prev: BTreeMap::new(),
        also_prev: BTreeMap::new(),
        schema: SCHEMA_VERSION,
    }
}
