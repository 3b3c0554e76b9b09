//! A small, portable PRNG (SplitMix64): the same seed gives the same numbers on every platform
//! and with every version of every crate, which a demo book built from a seed relies on.

pub(crate) struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// An independent stream per `(seed, stream)`: each account draws from its own stream, so
    /// its content does not depend on how the work is batched or split across threads.
    pub fn new(seed: u64, stream: u64) -> Rng {
        Rng(mix(seed ^ mix(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x2545_F491_4F6C_DD1D))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// One of `words`.
    pub fn word<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len() as u64) as usize]
    }

    /// `floor(avg)` plus one more with probability `frac(avg)`: averages `avg` over many draws.
    pub fn count(&mut self, avg: f64) -> usize {
        let avg = avg.max(0.0);
        let whole = avg.floor();
        whole as usize + usize::from(self.chance(avg - whole))
    }

    /// Picks from `(item, weight)` pairs.
    pub fn weighted<'a, T>(&mut self, xs: &'a [(T, u32)]) -> &'a T {
        let total: u64 = xs.iter().map(|(_, w)| *w as u64).sum();
        let mut r = self.below(total);
        for (x, w) in xs {
            if r < *w as u64 {
                return x;
            }
            r -= *w as u64;
        }
        &xs[xs.len() - 1].0
    }

    /// `k` distinct indices from `0..n`, in ascending order.
    pub fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut picked: Vec<usize> = Vec::with_capacity(k);
        while picked.len() < k {
            let i = self.below(n as u64) as usize;
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        picked.sort_unstable();
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_stream_give_the_same_numbers() {
        let a: Vec<u64> = (0..5).map({ let mut r = Rng::new(7, 3); move |_| r.next_u64() }).collect();
        let b: Vec<u64> = (0..5).map({ let mut r = Rng::new(7, 3); move |_| r.next_u64() }).collect();
        let c: Vec<u64> = (0..5).map({ let mut r = Rng::new(7, 4); move |_| r.next_u64() }).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn draws_stay_in_range() {
        let mut r = Rng::new(1, 1);
        for _ in 0..1000 {
            assert!((3..=9).contains(&r.range(3, 9)));
            assert!(r.below(10) < 10);
        }
        assert_eq!(r.distinct(5, 9).len(), 5);
    }
}
