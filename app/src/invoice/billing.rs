//! The building-work billing cycle on a signed quote, as invoice lines (pure:
//! the browser previews with it, the server stores what it returns). Every
//! amount then goes through the quote's totals function, so an invoice's
//! VAT is computed exactly like any other document's.
//!
//! - **Deposit**: one line per VAT rate of the quote, each the deposit's share
//!   of that rate's net amount.
//! - **Progress** (situation): per priced line, the cumulative progress
//!   times the line's net amount, minus what earlier situations billed.
//! - **Final** (solde): every line of the quote, then one deduction line per
//!   earlier invoice and VAT rate (negative quantity, positive price, as
//!   EN 16931 wants), so that the VAT of the final invoice is the VAT of
//!   what is left.
//!
//! HT amounts add up exactly to the quote's. VAT is rounded on each
//! invoice's own base (as the law and EN 16931 compute it), so the TTC of the
//! whole cycle may differ from the quote's TTC by at most one cent per VAT
//! rate and invoice.

use crate::domain::quote_totals::{Discount, Entry, Totals, line_amounts};
use crate::domain::vat::{Unit, VatRate, div_round, format_percent};
use crate::quote::LineInput;

/// An invoice line with what links it to the quote and earlier invoices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BilledLine {
    /// The line as the editor holds it.
    pub line: LineInput,
    /// Index of the quote entry a progress line bills.
    pub quote_entry: Option<usize>,
    /// Cumulative progress of that entry, basis points.
    pub progress_bp: i32,
    /// Index (in the `earlier` slice) of the invoice a deduction takes off.
    pub deducts: Option<usize>,
}

impl BilledLine {
    fn plain(line: LineInput) -> BilledLine {
        BilledLine {
            line,
            quote_entry: None,
            progress_bp: 0,
            deducts: None,
        }
    }
}

/// An invoice issued earlier on the same quote, as the final invoice deducts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Earlier {
    /// Its number.
    pub number: String,
    /// Its issue date, `DD/MM/YYYY`.
    pub issued: String,
    /// Net HT per VAT rate, credit notes against it already subtracted.
    pub net_per_rate: Vec<(VatRate, i64)>,
}

fn flat(description: String, quantity: i64, unit_price: i64, vat: VatRate) -> LineInput {
    LineInput {
        section: false,
        description,
        quantity,
        unit: Unit::Flat,
        unit_price,
        vat,
        discount: Discount::None,
    }
}

fn section(title: &str) -> LineInput {
    LineInput {
        section: true,
        description: title.into(),
        quantity: 0,
        unit: Unit::Flat,
        unit_price: 0,
        vat: VatRate::Zero,
        discount: Discount::None,
    }
}

/// The lines of a deposit of `amount_ttc` cents on a quote with these totals.
pub fn deposit_lines(quote_number: &str, totals: &Totals, amount_ttc: i64) -> Vec<BilledLine> {
    if totals.total_ttc <= 0 {
        return Vec::new();
    }
    let share_bp = div_round(amount_ttc as i128 * 10_000, totals.total_ttc as i128) as i64;
    totals
        .vat
        .iter()
        .filter(|v| v.base != 0)
        .map(|v| {
            let net = div_round(v.base as i128 * amount_ttc as i128, totals.total_ttc as i128) as i64;
            let mut text = format!("Acompte de {} sur le devis {quote_number}", format_percent(share_bp));
            if totals.vat.len() > 1 {
                text.push_str(&format!(" (part à TVA {})", v.rate.label()));
            }
            BilledLine::plain(flat(text, 1_000, net, v.rate))
        })
        .collect()
}

/// Why a progress invoice cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgressError {
    /// Progress must be between 0 and 100 %.
    OutOfRange,
    /// Progress cannot go back below what was already billed.
    BelowPrevious(String),
    /// No line has any progress.
    Nothing,
}

/// The same cumulative progress on every entry.
pub fn uniform(quote_lines: &[LineInput], progress_bp: i32) -> Vec<i32> {
    vec![progress_bp; quote_lines.len()]
}

/// The overall progress of per-line targets, weighted by each line's net HT.
pub fn overall_bp(quote_lines: &[LineInput], targets: &[i32]) -> i32 {
    let mut done: i128 = 0;
    let mut total: i128 = 0;
    for (index, line) in quote_lines.iter().enumerate() {
        if let Entry::Line(priced) = line.entry() {
            let net = line_amounts(&priced).net as i128;
            total += net;
            done += net * targets.get(index).copied().unwrap_or(0) as i128;
        }
    }
    if total == 0 { 0 } else { div_round(done, total) as i32 }
}

