//! What a quote PDF prints, fully formatted (French amounts, Paris dates,
//! dynamic fields replaced), so that the renderer only lays it out. The same
//! quote gives the same document, hence the same bytes.

use super::profile::identity;
use super::{LineInput, QuoteDraft, TEMPLATES};
use crate::domain::money::format_eur_exact as format_eur;
use crate::domain::quote_totals::{Deposit, Discount, Totals};
use crate::domain::vat::{VatRate, format_percent, format_quantity};
use crate::infra::entity::business_profile;
use serde::Serialize;

pub use super::ACCEPTANCE;

/// A row of the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocRow {
    /// A section title with its subtotal.
    Section {
        /// Title.
        title: String,
        /// "Sous-total HT : 1 234,00 €".
        subtotal: String,
    },
    /// A priced line.
    Line {
        /// Designation.
        description: String,
        /// "3,5".
        quantity: String,
        /// "h".
        unit: String,
        /// "45,00 €".
        unit_price: String,
        /// "10 %".
        vat: String,
        /// "−10 %" or "−50,00 €", empty when none.
        discount: String,
        /// Net HT.
        total: String,
    },
}

/// The proof printed on a signed copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureBlock {
    /// "Signé électroniquement le 21/11/2026 à 18:05 (heure de Paris) par Claire Dubois".
    pub statement: String,
    /// "Empreinte SHA-256 du devis présenté : …".
    pub fingerprint: String,
    /// The drawn signature, PNG (handed to the renderer as a file).
    #[serde(skip)]
    pub image: Vec<u8>,
}

/// Everything the PDF shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuoteDocument {
    /// Template identifier.
    pub template: String,
    /// Accent colour `#rrggbb`.
    pub accent: String,
    /// "Devis D-2026-0001" (or "Projet de devis" for a draft preview).
    pub heading: String,
    /// "Version 2" when not the first.
    pub version: String,
    /// Stable document identifier (PDF metadata).
    pub ident: String,
    /// "Établi le 21/11/2026".
    pub date: String,
    /// "Valable jusqu'au 21/12/2026".
    pub validity: String,
    /// Title.
    pub title: String,
    /// Seller lines (name, form, address, SIRET, registry, VAT, contact).
    pub seller: Vec<String>,
    /// Insurance statement (building work), empty otherwise.
    pub insurance: String,
    /// Client lines.
    pub client: Vec<String>,
    /// "Adresse du chantier : …", empty when none.
    pub site: String,
    /// Header zone.
    pub header_text: String,
    /// Body rows.
    pub rows: Vec<DocRow>,
    /// ("Total HT", "1 234,00 €"), the discounts, VAT per rate, TTC.
    pub totals: Vec<(String, String)>,
    /// "Acompte à la signature : …" and "Solde : …", empty when no deposit.
    pub deposit: Vec<(String, String)>,
    /// "Devis gratuit" or "Devis payant : 50,00 € TTC".
    pub quote_price: String,
    /// "TVA non applicable, art. 293 B du CGI" when no VAT is charged.
    pub vat_note: String,
    /// Payment terms.
    pub payment_terms: String,
    /// Notes.
    pub notes: String,
    /// Conditions zone.
    pub conditions_text: String,
    /// Footer zone.
    pub footer_text: String,
    /// The acceptance mention.
    pub acceptance: String,
    /// The client's certification for a reduced VAT rate (10 %, 5,5 %) on
    /// housing work, accepted by the signature; empty otherwise.
    pub certification: String,
    /// Present on the signed copy.
    pub signature: Option<SignatureBlock>,
    /// `logo.png` / `logo.jpg` when the business has a logo.
    pub logo_file: String,
    /// The logo's bytes (handed to the renderer as `logo_file`).
    #[serde(skip)]
    pub logo: Vec<u8>,
}

