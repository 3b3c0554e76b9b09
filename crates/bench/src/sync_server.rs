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