/// The lines of a situation at `targets[i]` cumulative progress on entry
/// `i` (the same on every line, or per line; negative: as before),
/// `previous_bp[i]` being what earlier situations reached on it. A line
/// neither started before nor now is left out.
pub fn progress_lines(
    quote_lines: &[LineInput],
    targets: &[i32],
    previous_bp: &[i32],
) -> Result<Vec<BilledLine>, ProgressError> {
    let mut out = Vec::new();
    let mut any = false;
    for (index, line) in quote_lines.iter().enumerate() {
        if line.section {
            out.push(BilledLine::plain(line.clone()));
            continue;
        }
        let before = previous_bp.get(index).copied().unwrap_or(0);
        let progress_bp = match targets.get(index).copied().unwrap_or(0) {
            unchanged if unchanged < 0 => before,
            target => target,
        };
        if progress_bp > 10_000 {
            return Err(ProgressError::OutOfRange);
        }
        if progress_bp < before {
            return Err(ProgressError::BelowPrevious(line.description.clone()));
        }
        if progress_bp == 0 {
            continue;
        }
        any = true;
        let net = match line.entry() {
            Entry::Line(priced) => line_amounts(&priced).net,
            Entry::Section => 0,
        };
        let billed = |bp: i32| div_round(net as i128 * bp as i128, 10_000) as i64;
        let delta = billed(progress_bp) - billed(before);
        // Room for the suffix within a line's 2,000 characters.
        let description: String = line.description.chars().take(1_900).collect();
        let mut text = format!("{description} — avancement {}", format_percent(progress_bp as i64));
        if before > 0 {
            text.push_str(&format!(" (déjà facturé {})", format_percent(before as i64)));
        }
        let (quantity, price) = if delta < 0 { (-1_000, -delta) } else { (1_000, delta) };
        out.push(BilledLine {
            line: flat(text, quantity, price, line.vat),
            quote_entry: Some(index),
            progress_bp,
            deducts: None,
        });
    }
    if !any {
        return Err(ProgressError::Nothing);
    }
    Ok(out)
}

