//! Checks of a draft, run by the editor as the user types and again by the
//! server on every save. A draft may be incomplete (autosave keeps whatever
//! is typed); only malformed values are refused. Completeness for sending is
//! the legal check (`domain::quote_check`).

use super::{QuoteDraft, TEMPLATES};
use crate::domain::Email;
use crate::domain::quote_totals::{Deposit, Discount};
use crate::domain::validation::{Phone, postcode};
use crate::error::FieldErrors;

/// Lines a quote may hold.
pub const MAX_LINES: usize = 500;
/// Highest unit price, cents (10 million euros).
pub const MAX_UNIT_PRICE: i64 = 1_000_000_000;
/// Highest quantity, thousandths (9 999 999,999).
pub const MAX_QUANTITY: i64 = 9_999_999_999;

fn too_long(errors: &mut FieldErrors, field: &str, value: &str, max: usize, what: &str) {
    if value.chars().count() > max {
        errors.push(field, format!("{what} : {max} caractères au plus."));
    }
}

/// `YYYY-MM-DD` with a real calendar day.
pub fn is_iso_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (
        parts[0].parse::<u32>(),
        parts[1].parse::<u32>(),
        parts[2].parse::<u32>(),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (2000..=2100).contains(&y) && (1..=days).contains(&d)
}

/// Every malformed value of the draft, at its field (`lines.3.unit_price`…).
pub fn check_draft(draft: &QuoteDraft) -> FieldErrors {
    let mut errors = FieldErrors::new();
    too_long(&mut errors, "title", &draft.title, 120, "Titre");
    let c = &draft.client;
    too_long(&mut errors, "client.name", &c.name, 120, "Nom");
    too_long(&mut errors, "client.company", &c.company, 120, "Société");
    too_long(&mut errors, "client.address", &c.address, 200, "Adresse");
    too_long(&mut errors, "client.city", &c.city, 80, "Ville");
    if !c.email.trim().is_empty() {
        errors.check("client.email", Email::parse(&c.email));
    }
    if !c.phone.trim().is_empty() {
        errors.check("client.phone", Phone::parse(&c.phone));
    }
    if !c.postcode.trim().is_empty() {
        errors.check("client.postcode", postcode(&c.postcode));
    }
    too_long(
        &mut errors,
        "site_address",
        &draft.site_address,
        200,
        "Adresse du chantier",
    );
    too_long(&mut errors, "site_city", &draft.site_city, 80, "Ville du chantier");
    if !draft.site_postcode.trim().is_empty() {
        errors.check("site_postcode", postcode(&draft.site_postcode));
    }
    if draft.lines.len() > MAX_LINES {
        errors.push("lines", format!("{MAX_LINES} lignes au plus."));
    }
    for (i, line) in draft.lines.iter().enumerate() {
        let field = |name: &str| format!("lines.{i}.{name}");
        too_long(
            &mut errors,
            &field("description"),
            &line.description,
            2_000,
            "Désignation",
        );
        if line.section {
            continue;
        }
        if line.quantity <= 0 || line.quantity > MAX_QUANTITY {
            errors.push(
                &field("quantity"),
                "La quantité doit être comprise entre 0,001 et 9 999 999.",
            );
        }
        if line.unit_price < 0 || line.unit_price > MAX_UNIT_PRICE {
            errors.push(
                &field("unit_price"),
                "Le prix unitaire doit être compris entre 0 et 10 000 000 €.",
            );
        }
        match line.discount {
            Discount::Percent(bp) if !(0..=10_000).contains(&bp) => {
                errors.push(&field("discount"), "La remise doit être comprise entre 0 et 100 %.")
            }
            Discount::Amount(cents) if cents < 0 => {
                errors.push(&field("discount"), "La remise ne peut pas être négative.")
            }
            _ => {}
        }
    }
    match draft.deposit {
        Deposit::Percent(bp) if !(0..=10_000).contains(&bp) => {
            errors.push("deposit", "L'acompte doit être compris entre 0 et 100 %.")
        }
        Deposit::Amount(cents) if cents < 0 => errors.push("deposit", "L'acompte ne peut pas être négatif."),
        _ => {}
    }
    if !draft.valid_until.is_empty() && !is_iso_date(&draft.valid_until) {
        errors.push("valid_until", "Date invalide.");
    }
    too_long(
        &mut errors,
        "payment_terms",
        &draft.payment_terms,
        2_000,
        "Conditions de paiement",
    );
    too_long(&mut errors, "notes", &draft.notes, 4_000, "Notes");
    if draft.quote_fee < 0 || draft.quote_fee > MAX_UNIT_PRICE {
        errors.push("quote_fee", "Le prix du devis doit être positif.");
    }
    if !TEMPLATES.iter().any(|(id, _)| *id == draft.template) {
        errors.push("template", "Choisissez un modèle.");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vat::VatRate;
    use crate::quote::{ClientInput, LineInput};

    fn draft() -> QuoteDraft {
        QuoteDraft {
            title: "Salle de bains".into(),
            client: ClientInput::default(),
            deal_id: None,
            site_address: String::new(),
            site_postcode: String::new(),
            site_city: String::new(),
            lines: vec![LineInput::blank(VatRate::Standard)],
            deposit: Deposit::None,
            valid_until: String::new(),
            payment_terms: String::new(),
            notes: String::new(),
            free_quote: true,
            quote_fee: 0,
            template: "modern".into(),
            reminders_enabled: true,
        }
    }

    #[test]
    fn an_incomplete_draft_is_fine() {
        assert!(check_draft(&draft()).is_empty());
    }

    #[test]
    fn malformed_values_are_named_at_their_field() {
        let mut d = draft();
        d.client.email = "claire@".into();
        d.site_postcode = "6900".into();
        d.lines[0].unit_price = -1;
        d.lines[0].discount = Discount::Percent(12_000);
        d.valid_until = "2026-02-30".into();
        let fields: Vec<String> = check_draft(&d).0.into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "client.email",
                "site_postcode",
                "lines.0.unit_price",
                "lines.0.discount",
                "valid_until"
            ]
        );
    }

    #[test]
    fn dates_are_real_calendar_days() {
        assert!(is_iso_date("2028-02-29"));
        assert!(!is_iso_date("2026-02-29"));
        assert!(!is_iso_date("31/12/2026"));
    }
}
