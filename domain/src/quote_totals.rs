//! The totals of a quote, computed by this one function in the browser (live
//! editor) and on the server (storage, PDF, signature). Integer cents
//! throughout; every rounding goes through [`div_round`] (halves away from
//! zero) at exactly these points:
//!
//! 1. line gross HT = quantity × unit price, rounded to the cent;
//! 2. a percentage discount is rounded to the cent on that gross amount; an
//!    amount discount is capped at the gross amount; net HT = gross − discount;
//! 3. VAT is computed once per rate on the sum of the net HT amounts at that
//!    rate (not line by line), rounded to the cent;
//! 4. TTC = total HT + the VAT of every rate (no further rounding);
//! 5. a percentage deposit is rounded to the cent on the TTC.

use super::vat::{QUANTITY_SCALE, VatRate, div_round};
use serde::{Deserialize, Serialize};

/// A reduction on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Discount {
    /// No reduction.
    #[default]
    None,
    /// Percentage in basis points (10 % = 1 000).
    Percent(i64),
    /// Fixed amount in cents (capped at the line's gross amount).
    Amount(i64),
}

/// The deposit asked for on signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Deposit {
    /// No deposit.
    #[default]
    None,
    /// Percentage of the TTC, in basis points.
    Percent(i64),
    /// Fixed amount in cents (capped at the TTC).
    Amount(i64),
}

/// What the arithmetic needs of one priced line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PricedLine {
    /// Thousandths of the unit (1,5 h = 1 500).
    pub quantity: i64,
    /// Unit price HT in cents.
    pub unit_price: i64,
    /// VAT rate.
    pub vat: VatRate,
    /// Line discount.
    pub discount: Discount,
}

/// One entry of a quote body, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A section title: the lines that follow, up to the next title, get a subtotal.
    Section,
    /// A priced line.
    Line(PricedLine),
}

/// The amounts of one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LineAmounts {
    /// Quantity × unit price, in cents.
    pub gross: i64,
    /// The discount applied, in cents.
    pub discount: i64,
    /// Gross − discount, in cents.
    pub net: i64,
}

/// VAT owed at one rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatLine {
    /// The rate.
    pub rate: VatRate,
    /// Sum of the net HT amounts at this rate.
    pub base: i64,
    /// The VAT on that base.
    pub vat: i64,
}

/// Everything the editor, the list, the PDF and the portal show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    /// Amounts per entry, same order as the input (`None` for section titles).
    pub lines: Vec<Option<LineAmounts>>,
    /// Subtotal HT per section, keyed by the section's index in the input.
    pub sections: Vec<(usize, i64)>,
    /// Sum of the gross amounts before discounts.
    pub gross_ht: i64,
    /// Sum of the discounts.
    pub discounts: i64,
    /// Total HT (after discounts).
    pub total_ht: i64,
    /// VAT per rate, lowest rate first; rates with no line are left out.
    pub vat: Vec<VatLine>,
    /// Total VAT.
    pub total_vat: i64,
    /// Total TTC.
    pub total_ttc: i64,
    /// Deposit asked for.
    pub deposit: i64,
    /// TTC − deposit.
    pub balance: i64,
}

/// Amounts of one line (steps 1 and 2 of the module's rounding rule).
pub fn line_amounts(line: &PricedLine) -> LineAmounts {
    let gross = div_round(line.quantity as i128 * line.unit_price as i128, QUANTITY_SCALE as i128);
    let discount = match line.discount {
        Discount::None => 0,
        Discount::Percent(bp) => div_round(gross * bp.clamp(0, 10_000) as i128, 10_000),
        Discount::Amount(cents) => (cents.max(0) as i128).min(gross.max(0)),
    };
    let gross = saturate(gross);
    let discount = saturate(discount);
    LineAmounts {
        gross,
        discount,
        net: gross - discount,
    }
}

fn saturate(value: i128) -> i64 {
    value.clamp(i64::MIN as i128 / 4, i64::MAX as i128 / 4) as i64
}

