//! The stored health band of every account, so the accounts list can filter 100,000 accounts
//! by health: [`App::refresh_health`] recomputes, with the one rule in [`super::overview`],
//! the accounts whose inputs changed (triggers mark them, migration 0011) and those whose band
//! the passage of time has changed ([`super::overview::health_changes_at`]).

use super::local_date;
use super::overview::{health, health_changes_at, health_input, HealthLabel};
use crate::app::App;
use crate::error::Result;
use crate::store::health::{refresh_chunk, Band, HealthRow};

/// Accounts recomputed per write transaction (the writer is released between them).
const CHUNK: u32 = 1_000;
/// The writer's page cache while it recomputes, in KiB.
const REFRESH_CACHE_KIB: u32 = 8_192;

/// The stored name of a band (the filter's value).
pub fn band_name(label: HealthLabel) -> &'static str {
    match label {
        HealthLabel::Good => "good",
        HealthLabel::Attention => "attention",
        HealthLabel::Risk => "risk",
    }
}

impl App {
    /// Brings every account's stored health band up to date at `now`; returns how many
    /// accounts it recomputed. Cheap when nothing changed (two index lookups). Called before
    /// the accounts list is filtered by health, and by the shell once at start.
    pub fn refresh_health(&self) -> Result<u64> {
        let now = self.now();
        let zone = self.clock().local_zone();
        let today = local_date(now, zone);
        let settings = self.settings();
        let basis = format!("{}|{}", zone.name(), serde_json::to_string(&settings)?);
        let rule = |row: &HealthRow| {
            let input = health_input(row, today, &settings);
            let h = health(&input, today, now, &settings);
            let until = health_changes_at(&input, today, now, zone, &settings);
            Band { band: band_name(h.label), score: h.score, fresh_until_ms: until.map(|t| t.timestamp_millis()).unwrap_or(i64::MAX) }
        };
        let first = refresh_chunk(self.store(), now.timestamp_millis(), today, &basis, CHUNK, &rule)? as u64;
        if first < u64::from(CHUNK) {
            return Ok(first);
        }
        // Many to recompute (a freshly imported book, settings changed): the refresh reads each
        // account's inputs once, so a small writer cache does, and 100,000 accounts no longer
        // fill the 128 MiB one.
        self.store().with_writer_cache(REFRESH_CACHE_KIB, || {
            let mut total = first;
            loop {
                let n = refresh_chunk(self.store(), now.timestamp_millis(), today, &basis, CHUNK, &rule)?;
                if n == 0 {
                    return Ok(total);
                }
                total += n as u64;
            }
        })
    }
}
