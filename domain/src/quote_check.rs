//! The legal check run before a quote leaves: every mandatory mention of a
//! French quote (building-work rules: arrêté du 24 janvier 2017, Code de la
//! consommation) that is missing. Sending is refused while the list is not
//! empty; the editor shows the same list, each item pointing at its field.

use super::vat::{Unit, VatRate};
use serde::{Deserialize, Serialize};

/// The business's legal identity and insurance, from its settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalIdentity {
    /// Legal name ("Plomberie Martin SARL").
    pub legal_name: String,
    /// Legal form ("SARL", "EI", "SAS"…).
    pub legal_form: String,
    /// SIRET (14 digits).
    pub siret: String,
    /// Registration: "RCS Lyon 123 456 789" or "RM 69".
    pub registry: String,
    /// Intra-community VAT number (not needed when no VAT is charged).
    pub vat_number: String,
    /// Head-office address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// Building work: insurer and site address become mandatory.
    pub building_work: bool,
    /// Décennale insurer.
    pub insurer: String,
    /// Policy number.
    pub insurance_policy: String,
    /// Geographic cover ("France métropolitaine").
    pub insurance_cover: String,
}

/// What the check looks at in one body entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedLine<'a> {
    /// Section title.
    pub section: bool,
    /// Description.
    pub description: &'a str,
    /// Thousandths.
    pub quantity: i64,
    /// Unit.
    pub unit: Unit,
    /// VAT rate.
    pub vat: VatRate,
}

/// What the check looks at in a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedQuote<'a> {
    /// Client name.
    pub client_name: &'a str,
    /// Client email (where it is sent).
    pub client_email: &'a str,
    /// Client address, postcode, city.
    pub client_address: [&'a str; 3],
    /// Site address, postcode, city.
    pub site_address: [&'a str; 3],
    /// Body.
    pub lines: Vec<CheckedLine<'a>>,
    /// `YYYY-MM-DD`, empty when not set.
    pub valid_until: &'a str,
    /// Today, `YYYY-MM-DD` (Paris).
    pub today: &'a str,
}

/// A missing mention: the field to fix and what to write there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    /// Form field (`client.email`, `site_address`, `lines`…) or `settings.<field>`
    /// for the business's identity.
    pub field: String,
    /// What to do, in French.
    pub message: String,
}

fn missing(field: &str, message: &str) -> Missing {
    Missing {
        field: field.into(),
        message: message.into(),
    }
}

