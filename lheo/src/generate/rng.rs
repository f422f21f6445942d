//! A small deterministic random number generator (SplitMix64): same seed, same feed, on
//! every platform and every version of the dependencies.

/// SplitMix64 (Steele, Lea and Flood, 2014): one 64-bit state, full period, good enough
/// statistics for test data, no dependency.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`; every seed, including 0, is fine.
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), without modulo bias worth mentioning.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// An index into a collection of `len` items (0 when empty).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi as i128 - lo as i128 + 1) as u128;
        let r = (u128::from(self.next_u64()) * span) >> 64;
        (lo as i128 + r as i128) as i64
    }

    /// A number in `lo..=hi` for small unsigned ranges.
    pub(crate) fn between(&mut self, lo: u32, hi: u32) -> u32 {
        self.range(i64::from(lo), i64::from(hi)) as u32
    }

    /// `true` with probability `percent` / 100.
    pub(crate) fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent)
    }

    /// `true` with probability `per_mille` / 1000.
    pub(crate) fn per_mille(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// A random item of a slice, `None` when it is empty.
    pub(crate) fn choose<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.index(items.len()))
    }

    /// A random item of one of the built-in data tables (all non-empty, see `data` tests),
    /// or `fallback` for an empty slice.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T], fallback: T) -> T {
        self.choose(items).copied().unwrap_or(fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_range() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            let r = a.range(-3, 7);
            b.range(-3, 7);
            assert!((-3..=7).contains(&r));
        }
        assert_eq!(a.below(0), 0);
        assert_eq!(a.range(5, 5), 5);
        assert_eq!(a.range(5, 1), 5);
        assert!(a.choose::<u8>(&[]).is_none());
    }

    #[test]
    fn covers_the_range() {
        let mut r = Rng::new(0);
        let mut seen = [false; 6];
        for _ in 0..200 {
            seen[r.range(0, 5) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