/// The totals of a quote body with its deposit.
pub fn compute(entries: &[Entry], deposit: Deposit) -> Totals {
    let mut totals = Totals::default();
    let mut per_rate = [0i64; VatRate::ALL.len()];
    let mut used = [false; VatRate::ALL.len()];
    let mut open_section: Option<(usize, i64)> = None;
    for (index, entry) in entries.iter().enumerate() {
        match entry {
            Entry::Section => {
                if let Some(done) = open_section.take() {
                    totals.sections.push(done);
                }
                open_section = Some((index, 0));
                totals.lines.push(None);
            }
            Entry::Line(line) => {
                let amounts = line_amounts(line);
                totals.gross_ht += amounts.gross;
                totals.discounts += amounts.discount;
                totals.total_ht += amounts.net;
                let slot = rate_slot(line.vat);
                per_rate[slot] += amounts.net;
                used[slot] = true;
                if let Some((_, subtotal)) = open_section.as_mut() {
                    *subtotal += amounts.net;
                }
                totals.lines.push(Some(amounts));
            }
        }
    }
    if let Some(done) = open_section {
        totals.sections.push(done);
    }
    for (slot, rate) in VatRate::ALL.into_iter().enumerate() {
        if used[slot] {
            let base = per_rate[slot];
            let vat = saturate(div_round(base as i128 * rate.basis_points() as i128, 10_000));
            totals.total_vat += vat;
            totals.vat.push(VatLine { rate, base, vat });
        }
    }
    totals.total_ttc = totals.total_ht + totals.total_vat;
    totals.deposit = deposit_amount(deposit, totals.total_ttc);
    totals.balance = totals.total_ttc - totals.deposit;
    totals
}

fn rate_slot(rate: VatRate) -> usize {
    VatRate::ALL.iter().position(|r| *r == rate).unwrap_or(0)
}

