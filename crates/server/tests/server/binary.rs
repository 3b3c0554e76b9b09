//! The real `rapport-server` binary: what scripts and the system tests rely on.

use crate::support::PgDb;
use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Stdio};

/// The binary's command, not started yet.
fn command(args: &[&str], env: &[(&str, &str)], cwd: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport-server"));
    cmd.args(args).current_dir(cwd).stdout(Stdio::piped()).stderr(Stdio::piped()).env_remove("RAPPORT_SERVER_DATABASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Starts the binary and returns it with the base URL from its one stdout line.
fn start(args: &[&str], env: &[(&str, &str)], cwd: &std::path::Path) -> (Child, String) {
    spawn(command(args, env, cwd))
}

fn spawn(mut cmd: Command) -> (Child, String) {
    let mut child = cmd.spawn().expect("spawn rapport-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("read stdout");
    let base = line.trim().strip_prefix("rapport-server listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();
    assert!(base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"), "{base}");
    (child, base)
}

async fn health(base: &str) -> serde_json::Value {
    let res = reqwest::get(format!("{base}/health")).await.expect("health");
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_binary_prints_its_address_serves_sqlite_in_the_data_dir_and_logs_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let (mut child, base) = start(&["--listen", "127.0.0.1:0", "--data-dir", data.to_str().unwrap(), "--log-json"], &[("RAPPORT_LOG", "info")], dir.path());
    let h = health(&base).await;
    assert_eq!((h["backend"].as_str(), h["status"].as_str()), (Some("sqlite"), Some("ok")));
    assert!(data.join("rapport-server.db").exists());
    child.kill().unwrap();
    child.wait().unwrap();
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    let first = logs.lines().next().expect("a log line");
    let json: serde_json::Value = serde_json::from_str(first).unwrap_or_else(|e| panic!("{first}: {e}"));
    assert!(json.get("level").is_some(), "{first}");
}

#[tokio::test]
async fn the_binary_takes_postgres_from_the_environment() {
    let db = PgDb::create().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start(&["--listen", "127.0.0.1:0"], &[("RAPPORT_SERVER_DATABASE_URL", &db.url)], dir.path());
    assert_eq!(health(&base).await["backend"], "postgres");
    assert!(!dir.path().join("rapport-server.db").exists());
    child.kill().unwrap();
    child.wait().unwrap();
    db.close().await;
}

#[test]
fn bad_arguments_exit_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport-server")).args(["--database-url", "mysql://x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported database URL") && err.contains("Usage:"), "{err}");
    assert!(out.stdout.is_empty());
}

/// 1,500 devices connecting at once, before the server accepts any: each handshake completes
/// in the listen queue. With tokio's default queue of 1,024 the rest would wait for their SYN's
/// resend, a second later (the timeout below is shorter than that).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_connections_waits_in_the_listen_queue_instead_of_being_dropped() {
    let listener = rapport_server::listen("127.0.0.1:0".parse().unwrap()).expect("listen");
    let addr = listener.local_addr().unwrap();
    let connects: Vec<_> = (0..1_500)
        .map(|_| {
            tokio::spawn(async move {
                tokio::time::timeout(std::time::Duration::from_millis(900), tokio::net::TcpStream::connect(addr)).await
            })
        })
        .collect();
    let mut open = Vec::new();
    let mut waiting = 0;
    for c in connects {
        match c.await.unwrap() {
            Ok(Ok(stream)) => open.push(stream),
            Ok(Err(e)) => panic!("a connection was refused: {e}"),
            Err(_) => waiting += 1,
        }
    }
    assert_eq!((open.len(), waiting), (1_500, 0), "connections left waiting for a resent SYN");
    // And the server takes them all from the queue.
    for _ in 0..1_500 {
        tokio::time::timeout(std::time::Duration::from_secs(5), listener.accept()).await.expect("queued").expect("accept");
    }
}

/// Started with a soft limit of 64 open files (as a service gets 1,024 from systemd), the server
/// still holds 300 devices' connections open at once and answers each: it raises the soft limit
/// to the hard one at start. Without that it runs out of descriptors after some 50 and the
/// rest are never answered.
#[test]
#[cfg(target_os = "linux")]
fn the_server_holds_more_connections_than_its_inherited_open_files_limit() {
    use std::io::Write as _;
    use std::os::unix::process::CommandExt as _;
    const SOFT: libc::rlim_t = 64;
    const CONNECTIONS: usize = 300;
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes the struct given.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    assert!(lim.rlim_max >= 2 * CONNECTIONS as libc::rlim_t, "the hard limit on open files ({}) is too low for this test", lim.rlim_max);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&["--listen", "127.0.0.1:0", "--data-dir", dir.path().to_str().unwrap()], &[], dir.path());
    // SAFETY: between fork and exec only setrlimit runs, which is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            lim.rlim_cur = SOFT;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let (mut child, base) = spawn(cmd);
    let addr = base.trim_start_matches("http://").to_string();
    let mut open = Vec::new();
    for i in 0..CONNECTIONS {
        let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: rapport\r\n\r\n").unwrap();
        let mut head = [0u8; 12];
        let answered = stream.read_exact(&mut head).is_ok();
        assert!(answered && &head == b"HTTP/1.1 200", "connection {i} of {CONNECTIONS} was not answered while {} were open", open.len());
        open.push(stream); // kept open, as a device's event stream is
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
