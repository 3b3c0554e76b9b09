//! The hybrid logical clock of SYNC.md: 48 bits of milliseconds, 16 bits of counter.

use serde::{Deserialize, Serialize};

/// A hybrid logical clock reading. Ordered; ties between devices are broken by device id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hlc(pub u64);

impl Hlc {
    pub const ZERO: Hlc = Hlc(0);
    const COUNTER_BITS: u32 = 16;
    const COUNTER_MASK: u64 = (1 << Self::COUNTER_BITS) - 1;

    pub fn new(millis: u64, counter: u16) -> Hlc {
        Hlc(((millis & ((1 << 48) - 1)) << Self::COUNTER_BITS) | counter as u64)
    }

    pub fn millis(self) -> u64 {
        self.0 >> Self::COUNTER_BITS
    }

    pub fn counter(self) -> u16 {
        (self.0 & Self::COUNTER_MASK) as u16
    }

    /// The next reading for a local event, given the last reading and the wall clock.
    /// Never goes backwards, even when the wall clock does.
    pub fn tick(last: Hlc, wall_millis: u64) -> Hlc {
        if wall_millis > last.millis() {
            Hlc::new(wall_millis, 0)
        } else if last.counter() < u16::MAX {
            Hlc::new(last.millis(), last.counter() + 1)
        } else {
            Hlc::new(last.millis() + 1, 0)
        }
    }

    /// Merge a remote reading into the local high-water mark (on receive).
    pub fn observe(last: Hlc, remote: Hlc, wall_millis: u64) -> Hlc {
        let top = last.max(remote);
        Hlc::tick(top, wall_millis)
    }

    pub fn as_i64(self) -> i64 {
        self.0 as i64
    }

    pub fn from_i64(v: i64) -> Hlc {
        Hlc(v as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_follows_the_wall_clock_when_it_moves_forward() {
        let h = Hlc::tick(Hlc::new(1_000, 5), 2_000);
        assert_eq!((h.millis(), h.counter()), (2_000, 0));
    }

    #[test]
    fn tick_never_goes_backwards_when_the_wall_clock_does() {
        let last = Hlc::new(5_000, 3);
        let h = Hlc::tick(last, 1_000);
        assert!(h > last);
        assert_eq!((h.millis(), h.counter()), (5_000, 4));
    }

    #[test]
    fn counter_overflow_carries_into_milliseconds() {
        let h = Hlc::tick(Hlc::new(7, u16::MAX), 0);
        assert_eq!((h.millis(), h.counter()), (8, 0));
    }

    #[test]
    fn observe_moves_past_a_remote_clock_ahead_of_ours() {
        let remote = Hlc::new(9_000, 2);
        let h = Hlc::observe(Hlc::new(1_000, 0), remote, 1_500);
        assert!(h > remote);
    }
}