/// The lines of the final invoice: the whole quote, then what was billed
/// before, deducted per invoice and rate.
pub fn final_lines(quote_lines: &[LineInput], earlier: &[Earlier]) -> Vec<BilledLine> {
    let mut out: Vec<BilledLine> = quote_lines.iter().cloned().map(BilledLine::plain).collect();
    if earlier.iter().any(|e| e.net_per_rate.iter().any(|(_, net)| *net != 0)) {
        out.push(BilledLine::plain(section("Déjà facturé")));
    }
    for (index, e) in earlier.iter().enumerate() {
        for (rate, net) in e.net_per_rate.iter().filter(|(_, net)| *net != 0) {
            let (quantity, price) = if *net > 0 { (-1_000, *net) } else { (1_000, -*net) };
            out.push(BilledLine {
                line: flat(
                    format!(
                        "Déduction de la facture {} du {} (TVA {})",
                        e.number,
                        e.issued,
                        rate.label()
                    ),
                    quantity,
                    price,
                    *rate,
                ),
                quote_entry: None,
                progress_bp: 0,
                deducts: Some(index),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::quote_totals::{Deposit, compute};

    fn priced(description: &str, quantity: i64, unit_price: i64, vat: VatRate) -> LineInput {
        LineInput {
            section: false,
            description: description.into(),
            quantity,
            unit: Unit::Piece,
            unit_price,
            vat,
            discount: Discount::None,
        }
    }

    fn totals(lines: &[LineInput]) -> Totals {
        let entries: Vec<Entry> = lines.iter().map(LineInput::entry).collect();
        compute(&entries, Deposit::None)
    }

    fn quote() -> Vec<LineInput> {
        vec![
            section("Salle de bains"),
            priced("Douche à l'italienne", 1_000, 250_000, VatRate::Intermediate),
            priced("Radiateur", 2_000, 33_333, VatRate::Standard),
        ]
    }

    #[test]
    fn a_deposit_splits_by_rate_and_sums_to_the_amount_within_a_cent_per_rate() {
        let t = totals(&quote());
        let amount = div_round(t.total_ttc as i128 * 3_000, 10_000) as i64;
        let lines = deposit_lines("D-2026-0001", &t, amount);
        assert_eq!(lines.len(), 2);
        let dt = totals(&lines.iter().map(|l| l.line.clone()).collect::<Vec<_>>());
        assert!((dt.total_ttc - amount).abs() <= 2, "{} vs {amount}", dt.total_ttc);
        assert!(
            lines[0]
                .line
                .description
                .contains("Acompte de 30\u{a0}% sur le devis D-2026-0001")
        );
    }

    #[test]
    fn situations_bill_the_progress_since_the_last_one() {
        let q = quote();
        let first = progress_lines(&q, &uniform(&q, 3_000), &[]).unwrap();
        let second = progress_lines(&q, &uniform(&q, 7_000), &[0, 3_000, 3_000]).unwrap();
        let all = totals(&q).total_ht;
        let a = totals(&first.iter().map(|l| l.line.clone()).collect::<Vec<_>>()).total_ht;
        let b = totals(&second.iter().map(|l| l.line.clone()).collect::<Vec<_>>()).total_ht;
        let last = progress_lines(&q, &uniform(&q, 10_000), &[0, 7_000, 7_000]).unwrap();
        let c = totals(&last.iter().map(|l| l.line.clone()).collect::<Vec<_>>()).total_ht;
        assert_eq!(a + b + c, all, "three situations bill exactly the quote");
        assert!(second[1].line.description.contains("déjà facturé 30\u{a0}%"));
        assert_eq!(
            progress_lines(&q, &uniform(&q, 2_000), &[0, 3_000, 3_000]),
            Err(ProgressError::BelowPrevious("Douche à l'italienne".into()))
        );
        assert_eq!(progress_lines(&q, &uniform(&q, 0), &[]), Err(ProgressError::Nothing));
        assert_eq!(
            progress_lines(&q, &uniform(&q, 10_001), &[]),
            Err(ProgressError::OutOfRange)
        );
    }

    #[test]
    fn situations_per_line_bill_each_line_at_its_own_progress() {
        let q = quote();
        // Line 1 done, line 2 not started: only line 1 is billed.
        let first = progress_lines(&q, &[0, 10_000, 0], &[]).unwrap();
        let priced: Vec<_> = first.iter().filter(|l| l.quote_entry.is_some()).collect();
        assert_eq!(priced.len(), 1);
        assert_eq!(priced[0].quote_entry, Some(1));
        // Then line 2 at 40 %: line 1 stays (nothing more), line 2 billed.
        let second = progress_lines(&q, &[0, 10_000, 4_000], &[0, 10_000, 0]).unwrap();
        let t = |lines: &[BilledLine]| totals(&lines.iter().map(|l| l.line.clone()).collect::<Vec<_>>()).total_ht;
        let full = totals(&q).total_ht;
        let last = progress_lines(&q, &[0, 10_000, 10_000], &[0, 10_000, 4_000]).unwrap();
        assert_eq!(t(&first) + t(&second) + t(&last), full, "billed exactly once");
        let overall = overall_bp(&q, &[0, 10_000, 0]);
        assert!((1..10_000).contains(&overall), "{overall}");
        assert_eq!(overall_bp(&q, &uniform(&q, 5_000)), 5_000);
    }

    #[test]
    fn the_final_invoice_bills_what_is_left_rate_by_rate() {
        let q = quote();
        let t = totals(&q);
        let deposit = deposit_lines("D-2026-0001", &t, 100_000);
        let dt = totals(&deposit.iter().map(|l| l.line.clone()).collect::<Vec<_>>());
        let earlier = Earlier {
            number: "F-2026-0001".into(),
            issued: "01/12/2026".into(),
            net_per_rate: dt.vat.iter().map(|v| (v.rate, v.base)).collect(),
        };
        let lines = final_lines(&q, &[earlier]);
        let ft = totals(&lines.iter().map(|l| l.line.clone()).collect::<Vec<_>>());
        assert_eq!(ft.total_ht, t.total_ht - dt.total_ht);
        for v in &ft.vat {
            let full = t.vat.iter().find(|x| x.rate == v.rate).unwrap().base;
            let paid = dt.vat.iter().find(|x| x.rate == v.rate).unwrap().base;
            assert_eq!(v.base, full - paid);
        }
        assert!(
            lines
                .iter()
                .filter(|l| l.deducts == Some(0))
                .all(|l| l.line.quantity == -1_000)
        );
    }
}
