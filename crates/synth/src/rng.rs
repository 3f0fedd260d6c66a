//! A small seeded pseudo-random generator (SplitMix64) with the draws the generator needs.
//! Specimens must be reproducible from their seed on every platform, so no external RNG crate and
//! no floating-point shortcuts that depend on the platform's libm beyond `ln`, `sqrt` and `cos`.

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, good statistics, trivially seeded.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
    /// The second Box-Muller value, kept for the next gaussian draw.
    spare: Option<f64>,
}

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed, spare: None }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An independent generator, so one part of a specimen can change its number of draws
    /// without shifting every draw after it.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in `[lo, hi)`, as `f32`.
    pub fn range_f32(&mut self, lo: f32, hi: f32) -> f32 {
        self.range(f64::from(lo), f64::from(hi)) as f32
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Multiply-shift: the bias is below 2^-32 for the small `n` used here.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// -1 or +1.
    pub fn sign(&mut self) -> f64 {
        if self.chance(0.5) { 1.0 } else { -1.0 }
    }

    /// One item of the list, uniformly; None only for an empty list.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// One of the constant strings, or `fallback` for an empty list.
    pub fn pick_str(&mut self, items: &[&'static str], fallback: &'static str) -> &'static str {
        self.pick(items).copied().unwrap_or(fallback)
    }

    /// Standard normal (Box-Muller).
    pub fn gaussian(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 - unit() is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        let radius = (-2.0 * u1.ln()).sqrt();
        let angle = std::f64::consts::TAU * u2;
        self.spare = Some(radius * angle.sin());
        radius * angle.cos()
    }
}

/// Mixes a set seed with a kind and an index into one specimen seed, so that a specimen depends
/// only on (set seed, kind, index), not on how many others are generated.
pub fn mix(seed: u64, kind: u64, index: u64) -> u64 {
    let mut rng = Rng::new(seed ^ kind.wrapping_mul(0xA076_1D64_78BD_642F) ^ index.wrapping_mul(0xE703_7ED1_A0B4_28DB));
    // Keep it below 2^53 so JSON readers that use doubles read the seed exactly.
    rng.next_u64() >> 11
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_reproducible_and_in_range() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            let x = a.unit();
            assert!((0.0..1.0).contains(&x));
            b.unit();
            let k = a.int(3, 7);
            assert!((3..=7).contains(&k));
            b.int(3, 7);
        }
    }

    #[test]
    fn gaussian_has_unit_spread() {
        let mut rng = Rng::new(7);
        let n = 20_000;
        let draws: Vec<f64> = (0..n).map(|_| rng.gaussian()).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05, "{mean}");
        assert!((var - 1.0).abs() < 0.05, "{var}");
    }

    #[test]
    fn mixed_seeds_differ_and_fit_a_double() {
        assert_ne!(mix(1, 0, 0), mix(1, 0, 1));
        assert_ne!(mix(1, 0, 0), mix(1, 1, 0));
        assert_ne!(mix(1, 0, 0), mix(2, 0, 0));
        assert!(mix(u64::MAX, 13, 9999) < (1 << 53));
    }
}
