//! Small statistics and hashing the engine uses in several places: the median (scene cuts,
//! robust scores, benchmarks) and FNV-1a (cache keys, project file names).

use std::cmp::Ordering;

/// A number with a total order (IEEE 754 `totalOrder`: NaNs sort at the ends), so medians
/// never panic.
pub trait TotalOrd: Copy + Default {
    fn total(&self, other: &Self) -> Ordering;
}

impl TotalOrd for f32 {
    fn total(&self, other: &Self) -> Ordering {
        self.total_cmp(other)
    }
}

impl TotalOrd for f64 {
    fn total(&self, other: &Self) -> Ordering {
        self.total_cmp(other)
    }
}

/// The median of `v` (the upper one for an even count; 0 for none). Reorders `v`.
pub fn median<T: TotalOrd>(v: &mut [T]) -> T {
    if v.is_empty() {
        return T::default();
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, T::total);
    *m
}

/// FNV-1a, 64 bits: a stable, dependency-free hash for names and cache keys (not for security).
#[derive(Clone, Copy, Debug)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    pub fn write(&mut self, bytes: &[u8]) -> &mut Self {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_is_the_middle_value() {
        assert_eq!(median(&mut [3.0f32, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0f64, 1.0, 3.0, 2.0]), 3.0);
        assert_eq!(median::<f32>(&mut []), 0.0);
        assert_eq!(median(&mut [1.0f32, f32::NAN, 2.0]), 2.0);
    }

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(Fnv1a::default().finish(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv1a::default().write(b"a").finish(), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            Fnv1a::default().write(b"foobar").finish(),
            0x8594_4171_f739_67e8
        );
    }
}
