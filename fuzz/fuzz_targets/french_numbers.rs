//! Amounts, quantities and percentages as people type them ("1 250,50 €",
//! "1,5", "12,5 %"): never a panic, and what is accepted reads back the same
//! once formatted the French way.
#![no_main]

use domain::money::{format_eur_exact, parse_eur};
use domain::vat::{format_quantity, parse_percent, parse_quantity};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(cents) = parse_eur(input) {
        assert!(cents >= 0);
        assert_eq!(parse_eur(&format_eur_exact(cents).replace('\u{2212}', "-")), Ok(cents));
    }
    if let Ok(thousandths) = parse_quantity(input) {
        assert!(thousandths > 0);
        assert_eq!(parse_quantity(&format_quantity(thousandths)), Ok(thousandths));
    }
    if let Ok(basis_points) = parse_percent(input) {
        assert!((0..=10_000).contains(&basis_points));
    }
});