fn blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// A SIRET is 14 digits passing the Luhn check (La Poste's 356 000 000
/// establishments use a digit-sum rule instead).
pub fn siret_is_valid(siret: &str) -> bool {
    let digits: Vec<u32> = siret
        .chars()
        .filter(|c| !c.is_whitespace())
        .filter_map(|c| c.to_digit(10))
        .collect();
    if digits.len() != 14 || siret.chars().filter(|c| !c.is_whitespace()).count() != 14 {
        return false;
    }
    if siret.replace(' ', "").starts_with("356000000") {
        return digits.iter().sum::<u32>().is_multiple_of(5);
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                *d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The seller's mentions (identity, VAT number when VAT is charged, décennale
/// insurance for building work): shared by the quote and the invoice checks.
pub fn seller_mentions(identity: &LegalIdentity, charges_vat: bool) -> Vec<Missing> {
    let mut out = Vec::new();
    if blank(&identity.legal_name) {
        out.push(missing(
            "settings.legal_name",
            "Renseignez la raison sociale de l'entreprise.",
        ));
    }
    if blank(&identity.legal_form) {
        out.push(missing(
            "settings.legal_form",
            "Renseignez la forme juridique (EI, SARL, SAS…).",
        ));
    }
    if blank(&identity.address) || blank(&identity.postcode) || blank(&identity.city) {
        out.push(missing("settings.address", "Renseignez l'adresse du siège."));
    }
    if !siret_is_valid(&identity.siret) {
        out.push(missing("settings.siret", "Renseignez un SIRET valide (14 chiffres)."));
    }
    if blank(&identity.registry) {
        out.push(missing(
            "settings.registry",
            "Renseignez l'immatriculation (RCS ou RM).",
        ));
    }
    if charges_vat && blank(&identity.vat_number) {
        out.push(missing(
            "settings.vat_number",
            "Renseignez le numéro de TVA intracommunautaire.",
        ));
    }
    if identity.building_work
        && (blank(&identity.insurer) || blank(&identity.insurance_policy) || blank(&identity.insurance_cover))
    {
        out.push(missing(
            "settings.insurer",
            "Renseignez l'assurance décennale : assureur, numéro de contrat et couverture géographique.",
        ));
    }
    out
}

/// Every missing mandatory mention, in the order of the document.
pub fn missing_mentions(identity: &LegalIdentity, quote: &CheckedQuote<'_>) -> Vec<Missing> {
    let charges_vat = quote.lines.iter().any(|l| !l.section && l.vat != VatRate::Zero);
    let mut out = seller_mentions(identity, charges_vat);
    if blank(quote.client_name) {
        out.push(missing("client.name", "Indiquez le nom du client."));
    }
    if blank(quote.client_email) {
        out.push(missing(
            "client.email",
            "Indiquez l'email du client : le devis lui est envoyé.",
        ));
    }
    if quote.client_address.iter().any(|p| blank(p)) {
        out.push(missing("client.address", "Indiquez l'adresse complète du client."));
    }
    if identity.building_work && quote.site_address.iter().any(|p| blank(p)) {
        out.push(missing("site_address", "Indiquez l'adresse du chantier."));
    }
    let priced: Vec<&CheckedLine<'_>> = quote.lines.iter().filter(|l| !l.section).collect();
    if priced.is_empty() {
        out.push(missing("lines", "Ajoutez au moins une ligne chiffrée."));
    } else if priced.iter().any(|l| blank(l.description) || l.quantity <= 0) {
        out.push(missing(
            "lines",
            "Chaque ligne doit avoir une désignation et une quantité.",
        ));
    }
    if identity.building_work && !priced.is_empty() {
        if !priced.iter().any(|l| l.unit == Unit::Hour) {
            out.push(missing(
                "lines",
                "Indiquez le taux horaire de main-d'œuvre (une ligne en heures).",
            ));
        }
        if !priced
            .iter()
            .any(|l| l.description.to_lowercase().contains("déplacement"))
        {
            out.push(missing(
                "lines",
                "Indiquez les frais de déplacement (une ligne « Déplacement », même à 0 €).",
            ));
        }
    }
    if blank(quote.valid_until) {
        out.push(missing("valid_until", "Indiquez la date de fin de validité."));
    } else if quote.valid_until < quote.today {
        out.push(missing("valid_until", "La date de validité est passée."));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> LegalIdentity {
        LegalIdentity {
            legal_name: "Plomberie Martin".into(),
            legal_form: "SARL".into(),
            siret: "732 829 320 00074".into(),
            registry: "RCS Lyon 732 829 320".into(),
            vat_number: "FR44732829320".into(),
            address: "12 rue des Lilas".into(),
            postcode: "69003".into(),
            city: "Lyon".into(),
            building_work: true,
            insurer: "MAAF Pro".into(),
            insurance_policy: "DEC-123456".into(),
            insurance_cover: "France métropolitaine".into(),
        }
    }

    fn line(description: &str, unit: Unit, vat: VatRate) -> CheckedLine<'_> {
        CheckedLine {
            section: false,
            description,
            quantity: 1_000,
            unit,
            vat,
        }
    }

    fn quote<'a>(lines: Vec<CheckedLine<'a>>) -> CheckedQuote<'a> {
        CheckedQuote {
            client_name: "Claire Dubois",
            client_email: "claire@example.fr",
            client_address: ["3 place Bellecour", "69002", "Lyon"],
            site_address: ["3 place Bellecour", "69002", "Lyon"],
            lines,
            valid_until: "2026-12-31",
            today: "2026-11-21",
        }
    }

    #[test]
    fn a_complete_building_quote_passes() {
        let lines = vec![
            line("Main-d'œuvre plombier", Unit::Hour, VatRate::Intermediate),
            line("Déplacement", Unit::Flat, VatRate::Intermediate),
        ];
        assert_eq!(missing_mentions(&identity(), &quote(lines)), vec![]);
    }

    #[test]
    fn each_missing_mention_is_named_with_its_field() {
        let mut id = identity();
        id.insurer.clear();
        id.siret = "73282932000075".into();
        let mut q = quote(vec![line("Chauffe-eau", Unit::Piece, VatRate::Standard)]);
        q.site_address = ["", "", ""];
        q.valid_until = "2026-11-01";
        let fields: Vec<String> = missing_mentions(&id, &q).into_iter().map(|m| m.field).collect();
        assert_eq!(
            fields,
            [
                "settings.siret",
                "settings.insurer",
                "site_address",
                "lines",
                "lines",
                "valid_until"
            ]
        );
    }

    #[test]
    fn no_vat_number_needed_when_no_vat_is_charged() {
        let mut id = identity();
        id.vat_number.clear();
        id.building_work = false;
        let q = quote(vec![line("Séance de coaching", Unit::Hour, VatRate::Zero)]);
        assert_eq!(missing_mentions(&id, &q), vec![]);
    }

    #[test]
    fn sirets_are_checked_with_luhn() {
        assert!(siret_is_valid("73282932000074"));
        assert!(siret_is_valid("732 829 320 00074"));
        assert!(!siret_is_valid("73282932000075"));
        assert!(!siret_is_valid("7328293200007"));
        assert!(!siret_is_valid("7328293200007A"));
    }
}
