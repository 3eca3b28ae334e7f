//! Checks of an invoice draft, run in the browser as the user types and again
//! by the server on every save. A draft may be incomplete; only malformed
//! values are refused. Completeness for issuing is the legal check
//! (`domain::invoice_check`).

use super::InvoiceDraft;
use crate::domain::Email;
use crate::domain::invoice_check::siren_is_valid;
use crate::domain::quote_totals::Discount;
use crate::domain::validation::postcode;
use crate::error::FieldErrors;
use crate::quote::validate::{MAX_LINES, MAX_QUANTITY, MAX_UNIT_PRICE, is_iso_date};

fn too_long(errors: &mut FieldErrors, field: &str, value: &str, max: usize, what: &str) {
    if value.chars().count() > max {
        errors.push(field, format!("{what} : {max} caractères au plus."));
    }
}

/// Every malformed value of the draft, at its field (`lines.3.unit_price`…).
pub fn check_draft(draft: &InvoiceDraft) -> FieldErrors {
    let mut errors = FieldErrors::new();
    too_long(&mut errors, "title", &draft.title, 120, "Titre");
    let c = &draft.client;
    too_long(&mut errors, "client.name", &c.name, 120, "Nom");
    too_long(&mut errors, "client.company", &c.company, 120, "Société");
    too_long(&mut errors, "client.address", &c.address, 200, "Adresse");
    too_long(&mut errors, "client.city", &c.city, 80, "Ville");
    too_long(&mut errors, "client.vat_number", &c.vat_number, 20, "N° de TVA");
    if !c.email.trim().is_empty() {
        errors.check("client.email", Email::parse(&c.email));
    }
    if !c.postcode.trim().is_empty() {
        errors.check("client.postcode", postcode(&c.postcode));
    }
    if !c.siren.trim().is_empty() && !siren_is_valid(&c.siren) {
        errors.push("client.siren", "SIREN invalide : 9 chiffres (vérifiez la saisie).");
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
    if !matches!(draft.holdback_bp, 0 | 500) {
        errors.push("holdback_bp", "La retenue de garantie est de 5 % ou aucune.");
    }
    if !draft.supply_date.is_empty() && !is_iso_date(&draft.supply_date) {
        errors.push("supply_date", "Date invalide.");
    }
    if !(0..=60).contains(&draft.due_days) {
        errors.push("due_days", "Entre 0 et 60 jours (art. L441-10 du Code de commerce).");
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
        // A negative quantity is a deduction (of an earlier invoice).
        if line.quantity == 0 || line.quantity.abs() > MAX_QUANTITY {
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
    for (field, value, what) in [
        ("payment_terms", &draft.payment_terms, "Conditions de paiement"),
        ("late_penalty", &draft.late_penalty, "Pénalités de retard"),
        ("early_discount", &draft.early_discount, "Escompte"),
    ] {
        too_long(&mut errors, field, value, 2_000, what);
    }
    too_long(&mut errors, "notes", &draft.notes, 4_000, "Notes");
    errors
}
