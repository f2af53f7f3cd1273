//! Gradual rollouts: which of 100 buckets a staff member falls in, the same on every call, in
//! every process and in the browser, so a feature switched on for N% of staff stays on for the
//! same people, and raising N only adds people.

/// FNV-1a (64-bit) over the bytes, finished with SplitMix64's mixer so that ids differing in one
/// character land far apart.
fn hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The bucket of `id`, 0 to 99.
pub fn bucket(id: &str) -> u8 {
    // Multiply-shift on the top 32 bits: uniform over 0..100 without a modulo bias worth naming.
    (((hash(id) >> 32) * 100) >> 32) as u8
}

/// Whether `id` is in a rollout to `percent` % of ids (0 none, 100 all; fractions round down
/// to whole buckets; out-of-range values clamp).
pub fn in_rollout(id: &str, percent: f64) -> bool {
    let p = if percent.is_nan() { 0.0 } else { percent.clamp(0.0, 100.0) };
    f64::from(bucket(id)) < p.floor()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PINNED_HASH: u64 = 16_466_194_378_778_279_907;

    #[test]
    fn stable_known_values() {
        // Pinned: a change here moves staff between groups mid-rollout.
        let got: Vec<u8> = ["ana@agency.example", "ben@agency.example", "", "1", "2"].iter().map(|s| bucket(s)).collect();
        assert_eq!(got, [89, 25, 95, 27, 31]);
        assert!(in_rollout("anyone", 100.0) && !in_rollout("anyone", 0.0));
        assert!(!in_rollout("anyone", f64::NAN) && in_rollout("anyone", 1e9));
        // The whole hash, pinned (the buckets alone read only its top bits), and the edge: a
        // staff member in bucket 89 is in from 90 %, not at 89 %.
        assert_eq!(hash("ana@agency.example"), PINNED_HASH);
        assert!(!in_rollout("ana@agency.example", 89.0) && in_rollout("ana@agency.example", 90.0));
    }

    /// Chi-square over 100 buckets for 100,000 ids of three shapes (emails, numbers, UUID-like):
    /// below the 0.999 quantile of chi-square with 99 degrees of freedom (148.2).
    #[test]
    fn buckets_are_uniform() {
        for shape in 0..3 {
            let mut counts = [0u32; 100];
            for i in 0..100_000u32 {
                let id = match shape {
                    0 => format!("staff{i}@agency.example"),
                    1 => i.to_string(),
                    _ => format!("{:08x}-{:04x}-4000-8000-{:012x}", i.wrapping_mul(2_654_435_761), i % 65_536, i),
                };
                counts[bucket(&id) as usize] += 1;
            }
            let expected = 1000.0;
            let chi2: f64 = counts.iter().map(|&c| (f64::from(c) - expected).powi(2) / expected).sum();
            assert!(chi2 < 148.2, "shape {shape}: chi-square {chi2:.1}");
        }
    }

    proptest! {
        /// Raising the percentage only adds ids; the share in a rollout of p% is about p%.
        #[test]
        fn monotone_in_the_percentage(id in "\\PC{0,40}", p in 0.0f64..100.0, q in 0.0f64..100.0) {
            let (lo, hi) = if p < q { (p, q) } else { (q, p) };
            prop_assert!(!in_rollout(&id, lo) || in_rollout(&id, hi));
            prop_assert!(bucket(&id) < 100);
            prop_assert_eq!(bucket(&id), bucket(&id.clone()));
        }
    }
}