fn deposit_amount(deposit: Deposit, ttc: i64) -> i64 {
    let ttc = ttc.max(0);
    match deposit {
        Deposit::None => 0,
        Deposit::Percent(bp) => saturate(div_round(ttc as i128 * bp.clamp(0, 10_000) as i128, 10_000)),
        Deposit::Amount(cents) => cents.clamp(0, ttc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(quantity: i64, unit_price: i64, vat: VatRate, discount: Discount) -> Entry {
        Entry::Line(PricedLine {
            quantity,
            unit_price,
            vat,
            discount,
        })
    }

    #[test]
    fn a_bathroom_quote_at_three_rates() {
        let entries = [
            Entry::Section,
            line(1_000, 45_000, VatRate::Reduced, Discount::None), // heat pump work 450 €
            line(3_500, 4_500, VatRate::Intermediate, Discount::None), // 3,5 h × 45 € = 157,50 €
            Entry::Section,
            line(12_250, 3_999, VatRate::Standard, Discount::Percent(1_000)), // 12,25 m² × 39,99
        ];
        let totals = compute(&entries, Deposit::Percent(3_000));
        // 12,25 × 39,99 = 489,8775 → 489,88; 10 % = 48,988 → 48,99; net 440,89
        assert_eq!(
            totals.lines[4],
            Some(LineAmounts {
                gross: 48_988,
                discount: 4_899,
                net: 44_089
            })
        );
        assert_eq!(totals.sections, vec![(0, 60_750), (3, 44_089)]);
        assert_eq!(totals.total_ht, 104_839);
        assert_eq!(
            totals.vat,
            vec![
                VatLine {
                    rate: VatRate::Reduced,
                    base: 45_000,
                    vat: 2_475
                },
                VatLine {
                    rate: VatRate::Intermediate,
                    base: 15_750,
                    vat: 1_575
                },
                VatLine {
                    rate: VatRate::Standard,
                    base: 44_089,
                    vat: 8_818
                },
            ]
        );
        assert_eq!(totals.total_vat, 12_868);
        assert_eq!(totals.total_ttc, 117_707);
        assert_eq!(totals.deposit, 35_312); // 30 % of 1 177,07 = 353,121
        assert_eq!(totals.balance, 82_395);
    }

    #[test]
    fn vat_is_rounded_per_rate_not_per_line() {
        // Three lines of 0,05 € at 5,5 %: per line 0,00275 → 0 each; per rate 0,15 × 5,5 % = 0,00825 → 0,01.
        let entries = [
            line(1_000, 5, VatRate::Reduced, Discount::None),
            line(1_000, 5, VatRate::Reduced, Discount::None),
            line(1_000, 5, VatRate::Reduced, Discount::None),
        ];
        assert_eq!(compute(&entries, Deposit::None).total_vat, 1);
    }

    #[test]
    fn amount_discounts_and_deposits_are_capped() {
        let totals = compute(
            &[line(1_000, 10_000, VatRate::Zero, Discount::Amount(50_000))],
            Deposit::Amount(1_000_000),
        );
        assert_eq!(totals.total_ht, 0);
        assert_eq!(totals.deposit, 0);
        let empty = compute(&[], Deposit::Percent(3_000));
        assert_eq!(empty.total_ttc, 0);
        assert!(empty.vat.is_empty());
    }

    fn any_rate() -> impl Strategy<Value = VatRate> {
        prop::sample::select(VatRate::ALL.to_vec())
    }

    fn any_discount() -> impl Strategy<Value = Discount> {
        prop_oneof![
            Just(Discount::None),
            (0i64..=10_000).prop_map(Discount::Percent),
            (0i64..10_000_000).prop_map(Discount::Amount),
        ]
    }

    fn any_entry() -> impl Strategy<Value = Entry> {
        prop_oneof![
            1 => Just(Entry::Section),
            6 => (1i64..100_000_000, 0i64..10_000_000, any_rate(), any_discount()).prop_map(
                |(quantity, unit_price, vat, discount)| line(quantity, unit_price, vat, discount)
            ),
        ]
    }

    proptest! {
        #[test]
        fn totals_add_up(entries in prop::collection::vec(any_entry(), 0..60), pct in 0i64..=10_000) {
            let totals = compute(&entries, Deposit::Percent(pct));
            let nets: i64 = totals.lines.iter().flatten().map(|l| l.net).sum();
            prop_assert_eq!(totals.total_ht, nets);
            prop_assert_eq!(totals.gross_ht - totals.discounts, totals.total_ht);
            prop_assert_eq!(totals.vat.iter().map(|v| v.base).sum::<i64>(), totals.total_ht);
            prop_assert_eq!(totals.vat.iter().map(|v| v.vat).sum::<i64>(), totals.total_vat);
            prop_assert_eq!(totals.total_ttc, totals.total_ht + totals.total_vat);
            prop_assert_eq!(totals.deposit + totals.balance, totals.total_ttc);
            prop_assert!(totals.deposit >= 0 && totals.deposit <= totals.total_ttc);
            for l in totals.lines.iter().flatten() {
                prop_assert!(l.net >= 0 && l.discount >= 0 && l.discount <= l.gross);
            }
            // Lines before the first section belong to no subtotal.
            let first = entries.iter().position(|e| matches!(e, Entry::Section)).unwrap_or(entries.len());
            let outside: i64 = totals.lines[..first].iter().flatten().map(|l| l.net).sum();
            prop_assert_eq!(totals.sections.iter().map(|s| s.1).sum::<i64>() + outside, totals.total_ht);
        }

        #[test]
        fn vat_is_within_half_a_cent_of_the_exact_amount(entries in prop::collection::vec(any_entry(), 0..40)) {
            let totals = compute(&entries, Deposit::None);
            for v in &totals.vat {
                let exact = v.base as i128 * v.rate.basis_points() as i128;
                prop_assert!((v.vat as i128 * 10_000 - exact).abs() * 2 <= 10_000);
            }
        }

        #[test]
        fn the_order_of_lines_within_the_body_does_not_change_the_totals(
            mut entries in prop::collection::vec(any_entry(), 0..40)
        ) {
            let before = compute(&entries, Deposit::None);
            entries.reverse();
            let after = compute(&entries, Deposit::None);
            prop_assert_eq!(before.total_ht, after.total_ht);
            prop_assert_eq!(before.vat, after.vat);
            prop_assert_eq!(before.total_ttc, after.total_ttc);
        }
    }
}