impl QuoteDocument {
    /// Adds the business's logo.
    pub fn with_logo(mut self, logo: Option<(Vec<u8>, &'static str)>) -> QuoteDocument {
        if let Some((bytes, kind)) = logo {
            self.logo_file = format!("logo.{kind}");
            self.logo = bytes;
        }
        self
    }
}

/// Replaces `{client_name}`, `{date}`, `{total}`, `{number}`, `{company}`, `{validity}`.
pub fn fill_fields(text: &str, fields: &[(&str, &str)]) -> String {
    fields.iter().fold(text.to_string(), |acc, (name, value)| {
        acc.replace(&format!("{{{name}}}"), value)
    })
}

fn dmy(date: &str) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => date.to_string(),
    }
}

fn row_of(line: &LineInput, net: i64) -> DocRow {
    DocRow::Line {
        description: line.description.clone(),
        quantity: format_quantity(line.quantity),
        unit: line.unit.label().into(),
        unit_price: format_eur(line.unit_price),
        vat: line.vat.label().into(),
        discount: match line.discount {
            Discount::None | Discount::Percent(0) | Discount::Amount(0) => String::new(),
            Discount::Percent(bp) => format!("−{}", format_percent(bp)),
            Discount::Amount(c) => format!("−{}", format_eur(c)),
        },
        total: format_eur(net),
    }
}

/// The seller's block: name, form, address, SIRET, registry, VAT number, contacts.
pub fn seller_lines(settings: &business_profile::Model) -> Vec<String> {
    let id = identity(settings);
    let mut seller = vec![id.legal_name.clone()];
    if !id.legal_form.is_empty() {
        seller.push(id.legal_form.clone());
    }
    seller.push(id.address.clone());
    seller.push(format!("{} {}", id.postcode, id.city).trim().to_string());
    if !id.siret.is_empty() {
        seller.push(format!("SIRET {}", id.siret));
    }
    if !id.registry.is_empty() {
        seller.push(id.registry.clone());
    }
    if !id.vat_number.is_empty() {
        seller.push(format!("TVA intracommunautaire {}", id.vat_number));
    }
    for contact in [&settings.phone, &settings.email] {
        if !contact.is_empty() {
            seller.push(contact.clone());
        }
    }
    seller.retain(|l| !l.trim().is_empty());
    seller
}

/// The décennale statement of a building business, empty otherwise.
pub fn insurance_statement(settings: &business_profile::Model) -> String {
    let id = identity(settings);
    if id.building_work && !id.insurer.is_empty() {
        format!(
            "Assurance décennale : {}, contrat {} — couverture : {}",
            id.insurer, id.insurance_policy, id.insurance_cover
        )
    } else {
        String::new()
    }
}

/// A body row of a priced line (shared with invoices).
pub fn line_row(line: &LineInput, net: i64) -> DocRow {
    row_of(line, net)
}

/// The body rows with section subtotals (shared with invoices).
pub fn body_rows(lines: &[LineInput], totals: &Totals) -> Vec<DocRow> {
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.section {
            let subtotal = totals
                .sections
                .iter()
                .find(|(at, _)| *at == i)
                .map(|s| s.1)
                .unwrap_or(0);
            rows.push(DocRow::Section {
                title: line.description.clone(),
                subtotal: format!("Sous-total HT : {}", format_eur(subtotal)),
            });
        } else {
            let net = totals.lines.get(i).copied().flatten().map(|a| a.net).unwrap_or(0);
            rows.push(row_of(line, net));
        }
    }
    rows
}

/// The totals block: HT (with discounts), VAT per rate, TTC.
pub fn total_rows(totals: &Totals) -> Vec<(String, String)> {
    let mut sums = Vec::new();
    if totals.discounts > 0 {
        sums.push(("Total HT avant remises".to_string(), format_eur(totals.gross_ht)));
        sums.push(("Remises".to_string(), format!("−{}", format_eur(totals.discounts))));
    }
    sums.push(("Total HT".to_string(), format_eur(totals.total_ht)));
    for v in &totals.vat {
        sums.push((
            format!("TVA {} sur {}", v.rate.label(), format_eur(v.base)),
            format_eur(v.vat),
        ));
    }
    sums.push(("Total TTC".to_string(), format_eur(totals.total_ttc)));
    sums
}

