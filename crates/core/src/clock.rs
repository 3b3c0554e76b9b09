//! Time, read through a clock tests can set.

use chrono::{DateTime, TimeZone, Utc};
use std::sync::{Arc, Mutex};

/// Where core reads the time. Production uses [`SystemClock`]; tests use [`FakeClock`].
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
    /// The laptop's current time zone (IANA name), used for floating wall-clock reminders.
    fn local_zone(&self) -> chrono_tz::Tz;
    /// Notified when a test moves the clock, so sleepers recompute their deadline.
    /// `None` for the real clock, whose time only moves forward on its own.
    fn changed(&self) -> Option<Arc<tokio::sync::Notify>> {
        None
    }
}

/// The real wall clock and the zone from `TZ` or /etc/localtime.
#[derive(Debug, Default, Clone)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn local_zone(&self) -> chrono_tz::Tz {
        system_zone().unwrap_or(chrono_tz::UTC)
    }
}

fn system_zone() -> Option<chrono_tz::Tz> {
    if let Ok(tz) = std::env::var("TZ") {
        if let Ok(z) = tz.trim_start_matches(':').parse() {
            return Some(z);
        }
    }
    let target = std::fs::read_link("/etc/localtime").ok()?;
    let s = target.to_string_lossy();
    let name = s.split("zoneinfo/").nth(1)?;
    name.parse().ok()
}

/// A clock that stands still until a test moves it.
#[derive(Debug, Clone)]
pub struct FakeClock {
    inner: Arc<Mutex<(DateTime<Utc>, chrono_tz::Tz)>>,
    changed: Arc<tokio::sync::Notify>,
}

impl FakeClock {
    pub fn at(now: DateTime<Utc>) -> FakeClock {
        FakeClock {
            inner: Arc::new(Mutex::new((now, chrono_tz::UTC))),
            changed: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// A fake clock at `y-m-d h:m` UTC.
    pub fn at_ymd_hm(y: i32, m: u32, d: u32, h: u32, min: u32) -> FakeClock {
        let t = Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap_or_else(Utc::now);
        FakeClock::at(t)
    }

    pub fn set(&self, now: DateTime<Utc>) {
        if let Ok(mut g) = self.inner.lock() {
            g.0 = now;
        }
        self.changed.notify_waiters();
    }

    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now() + by;
        self.set(now);
    }

    pub fn set_zone(&self, zone: chrono_tz::Tz) {
        if let Ok(mut g) = self.inner.lock() {
            g.1 = zone;
        }
        self.changed.notify_waiters();
    }

}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        self.inner.lock().map(|g| g.0).unwrap_or_else(|p| p.into_inner().0)
    }

    fn local_zone(&self) -> chrono_tz::Tz {
        self.inner.lock().map(|g| g.1).unwrap_or_else(|p| p.into_inner().1)
    }

    fn changed(&self) -> Option<Arc<tokio::sync::Notify>> {
        Some(self.changed.clone())
    }
}
