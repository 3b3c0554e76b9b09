//! rapport-server: stores every device's ops and hands them to the other devices of a space.
//!
//! Accounts and device tokens, spaces and members, push/pull/sync, snapshots for new devices,
//! server-sent pokes, an OpenAPI document; SQLite (the default) or PostgreSQL behind the
//! `SyncStore` trait. See README.md.

pub mod auth;
pub mod config;
pub mod http;
pub mod store;

pub use config::{Config, Database};
pub use http::{route_table, router, router_with, serve, EVENTS_RECHECK, MAX_BODY_BYTES, MAX_PUSH_OPS, MIN_CLIENT_SCHEMA, OPENAPI};
pub use store::{Counts, IncomingOp, OpsPage, PgStore, PushOutcome, SqliteStore, StoreError, SyncStore};

/// How many connections the kernel holds for the server before it accepts them. tokio's
/// `TcpListener::bind` asks for 1,024; past that, a device's connection is dropped and its SYN
/// sent again a second later. A team's devices do connect all at once (the server restarts, the
/// office's network comes back), and the 1,000-device bench lost a second to it on some of them.
/// The kernel caps the figure at `net.core.somaxconn` (4,096 by default).
pub const LISTEN_BACKLOG: u32 = 4_096;

/// A listening socket on `addr` with [`LISTEN_BACKLOG`] (and `SO_REUSEADDR`, so a restarted
/// server binds its port again at once).
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Lets the server hold as many open files as the system allows it: the soft limit on open
/// files is raised to the hard one, as Go's runtime and many servers do at start. Each device
/// holds a connection (its `/v1/events` stream stays open), and a service started by systemd
/// gets a soft limit of 1,024 by default (the hard one is 524,288), so a team of a thousand
/// devices would leave the server unable to accept more: the kernel refuses it a descriptor
/// and the devices past the limit wait. Returns the limit before and after (`None` where the
/// platform has none to raise).
pub fn raise_open_files_limit() -> std::io::Result<Option<(u64, u64)>> {
    #[cfg(target_os = "linux")]
    {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit and setrlimit only read and write the struct given.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let before = lim.rlim_cur;
        if lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            // SAFETY: as above.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(Some((before, lim.rlim_cur)))
    }
    #[cfg(not(target_os = "linux"))]
    {
        Ok(None)
    }
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
