//! What an invoice PDF prints (formatted, like the quote's document, with
//! the same body and totals rows) and the Factur-X data embedded in it. Both
//! come from the same stored invoice, so the picture and the XML agree.

use super::{InvoiceKind, InvoiceStatus, Operation, RECOVERY_INDEMNITY, REDUCED_RATE_CERTIFICATION, REVERSE_CHARGE};
use crate::domain::money::format_eur_exact as format_eur;
use crate::domain::quote_totals::Totals;
use crate::domain::vat::{Unit, VatRate, format_percent};
use crate::infra::entity::{business_profile, invoice, invoice_settings};
use crate::quote::LineInput;
use crate::quote::document::{DocRow, body_rows, dmy_date, fill_fields, insurance_statement, seller_lines, total_rows};
use crate::quote::profile::identity;
use chrono::NaiveDate;
use serde::Serialize;

/// Everything the invoice PDF shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvoiceDocument {
    /// Accent colour `#rrggbb`.
    pub accent: String,
    /// "Facture F-2026-0001", "Avoir A-2026-0001", "Projet de facture".
    pub heading: String,
    /// Stable identifier (PDF metadata).
    pub ident: String,
    /// "Émise le 30/11/2026".
    pub date: String,
    /// Dates and references under the heading.
    pub facts: Vec<String>,
    /// Title.
    pub title: String,
    /// Seller lines.
    pub seller: Vec<String>,
    /// Insurance statement (building work).
    pub insurance: String,
    /// Client lines.
    pub client: Vec<String>,
    /// "Adresse du chantier : …", empty when none.
    pub site: String,
    /// Body rows.
    pub rows: Vec<DocRow>,
    /// HT, VAT per rate, TTC.
    pub totals: Vec<(String, String)>,
    /// Holdback, payments, net to pay.
    pub settlement: Vec<(String, String)>,
    /// Legal mentions (nature of the operation, VAT option, reverse charge…).
    pub mentions: Vec<String>,
    /// Payment: terms, due date, account, penalties, indemnity, discount.
    pub payment: Vec<String>,
    /// Notes.
    pub notes: String,
    /// Footer zone.
    pub footer_text: String,
    /// `logo.png` / `logo.jpg` when the business has a logo.
    pub logo_file: String,
    /// The logo's bytes.
    #[serde(skip)]
    pub logo: Vec<u8>,
    /// The issue day (PDF/A needs a document date; the same day gives the same bytes).
    #[serde(skip)]
    pub day: (i32, u8, u8),
}

/// The stored invoice with what its documents need around it.
pub struct Source<'a> {
    /// The row.
    pub invoice: &'a invoice::Model,
    /// Its body.
    pub lines: &'a [LineInput],
    /// Its totals.
    pub totals: &'a Totals,
    /// The business.
    pub profile: &'a business_profile::Model,
    /// The invoicing settings.
    pub settings: &'a invoice_settings::Model,
    /// The quote it bills: number and signature day (`YYYY-MM-DD`).
    pub quote: Option<(String, String)>,
    /// The invoice a credit note corrects: number and issue day.
    pub corrects: Option<(String, NaiveDate)>,
    /// The day it is issued (today for a preview).
    pub issued: NaiveDate,
}

fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn due_day(src: &Source<'_>) -> NaiveDate {
    src.invoice
        .due_date
        .unwrap_or(src.issued + chrono::TimeDelta::days(src.invoice.due_days.max(0) as i64))
}

fn is_business(m: &invoice::Model) -> bool {
    !m.client_company.trim().is_empty()
}

fn reduced_rate(lines: &[LineInput]) -> bool {
    lines
        .iter()
        .any(|l| !l.section && matches!(l.vat, VatRate::Reduced | VatRate::Intermediate))
}

fn no_vat(lines: &[LineInput]) -> bool {
    !lines.iter().any(|l| !l.section && l.vat != VatRate::Zero)
}

fn heading(m: &invoice::Model) -> String {
    match (&m.number, m.kind) {
        (None, InvoiceKind::CreditNote) => "Projet d'avoir".into(),
        (None, _) => "Projet de facture".into(),
        (Some(n), InvoiceKind::CreditNote) => format!("Avoir {n}"),
        (Some(n), InvoiceKind::Standalone) => format!("Facture {n}"),
        (Some(n), kind) => format!("{} {n}", kind.label()),
    }
}

