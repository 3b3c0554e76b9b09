//! A real rapport-server process on loopback, on SQLite or on PostgreSQL (a fresh database per
//! test on the local server at 127.0.0.1:5432), that a test can SIGKILL and start again.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Backend {
    pub fn sqlite() -> Backend {
        Backend::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    /// A new, empty database on the local PostgreSQL.
    pub fn postgres() -> Backend {
        let name = format!("rapport_sys_{}", uuid::Uuid::now_v7().simple());
        psql(&format!("CREATE DATABASE {name}"));
        Backend::Postgres(name)
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
            psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

fn psql(sql: &str) {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("psql runs (PostgreSQL client)");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The rapport-server binary built beside this test (`cargo build -p rapport-server`, which
/// `cargo nextest run --workspace` does).
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let bin = dir.join("rapport-server");
    assert!(bin.exists(), "{} is missing: build it with `cargo build -p rapport-server`", bin.display());
    bin
}

pub struct Server {
    child: Option<Child>,
    pub url: String,
    port: u16,
    backend: Backend,
}

impl Server {
    pub fn start(backend: Backend) -> Server {
        let mut s = Server { child: None, url: String::new(), port: 0, backend };
        s.spawn();
        s
    }

    fn spawn(&mut self) {
        let mut child = Command::new(binary())
            .args(["--listen", &format!("127.0.0.1:{}", self.port), "--database-url", &self.backend.url()])
            .env("RAPPORT_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start rapport-server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the listening line");
        let url = line.trim().strip_prefix("rapport-server listening on ").unwrap_or_else(|| panic!("unexpected first line: {line:?}")).to_string();
        self.port = url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
        self.url = url;
        self.child = Some(child);
    }

    /// SIGKILL: no shutdown, no flush; whatever was not committed is gone.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL the server");
            c.wait().ok();
        }
    }

    /// Starts again on the same port and database.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
