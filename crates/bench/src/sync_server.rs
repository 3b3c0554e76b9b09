//! A real `rapport-server` process on loopback for the sync bench: the binary built beside
//! this one (`cargo build --release -p rapport-server`), on SQLite in a temp dir or on a fresh
//! PostgreSQL database at 127.0.0.1:5432 that is dropped afterwards.

use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Backend {
    pub fn sqlite() -> Result<Backend> {
        Ok(Backend::Sqlite(tempfile::tempdir().context("temp dir for the server's SQLite")?))
    }

    /// A new, empty database on the local PostgreSQL.
    pub fn postgres() -> Result<Backend> {
        let name = format!("rapport_bench_{}", uuid::Uuid::now_v7().simple());
        psql(&format!("CREATE DATABASE {name}")).context("PostgreSQL on 127.0.0.1:5432 (user postgres) is needed for the bench")?;
        Ok(Backend::Postgres(name))
    }

    fn url(&self) -> String {
        match self {
            Backend::Sqlite(dir) => format!("sqlite:{}", dir.path().join("server.db").display()),
            Backend::Postgres(name) => format!("postgres://postgres@127.0.0.1:5432/{name}"),
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Backend::Postgres(name) = self {
            if let Err(e) = psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")) {
                eprintln!("warning: could not drop the bench database {name}: {e:#}");
            }
        }
    }
}

fn psql(sql: &str) -> Result<()> {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("psql {sql}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

fn binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("the bench's own path")?;
    let bin = exe.parent().ok_or_else(|| anyhow!("the bench binary has no directory"))?.join("rapport-server");
    if !bin.exists() {
        bail!("{} is missing: build it with `cargo build --release -p rapport-server`", bin.display());
    }
    Ok(bin)
}

pub struct Server {
    child: Child,
    pub url: String,
    // Dropped after the process is killed.
    _backend: Backend,
}

impl Server {
    pub fn start(backend: Backend) -> Result<Server> {
        let mut child = Command::new(binary()?)
            .args(["--listen", "127.0.0.1:0", "--database-url", &backend.url()])
            .env("RAPPORT_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting rapport-server")?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("rapport-server has no stdout"))?;
        BufReader::new(stdout).read_line(&mut line).context("reading rapport-server's first line")?;
        let Some(url) = line.trim().strip_prefix("rapport-server listening on ") else {
            let _ = child.kill();
            bail!("rapport-server did not start: its first line was {line:?}");
        };
        Ok(Server { url: url.to_string(), child, _backend: backend })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What serving a whole space to a new device costs the server (`server_snapshot_records_per_s`).
pub struct Served {
    pub records: u64,
    pub ops: u64,
    pub requests: u64,
    pub bytes: u64,
    /// Time from each request sent to its whole answer received (gzip, as the client asks, and
    /// the client's gunzip); parsing the answers is left out.
    pub secs: f64,
}

/// Reads every space the token may read as a fresh device does: snapshot pages of
/// `snapshot_limit`, then pull pages of `pull_limit` from the snapshot's cursor. Timed per
/// request; nothing is applied.
pub async fn serve_all(url: &str, token: &str, snapshot_limit: usize, pull_limit: usize) -> Result<Served> {
    use rapport_core::sync::protocol::{PullRequest, SpaceInfo, VersionVector};
    use serde::de::IgnoredAny;
    #[derive(serde::Deserialize)]
    struct SnapshotHead {
        rows: Vec<IgnoredAny>,
        cursor: VersionVector,
        next: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct PullHead {
        ops: Vec<IgnoredAny>,
        cursor: VersionVector,
        has_more: bool,
    }
    let client = reqwest::Client::builder().gzip(true).build().context("an HTTP client")?;
    let spaces: Vec<SpaceInfo> =
        client.get(format!("{url}/v1/spaces")).bearer_auth(token).send().await?.error_for_status()?.json().await.context("the spaces")?;
    let mut out = Served { records: 0, ops: 0, requests: 0, bytes: 0, secs: 0.0 };
    let mut timed = async |req: reqwest::RequestBuilder| -> Result<Vec<u8>> {
        let t = std::time::Instant::now();
        let bytes = req.bearer_auth(token).send().await?.error_for_status()?.bytes().await?;
        out.secs += t.elapsed().as_secs_f64();
        out.requests += 1;
        out.bytes += bytes.len() as u64;
        Ok(bytes.to_vec())
    };
    let (mut records, mut ops) = (0, 0);
    for space in spaces {
        let (mut after, mut cursor) = (None::<String>, None);
        loop {
            let mut u = format!("{url}/v1/snapshot?space={}&limit={snapshot_limit}", space.id);
            if let Some(a) = &after {
                u.push_str("&after=");
                u.push_str(a); // URL-safe base64
            }
            let page: SnapshotHead = serde_json::from_slice(&timed(client.get(u)).await?).context("a snapshot page")?;
            records += page.rows.len() as u64;
            cursor.get_or_insert(page.cursor);
            match page.next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let mut cursor = cursor.unwrap_or_default();
        loop {
            let req = PullRequest { space: space.id, cursor, limit: Some(pull_limit) };
            let page: PullHead = serde_json::from_slice(&timed(client.post(format!("{url}/v1/pull")).json(&req)).await?).context("a pull page")?;
            ops += page.ops.len() as u64;
            cursor = page.cursor;
            if !page.has_more {
                break;
            }
        }
    }
    out.records = records;
    out.ops = ops;
    Ok(out)
}
