//! Order of cards inside a column: each card has a fractional position, and a
//! move writes only the moved card's position (midpoint of its neighbours).

/// Distance between cards appended one after another.
pub const STEP: f64 = 1024.0;

/// Below this gap a midpoint loses precision: the column needs rebalancing.
pub const MIN_GAP: f64 = 1e-6;

/// A position strictly between `before` and `after` (either may be absent:
/// top or bottom of the column). `None` when the gap is too small, which
/// asks the caller to rebalance the column (rare: ~30 inserts at one spot).
pub fn between(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    match (before, after) {
        (None, None) => Some(STEP),
        (Some(b), None) => Some(b + STEP),
        (None, Some(a)) => Some(a - STEP),
        (Some(b), Some(a)) if a - b > MIN_GAP => Some(b + (a - b) / 2.0),
        _ => None,
    }
}

/// Evenly spaced positions for a column of `n` cards.
pub fn rebalanced(n: usize) -> Vec<f64> {
    (1..=n).map(|i| i as f64 * STEP).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ends_and_middles() {
        assert_eq!(between(None, None), Some(1024.0));
        assert_eq!(between(Some(1024.0), None), Some(2048.0));
        assert_eq!(between(None, Some(1024.0)), Some(0.0));
        assert_eq!(between(Some(1.0), Some(2.0)), Some(1.5));
        assert_eq!(between(Some(1.0), Some(1.0 + 1e-9)), None);
    }

    #[test]
    fn thirty_inserts_at_the_same_spot_still_fit() {
        let (low, mut high) = (1024.0, 2048.0);
        for _ in 0..30 {
            high = between(Some(low), Some(high)).unwrap();
        }
        assert!(high > low);
    }

    proptest! {
        #[test]
        fn a_midpoint_is_strictly_between(a in -1e12f64..1e12, gap in 1e-3f64..1e9) {
            let b = a + gap;
            let m = between(Some(a), Some(b)).unwrap();
            prop_assert!(a < m && m < b);
        }

        #[test]
        fn rebalanced_positions_are_increasing(n in 0usize..500) {
            let p = rebalanced(n);
            prop_assert!(p.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