/// `DD/MM/YYYY` from `YYYY-MM-DD`.
pub fn dmy_date(date: &str) -> String {
    dmy(date)
}

/// What to print for a quote. `number` is `None` for a draft preview; `date`
/// is the Paris day of sending (`YYYY-MM-DD`).
pub fn build(
    settings: &business_profile::Model,
    draft: &QuoteDraft,
    totals: &Totals,
    number: Option<&str>,
    version: i32,
    date: &str,
    signature: Option<SignatureBlock>,
) -> QuoteDocument {
    let id = identity(settings);
    let seller = seller_lines(settings);
    let c = &draft.client;
    let client: Vec<String> = [
        c.name.clone(),
        c.company.clone(),
        c.address.clone(),
        format!("{} {}", c.postcode, c.city).trim().to_string(),
        c.email.clone(),
        c.phone.clone(),
    ]
    .into_iter()
    .filter(|l| !l.trim().is_empty())
    .collect();
    let site = if draft.site_address.trim().is_empty() {
        String::new()
    } else {
        format!("{}, {} {}", draft.site_address, draft.site_postcode, draft.site_city)
    };
    let rows = body_rows(&draft.lines, totals);
    let sums = total_rows(totals);
    let deposit = match draft.deposit {
        Deposit::None => Vec::new(),
        d => {
            let label = match d {
                Deposit::Percent(bp) => format!("Acompte à la signature ({})", format_percent(bp)),
                _ => "Acompte à la signature".to_string(),
            };
            vec![
                (label, format_eur(totals.deposit)),
                ("Solde".to_string(), format_eur(totals.balance)),
            ]
        }
    };
    let no_vat = !draft.lines.iter().any(|l| !l.section && l.vat != VatRate::Zero);
    let date_fr = dmy(date);
    let total = format_eur(totals.total_ttc);
    let validity = dmy(&draft.valid_until);
    let fields = [
        ("client_name", c.name.as_str()),
        ("company", id.legal_name.as_str()),
        ("date", date_fr.as_str()),
        ("total", total.as_str()),
        ("number", number.unwrap_or("")),
        ("validity", validity.as_str()),
    ];
    let template = if TEMPLATES.iter().any(|(t, _)| *t == draft.template) {
        draft.template.clone()
    } else {
        "modern".into()
    };
    QuoteDocument {
        template,
        accent: settings.accent_color.clone(),
        heading: number
            .map(|n| format!("Devis {n}"))
            .unwrap_or_else(|| "Projet de devis".into()),
        version: if version > 1 {
            format!("Version {version}")
        } else {
            String::new()
        },
        ident: number
            .map(|n| format!("{n}-v{version}"))
            .unwrap_or_else(|| "projet".into()),
        date: format!("Établi le {date_fr}"),
        validity: if draft.valid_until.is_empty() {
            String::new()
        } else {
            format!("Valable jusqu'au {validity}")
        },
        title: draft.title.clone(),
        seller,
        insurance: insurance_statement(settings),
        client,
        site,
        header_text: fill_fields(&settings.header_text, &fields),
        rows,
        totals: sums,
        deposit,
        quote_price: if draft.free_quote {
            "Devis gratuit".into()
        } else {
            format!("Devis payant : {} TTC", format_eur(draft.quote_fee))
        },
        vat_note: if no_vat {
            "TVA non applicable, art. 293 B du CGI".into()
        } else {
            String::new()
        },
        payment_terms: fill_fields(&draft.payment_terms, &fields),
        notes: fill_fields(&draft.notes, &fields),
        conditions_text: fill_fields(&settings.conditions_text, &fields),
        footer_text: fill_fields(&settings.footer_text, &fields),
        acceptance: ACCEPTANCE.into(),
        certification: if id.building_work
            && draft
                .lines
                .iter()
                .any(|l| !l.section && matches!(l.vat, VatRate::Reduced | VatRate::Intermediate))
        {
            crate::invoice::REDUCED_RATE_CERTIFICATION.into()
        } else {
            String::new()
        },
        signature,
        logo_file: String::new(),
        logo: Vec::new(),
    }
}