/// The mentions the law asks for on this invoice, in print order.
pub fn mentions(src: &Source<'_>) -> Vec<String> {
    let m = src.invoice;
    let mut out = vec![format!("Nature de l'opération : {}.", m.operation.label())];
    if m.reverse_charge {
        out.push(REVERSE_CHARGE.into());
    } else if no_vat(src.lines) {
        out.push("TVA non applicable, art. 293 B du CGI.".into());
    } else if m.vat_on_debits {
        out.push("Option pour le paiement de la TVA d'après les débits.".into());
    } else if m.operation != Operation::Goods {
        out.push("TVA exigible à l'encaissement.".into());
    }
    if reduced_rate(src.lines) && m.reduced_rate_certified {
        out.push(REDUCED_RATE_CERTIFICATION.into());
    }
    out
}

/// The payment block (terms, due date, account, penalties, indemnity, discount).
pub fn payment_lines(src: &Source<'_>) -> Vec<String> {
    let m = src.invoice;
    if m.kind == InvoiceKind::CreditNote {
        return vec!["Montant à rembourser au client ou à déduire de sa prochaine facture.".into()];
    }
    let mut out = Vec::new();
    if !m.payment_terms.is_empty() {
        out.push(m.payment_terms.clone());
    }
    out.push(format!("Échéance : {}.", dmy_date(&iso(due_day(src)))));
    if !src.settings.iban.is_empty() {
        let mut account = format!("IBAN {}", src.settings.iban);
        if !src.settings.bic.is_empty() {
            account.push_str(&format!(" — BIC {}", src.settings.bic));
        }
        out.push(account);
    }
    out.push(m.late_penalty.clone());
    if is_business(m) {
        out.push(RECOVERY_INDEMNITY.into());
    }
    out.push(m.early_discount.clone());
    out
}

/// The PDF's content.
pub fn build(src: &Source<'_>) -> InvoiceDocument {
    let m = src.invoice;
    let issued = iso(src.issued);
    let mut facts = Vec::new();
    let supply = m.supply_date.unwrap_or(src.issued);
    facts.push(format!(
        "Date de la prestation ou de la livraison : {}",
        dmy_date(&iso(supply))
    ));
    if m.kind != InvoiceKind::CreditNote {
        facts.push(format!("Échéance : {}", dmy_date(&iso(due_day(src)))));
    }
    if let Some((number, signed)) = &src.quote {
        facts.push(format!("Devis {number} signé le {}", dmy_date(signed)));
    }
    if let Some((number, day)) = &src.corrects {
        facts.push(format!("Avoir sur la facture {number} du {}", dmy_date(&iso(*day))));
    }
    if m.kind == InvoiceKind::Progress && m.progress_bp > 0 {
        facts.push(format!("Avancement cumulé : {}", format_percent(m.progress_bp as i64)));
    }
    let client: Vec<String> = [
        m.client_company.clone(),
        m.client_name.clone(),
        m.client_address.clone(),
        format!("{} {}", m.client_postcode, m.client_city).trim().to_string(),
        if m.client_siren.is_empty() {
            String::new()
        } else {
            format!("SIREN {}", m.client_siren)
        },
        if m.client_vat_number.is_empty() {
            String::new()
        } else {
            format!("TVA {}", m.client_vat_number)
        },
        m.client_email.clone(),
    ]
    .into_iter()
    .filter(|l| !l.trim().is_empty())
    .collect();
    let site = if m.site_address.trim().is_empty() {
        String::new()
    } else {
        format!(
            "Adresse du chantier : {}, {} {}",
            m.site_address, m.site_postcode, m.site_city
        )
    };
    let mut settlement = Vec::new();
    if m.holdback_cents > 0 || (m.number.is_none() && m.holdback_bp > 0) {
        let held = if m.number.is_some() {
            m.holdback_cents
        } else {
            crate::domain::vat::div_round(src.totals.total_ttc as i128 * m.holdback_bp as i128, 10_000) as i64
        };
        settlement.push((
            format!(
                "Retenue de garantie {} (libérable un an après la réception)",
                format_percent(m.holdback_bp as i64)
            ),
            format!("−{}", format_eur(held)),
        ));
        settlement.push(("Net à payer".into(), format_eur(src.totals.total_ttc - held)));
    }
    InvoiceDocument {
        accent: src.profile.accent_color.clone(),
        heading: heading(m),
        ident: m.number.clone().unwrap_or_else(|| "projet".into()),
        date: if m.number.is_some() {
            format!("Émise le {}", dmy_date(&issued))
        } else {
            format!("Aperçu du {}", dmy_date(&issued))
        },
        facts,
        title: m.title.clone(),
        seller: seller_lines(src.profile),
        insurance: insurance_statement(src.profile),
        client,
        site,
        rows: body_rows(src.lines, src.totals),
        totals: total_rows(src.totals),
        settlement,
        mentions: mentions(src),
        payment: payment_lines(src),
        notes: m.notes.clone(),
        footer_text: fill_fields(
            &src.profile.footer_text,
            &[
                ("client_name", m.client_name.as_str()),
                ("company", src.profile.legal_name.as_str()),
                ("number", m.number.as_deref().unwrap_or("")),
                ("date", dmy_date(&issued).as_str()),
                ("total", format_eur(src.totals.total_ttc).as_str()),
                ("validity", ""),
            ],
        ),
        logo_file: String::new(),
        logo: Vec::new(),
        day: (
            chrono::Datelike::year(&src.issued),
            chrono::Datelike::month(&src.issued) as u8,
            chrono::Datelike::day(&src.issued) as u8,
        ),
    }
}

