//! French VAT rates, units of measure and the rounding rule every amount
//! of a quote goes through.

use serde::{Deserialize, Serialize};

/// The VAT rates a French quote may carry, in basis points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatRate {
    /// 0 % (exempt, auto-entrepreneur "TVA non applicable, art. 293 B du CGI").
    Zero,
    /// 2,1 % (some press and medicines; rare on quotes, kept for completeness).
    SuperReduced,
    /// 5,5 % (energy-saving renovation work).
    Reduced,
    /// 10 % (renovation of homes over two years old).
    Intermediate,
    /// 20 % (standard).
    Standard,
}

impl VatRate {
    /// Every rate, lowest first.
    pub const ALL: [VatRate; 5] = [
        VatRate::Zero,
        VatRate::SuperReduced,
        VatRate::Reduced,
        VatRate::Intermediate,
        VatRate::Standard,
    ];

    /// The rate in basis points (2,1 % = 210).
    pub fn basis_points(self) -> i64 {
        match self {
            VatRate::Zero => 0,
            VatRate::SuperReduced => 210,
            VatRate::Reduced => 550,
            VatRate::Intermediate => 1000,
            VatRate::Standard => 2000,
        }
    }

    /// The rate from basis points, if it is one of the French rates.
    pub fn from_basis_points(bp: i64) -> Option<VatRate> {
        VatRate::ALL.into_iter().find(|r| r.basis_points() == bp)
    }

    /// "20 %", "5,5 %", "2,1 %".
    pub fn label(self) -> &'static str {
        match self {
            VatRate::Zero => "0 %",
            VatRate::SuperReduced => "2,1 %",
            VatRate::Reduced => "5,5 %",
            VatRate::Intermediate => "10 %",
            VatRate::Standard => "20 %",
        }
    }
}

/// Unit of a quote line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Unit (u).
    Piece,
    /// Hour (h): labour.
    Hour,
    /// Square metre (m²).
    SquareMetre,
    /// Linear metre (ml).
    LinearMetre,
    /// Kilogram (kg).
    Kilogram,
    /// Flat rate (forfait).
    Flat,
}

impl Unit {
    /// Every unit, in the order the editor lists them.
    pub const ALL: [Unit; 6] = [
        Unit::Piece,
        Unit::Hour,
        Unit::SquareMetre,
        Unit::LinearMetre,
        Unit::Kilogram,
        Unit::Flat,
    ];

    /// Stable identifier used in storage and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Piece => "u",
            Unit::Hour => "h",
            Unit::SquareMetre => "m2",
            Unit::LinearMetre => "ml",
            Unit::Kilogram => "kg",
            Unit::Flat => "forfait",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == value)
    }

    /// What a French reader expects on the document.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Piece => "u",
            Unit::Hour => "h",
            Unit::SquareMetre => "m²",
            Unit::LinearMetre => "ml",
            Unit::Kilogram => "kg",
            Unit::Flat => "forfait",
        }
    }
}

/// The one rounding rule: `numerator / denominator` to the nearest integer,
/// halves away from zero (0,5 ct → 1 ct, −0,5 ct → −1 ct), as French
/// accounting practice and the VAT rules expect. `denominator` must be > 0.
pub fn div_round(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let half = denominator / 2;
    if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        -((-numerator + half) / denominator)
    }
}

/// Quantities carry three decimals: 1,5 h is 1 500 thousandths.
pub const QUANTITY_SCALE: i64 = 1000;

/// Parses "2", "1,5", "0.125" into thousandths.
pub fn parse_quantity(input: &str) -> Result<i64, &'static str> {
    let cleaned: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202F}' && *c != '\u{00A0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Err("Saisissez une quantité.");
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err("Quantité invalide (exemple : 1,5).");
    }
    if frac.len() > 3 {
        return Err("Trois décimales au plus.");
    }
    if whole.len() > 7 {
        return Err("Quantité trop grande.");
    }
    let units: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "Quantité trop grande.")?
    };
    let thousandths: i64 = format!("{frac:0<3}").parse().unwrap_or(0);
    let quantity = units * QUANTITY_SCALE + thousandths;
    if quantity == 0 {
        return Err("La quantité doit être supérieure à 0.");
    }
    Ok(quantity)
}

/// "2", "1,5", "0,125".
pub fn format_quantity(thousandths: i64) -> String {
    let units = thousandths / QUANTITY_SCALE;
    let rest = (thousandths % QUANTITY_SCALE).abs();
    if rest == 0 {
        return units.to_string();
    }
    let frac = format!("{rest:03}");
    format!("{units},{}", frac.trim_end_matches('0'))
}

/// Parses a percentage typed as "10", "12,5" into basis points (0–100 %).
pub fn parse_percent(input: &str) -> Result<i64, &'static str> {
    let cleaned: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '%')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 3
    {
        return Err("Pourcentage invalide (exemple : 12,5).");
    }
    let units: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().unwrap_or(0)
    };
    let hundredths: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let bp = units * 100 + hundredths;
    if bp > 10_000 {
        return Err("100 % au plus.");
    }
    Ok(bp)
}

/// "12,5 %" from basis points.
pub fn format_percent(bp: i64) -> String {
    let units = bp / 100;
    let rest = bp % 100;
    if rest == 0 {
        format!("{units}\u{00A0}%")
    } else {
        let frac = format!("{rest:02}");
        format!("{units},{}\u{00A0}%", frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(4, 10), 0);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(div_round(25, 10), 3);
        assert_eq!(div_round(1_999, 1_000), 2);
    }

    #[test]
    fn quantities_are_read_and_written_the_french_way() {
        assert_eq!(parse_quantity("2"), Ok(2_000));
        assert_eq!(parse_quantity("1,5"), Ok(1_500));
        assert_eq!(parse_quantity("0.125"), Ok(125));
        assert!(parse_quantity("0").is_err());
        assert!(parse_quantity("1,2345").is_err());
        assert!(parse_quantity("-1").is_err());
        assert!(parse_quantity("").is_err());
        assert_eq!(format_quantity(1_500), "1,5");
        assert_eq!(format_quantity(2_000), "2");
        assert_eq!(format_quantity(125), "0,125");
    }

    #[test]
    fn percentages_and_rates() {
        assert_eq!(parse_percent("12,5"), Ok(1_250));
        assert_eq!(parse_percent("30 %"), Ok(3_000));
        assert!(parse_percent("101").is_err());
        assert_eq!(format_percent(1_250), "12,5\u{00A0}%");
        assert_eq!(VatRate::from_basis_points(550), Some(VatRate::Reduced));
        assert_eq!(VatRate::from_basis_points(700), None);
        assert_eq!(Unit::parse("m2"), Some(Unit::SquareMetre));
    }

    proptest! {
        #[test]
        fn quantity_round_trips(q in 1i64..9_999_999_999) {
            prop_assert_eq!(parse_quantity(&format_quantity(q)), Ok(q));
        }

        #[test]
        fn rounding_is_within_half_a_unit(n in -1_000_000_000i128..1_000_000_000, d in 1i128..100_000) {
            let r = div_round(n, d);
            prop_assert!((r * d - n).abs() * 2 <= d);
            prop_assert_eq!(div_round(-n, d), -r);
        }
    }
}
