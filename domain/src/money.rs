//! Money is integer cents of euros. This module formats and parses amounts
//! the French way ("12 500,50 €"); VAT and rounding arrive with quotes.

/// "12 500 €" (whole euros) or "12 500,50 €", with narrow no-break spaces.
pub fn format_eur(cents: i64) -> String {
    let negative = cents < 0;
    let abs = cents.unsigned_abs();
    let (euros, rest) = (abs / 100, abs % 100);
    let digits = euros.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202F}');
        }
        grouped.push(c);
    }
    let sign = if negative { "−" } else { "" };
    if rest == 0 {
        format!("{sign}{grouped}\u{00A0}€")
    } else {
        format!("{sign}{grouped},{rest:02}\u{00A0}€")
    }
}

/// Always with cents, as documents print amounts: "45,00 €", "12 500,50 €".
pub fn format_eur_exact(cents: i64) -> String {
    let text = format_eur(cents);
    if cents % 100 == 0 {
        text.replace("\u{00A0}€", ",00\u{00A0}€")
    } else {
        text
    }
}

/// Compact form for cards and column totals: "12,5 k€", "1,2 M€", "850 €".
pub fn format_eur_short(cents: i64) -> String {
    let euros = cents as f64 / 100.0;
    let abs = euros.abs();
    let (value, unit) = if abs >= 1_000_000.0 {
        (euros / 1_000_000.0, "M€")
    } else if abs >= 10_000.0 {
        (euros / 1_000.0, "k€")
    } else {
        return format_eur((cents / 100) * 100);
    };
    let text = format!("{value:.1}").replace('.', ",");
    let text = text.strip_suffix(",0").unwrap_or(&text).to_string();
    format!("{text}\u{00A0}{unit}")
}

/// Parses what people type ("1 200", "1200,50", "1 200.5 €") into cents.
pub fn parse_eur(input: &str) -> Result<i64, &'static str> {
    let cleaned: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{202F}' && *c != '\u{00A0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Err("Saisissez un montant.");
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
    {
        return Err("Montant invalide (exemple : 1 250,00).");
    }
    let euros: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "Montant trop grand.")?
    };
    let cents: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    if euros > 100_000_000 {
        return Err("Montant trop grand.");
    }
    Ok(euros * 100 + cents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_are_written_the_french_way() {
        assert_eq!(format_eur(1_250_050), "12\u{202F}500,50\u{00A0}€");
        assert_eq!(format_eur(85_000), "850\u{00A0}€");
        assert_eq!(format_eur(0), "0\u{00A0}€");
        assert_eq!(format_eur(-1_999), "−19,99\u{00A0}€");
        assert_eq!(format_eur_short(1_250_000), "12,5\u{00A0}k€");
        assert_eq!(format_eur_short(123_000_000), "1,2\u{00A0}M€");
        assert_eq!(format_eur_short(2_000_000), "20\u{00A0}k€");
        assert_eq!(format_eur_exact(4_500), "45,00\u{00A0}€");
        assert_eq!(format_eur_exact(-1_999), "−19,99\u{00A0}€");
    }

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(parse_eur("1 200"), Ok(120_000));
        assert_eq!(parse_eur("1200,5"), Ok(120_050));
        assert_eq!(parse_eur("1 200.50 €"), Ok(120_050));
        assert_eq!(parse_eur(",50"), Ok(50));
        assert!(parse_eur("").is_err());
        assert!(parse_eur("12,345").is_err());
        assert!(parse_eur("douze").is_err());
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_returns_the_amount(cents in 0i64..10_000_000_000) {
            prop_assert_eq!(parse_eur(&format_eur(cents)), Ok(cents));
        }
    }
}