impl InvoiceDocument {
    /// Adds the business's logo.
    pub fn with_logo(mut self, logo: Option<(Vec<u8>, &'static str)>) -> InvoiceDocument {
        if let Some((bytes, kind)) = logo {
            self.logo_file = format!("logo.{kind}");
            self.logo = bytes;
        }
        self
    }
}

fn unit_code(unit: Unit) -> &'static str {
    match unit {
        Unit::Piece => "C62",
        Unit::Hour => "HUR",
        Unit::SquareMetre => "MTK",
        Unit::LinearMetre => "MTR",
        Unit::Kilogram => "KGM",
        Unit::Flat => "LS",
    }
}

fn digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// The EN 16931 data of the invoice (embedded as `factur-x.xml`).
pub fn facturx(src: &Source<'_>) -> facturx::Invoice {
    use facturx::{Address, Endpoint, Note, Party, VatCategory};
    let m = src.invoice;
    let id = identity(src.profile);
    let category = |rate: VatRate| {
        if m.reverse_charge {
            VatCategory::ReverseCharge
        } else if rate == VatRate::Zero {
            VatCategory::Franchise
        } else {
            VatCategory::Standard(rate.basis_points())
        }
    };
    let lines: Vec<facturx::Line> = src
        .lines
        .iter()
        .zip(&src.totals.lines)
        .filter(|(l, _)| !l.section)
        .filter_map(|(l, amounts)| {
            let a = (*amounts)?;
            Some(facturx::Line {
                name: l.description.clone(),
                quantity: l.quantity,
                unit_code: unit_code(l.unit),
                unit_price: l.unit_price,
                allowance: a.discount,
                net: a.net,
                vat: category(l.vat),
            })
        })
        .collect();
    let vat_breakdown = src
        .totals
        .vat
        .iter()
        .map(|v| facturx::VatSubtotal {
            category: category(v.rate),
            basis: v.base,
            amount: v.vat,
        })
        .collect();
    let seller_siren: String = digits(&id.siret).chars().take(9).collect();
    let business = is_business(m);
    let mut notes = vec![
        Note {
            subject: "PMD",
            content: m.late_penalty.clone(),
        },
        Note {
            subject: "PMT",
            content: if business {
                RECOVERY_INDEMNITY.into()
            } else {
                "Indemnité forfaitaire de 40 € pour frais de recouvrement : due par les seuls clients professionnels."
                    .into()
            },
        },
        Note {
            subject: "AAB",
            content: m.early_discount.clone(),
        },
    ];
    for mention in mentions(src) {
        notes.push(Note {
            subject: "AAI",
            content: mention,
        });
    }
    let insurance = insurance_statement(src.profile);
    if !insurance.is_empty() {
        notes.push(Note {
            subject: "AAI",
            content: insurance,
        });
    }
    if m.holdback_cents > 0 {
        notes.push(Note {
            subject: "AAI",
            content: format!(
                "Retenue de garantie de {} ({}) retenue par le client, libérable un an après la réception.",
                format_percent(m.holdback_bp as i64),
                format_eur(m.holdback_cents)
            ),
        });
    }
    if !m.notes.is_empty() {
        notes.push(Note {
            subject: "AAI",
            content: m.notes.clone(),
        });
    }
    let site = (!m.site_address.trim().is_empty()
        && (m.site_address.trim() != m.client_address.trim() || m.site_postcode != m.client_postcode))
        .then(|| Address {
            line: m.site_address.clone(),
            postcode: m.site_postcode.clone(),
            city: m.site_city.clone(),
            country: "FR".into(),
        });
    let after_deposit = m.kind == InvoiceKind::Final && src.lines.iter().any(|l| !l.section && l.quantity < 0);
    let credit_note = m.kind == InvoiceKind::CreditNote;
    facturx::Invoice {
        number: m.number.clone().unwrap_or_else(|| "PROJET".into()),
        document_type: match m.kind {
            InvoiceKind::CreditNote => facturx::DocumentType::CreditNote,
            InvoiceKind::Deposit => facturx::DocumentType::Prepayment,
            _ => facturx::DocumentType::Invoice,
        },
        issued: src.issued,
        process: match m.operation {
            Operation::Goods => facturx::Operation::Goods,
            Operation::Services => facturx::Operation::Services,
            Operation::Mixed => facturx::Operation::Mixed,
        }
        .process_code(after_deposit),
        b2b: business,
        notes,
        seller: Party {
            name: id.legal_name.clone(),
            siren: Some(seller_siren.clone()),
            vat_number: (!id.vat_number.is_empty()).then(|| id.vat_number.replace(' ', "")),
            legal_info: Some(format!("{} — {}", id.legal_form, id.registry)),
            address: Address {
                line: id.address.clone(),
                postcode: id.postcode.clone(),
                city: id.city.clone(),
                country: "FR".into(),
            },
            endpoint: Some(Endpoint::Siren(seller_siren)),
        },
        buyer: Party {
            name: if business {
                m.client_company.clone()
            } else {
                m.client_name.clone()
            },
            siren: business.then(|| digits(&m.client_siren)),
            vat_number: (!m.client_vat_number.is_empty()).then(|| m.client_vat_number.clone()),
            legal_info: None,
            address: Address {
                line: m.client_address.clone(),
                postcode: m.client_postcode.clone(),
                city: m.client_city.clone(),
                country: "FR".into(),
            },
            endpoint: Some(if business {
                // The directory's address when it was looked up (scheme 0225
                // takes the SIREN or a SIREN with a suffix).
                if m.client_einvoice_address.is_empty() {
                    Endpoint::Siren(digits(&m.client_siren))
                } else {
                    Endpoint::Siren(m.client_einvoice_address.clone())
                }
            } else {
                Endpoint::Email(m.client_email.clone())
            }),
        },
        delivery_address: site,
        delivered: Some(m.supply_date.unwrap_or(src.issued)),
        vat_on_debits: m.vat_on_debits,
        payment: (!src.settings.iban.is_empty() && !credit_note).then(|| facturx::CreditTransfer {
            iban: src.settings.iban.clone(),
            bic: (!src.settings.bic.is_empty()).then(|| src.settings.bic.clone()),
        }),
        payment_terms: if credit_note {
            "Montant à rembourser au client ou à déduire de sa prochaine facture.".into()
        } else {
            m.payment_terms.clone()
        },
        due_date: (!credit_note).then(|| due_day(src)),
        preceding: src.corrects.as_ref().map(|(number, day)| facturx::Reference {
            number: number.clone(),
            issued: *day,
        }),
        lines,
        vat_breakdown,
        totals: facturx::Totals {
            net: src.totals.total_ht,
            vat: src.totals.total_vat,
            gross: src.totals.total_ttc,
            prepaid: 0,
            due: src.totals.total_ttc,
        },
    }
}

/// The status an invoice shows on `today`: overdue once past its due date
/// with money still owed.
pub fn shown_status(m: &invoice::Model, today: NaiveDate) -> InvoiceStatus {
    match m.due_date {
        Some(due) if m.status.awaits_payment() && due < today && m.kind != InvoiceKind::CreditNote => {
            InvoiceStatus::Overdue
        }
        _ => m.status,
    }
}
