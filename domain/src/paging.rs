//! Paging parameters as bounded types: a client may send any number, the
//! server only ever computes offsets from values that cannot overflow.

use serde::{Deserialize, Deserializer, Serialize};

/// The highest page (0-based) or row offset a list accepts.
pub const MAX_OFFSET: u32 = 1_000_000;

/// A 0-based page number or row offset, at most [`MAX_OFFSET`]. Deserializing
/// a larger or negative number fails (the request is refused as malformed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Bounded(u32);

impl Bounded {
    /// The value, when within bounds.
    pub fn new(value: u64) -> Option<Bounded> {
        u32::try_from(value).ok().filter(|v| *v <= MAX_OFFSET).map(Bounded)
    }

    /// The value.
    pub fn get(self) -> u64 {
        u64::from(self.0)
    }

    /// `self × size`, for a page of `size` rows (cannot overflow: both are small).
    pub fn rows(self, size: u64) -> u64 {
        self.get().saturating_mul(size)
    }
}

impl<'de> Deserialize<'de> for Bounded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u64::deserialize(deserializer)?;
        Bounded::new(value)
            .ok_or_else(|| serde::de::Error::custom(format!("page or offset out of range (0 to {MAX_OFFSET})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_values_are_accepted() {
        assert_eq!(Bounded::new(0).map(Bounded::get), Some(0));
        assert_eq!(
            Bounded::new(u64::from(MAX_OFFSET)).map(Bounded::get),
            Some(u64::from(MAX_OFFSET))
        );
        assert_eq!(Bounded::new(u64::from(MAX_OFFSET) + 1), None);
        assert_eq!(Bounded::new(u64::MAX), None);
        assert!(serde_json::from_str::<Bounded>("18446744073709551615").is_err());
        assert!(serde_json::from_str::<Bounded>("-1").is_err());
        assert_eq!(serde_json::from_str::<Bounded>("3").unwrap().rows(50), 150);
    }
}
