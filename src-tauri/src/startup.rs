//! Where the time of a start goes: milliseconds since the process was started by the OS, for the
//! start-up log lines (`RUST_LOG=rapport=debug`). The start-up benchmark times the whole of it
//! from outside; these lines say which part took it.

use std::sync::OnceLock;
use std::time::Instant;

/// The process's age when `main` began, and the instant it began.
static MAIN: OnceLock<(f64, Instant)> = OnceLock::new();

/// Called first thing in `main`.
pub fn mark_main() {
    MAIN.get_or_init(|| (age_at_main_ms().unwrap_or(0.0), Instant::now()));
}

/// Milliseconds since the process was started (exec), as well as this platform can tell.
pub fn ms() -> u64 {
    let (at_main, instant) = MAIN.get_or_init(|| (0.0, Instant::now()));
    (at_main + instant.elapsed().as_secs_f64() * 1000.0) as u64
}

/// How old the process is, from /proc (10 ms resolution); `None` elsewhere.
fn age_at_main_ms() -> Option<f64> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Field 22 (starttime, in clock ticks since boot), counted after the ")" that ends the
        // command name (which may itself hold spaces).
        let started_ticks: f64 = stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()?;
        let uptime_s: f64 = std::fs::read_to_string("/proc/uptime").ok()?.split_whitespace().next()?.parse().ok()?;
        let ticks = 100.0; // USER_HZ is 100 on every Linux this app targets
        Some(((uptime_s - started_ticks / ticks) * 1000.0).max(0.0))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}
