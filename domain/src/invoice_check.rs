//! The legal check run before an invoice is issued: every mandatory mention
//! of a French invoice (CGI art. 242 nonies A, Code de commerce L441-9 and
//! L441-10, the e-invoicing reform's new mentions) that is missing. Issuing is
//! refused while the list is not empty; the invoice page shows the same list,
//! each item pointing at its field or setting.

use super::quote_check::{LegalIdentity, Missing, seller_mentions};
use super::vat::VatRate;

/// What the check looks at in one priced line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckedLine<'a> {
    /// Description.
    pub description: &'a str,
    /// Thousandths (a deduction is negative).
    pub quantity: i64,
    /// VAT rate.
    pub vat: VatRate,
}

/// What the check looks at in an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedInvoice<'a> {
    /// A credit note (no due date, no payment mentions needed on the lines).
    pub credit_note: bool,
    /// Client name.
    pub client_name: &'a str,
    /// Client email (where it is sent).
    pub client_email: &'a str,
    /// Client address, postcode, city.
    pub client_address: [&'a str; 3],
    /// A business client (company name given).
    pub business_client: bool,
    /// The client's SIREN.
    pub client_siren: &'a str,
    /// Site or delivery address, postcode, city.
    pub site_address: [&'a str; 3],
    /// Priced lines (section titles left out).
    pub lines: Vec<CheckedLine<'a>>,
    /// Subcontracting without VAT.
    pub reverse_charge: bool,
    /// The client certified the reduced-rate conditions.
    pub reduced_rate_certified: bool,
    /// Payment terms.
    pub payment_terms: &'a str,
    /// Days from issue to the due date.
    pub due_days: i32,
    /// Late-payment penalties.
    pub late_penalty: &'a str,
    /// Early-payment discount or its absence.
    pub early_discount: &'a str,
    /// The TTC is negative (a final invoice deducting more than it bills).
    pub negative_total: bool,
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

/// A SIREN: 9 digits passing the Luhn check (La Poste's 356 000 000 is the
/// one known exception).
pub fn siren_is_valid(siren: &str) -> bool {
    let compact: String = siren.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() != 9 || !compact.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = compact
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| match (i % 2, d * 2) {
            (1, x) if x > 9 => x - 9,
            (1, x) => x,
            _ => d,
        })
        .sum();
    compact == "356000000" || sum.is_multiple_of(10)
}

/// Every missing mandatory mention, in the order of the document.
pub fn missing_mentions(identity: &LegalIdentity, inv: &CheckedInvoice<'_>) -> Vec<Missing> {
    let charges_vat = inv.lines.iter().any(|l| l.vat != VatRate::Zero);
    let mut out = seller_mentions(identity, charges_vat || inv.reverse_charge);
    if blank(inv.client_name) {
        out.push(missing("client.name", "Indiquez le nom du client."));
    }
    if blank(inv.client_email) {
        out.push(missing(
            "client.email",
            "Indiquez l'email du client : la facture lui est envoyée.",
        ));
    }
    if inv.client_address.iter().any(|p| blank(p)) {
        out.push(missing("client.address", "Indiquez l'adresse complète du client."));
    }
    if inv.business_client && !siren_is_valid(inv.client_siren) {
        out.push(missing(
            "client.siren",
            "Client professionnel : indiquez son SIREN (9 chiffres), obligatoire depuis la réforme de la facturation électronique.",
        ));
    }
    if identity.building_work && inv.site_address.iter().any(|p| blank(p)) {
        out.push(missing(
            "site_address",
            "Indiquez l'adresse du chantier (lieu de la prestation).",
        ));
    }
    if inv.lines.is_empty() {
        out.push(missing("lines", "Ajoutez au moins une ligne chiffrée."));
    } else if inv.lines.iter().any(|l| blank(l.description) || l.quantity == 0) {
        out.push(missing(
            "lines",
            "Chaque ligne doit avoir une désignation et une quantité.",
        ));
    }
    if inv.negative_total {
        out.push(missing(
            "lines",
            "Le total serait négatif : ce qui a déjà été facturé dépasse le devis. Émettez un avoir plutôt.",
        ));
    }
    if inv.reverse_charge {
        if inv.lines.iter().any(|l| l.vat != VatRate::Zero) {
            out.push(missing(
                "lines",
                "En autoliquidation, aucune TVA n'est facturée : passez les lignes à 0 %.",
            ));
        }
        if !inv.business_client {
            out.push(missing(
                "client.company",
                "L'autoliquidation ne s'applique qu'à un client professionnel (entreprise principale).",
            ));
        }
    }
    let reduced = inv
        .lines
        .iter()
        .any(|l| matches!(l.vat, VatRate::Reduced | VatRate::Intermediate));
    if reduced && identity.building_work && !inv.reduced_rate_certified {
        out.push(missing(
            "reduced_rate_certified",
            "TVA à 10 % ou 5,5 % : cochez l'attestation du client (local d'habitation de plus de deux ans).",
        ));
    }
    if !inv.credit_note {
        if blank(inv.payment_terms) {
            out.push(missing("payment_terms", "Indiquez les conditions de paiement."));
        }
        if !(0..=60).contains(&inv.due_days) {
            out.push(missing(
                "due_days",
                "L'échéance doit tomber entre 0 et 60 jours après la facture (art. L441-10).",
            ));
        }
        if blank(inv.late_penalty) {
            out.push(missing("late_penalty", "Indiquez le taux des pénalités de retard."));
        }
        if blank(inv.early_discount) {
            out.push(missing(
                "early_discount",
                "Indiquez les conditions d'escompte, ou « Pas d'escompte pour paiement anticipé ».",
            ));
        }
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

    fn invoice<'a>(lines: Vec<CheckedLine<'a>>) -> CheckedInvoice<'a> {
        CheckedInvoice {
            credit_note: false,
            client_name: "Claire Dubois",
            client_email: "claire@example.fr",
            client_address: ["3 place Bellecour", "69002", "Lyon"],
            business_client: false,
            client_siren: "",
            site_address: ["3 place Bellecour", "69002", "Lyon"],
            lines,
            reverse_charge: false,
            reduced_rate_certified: true,
            payment_terms: "Virement à 30 jours",
            due_days: 30,
            late_penalty: "Trois fois le taux d'intérêt légal",
            early_discount: "Pas d'escompte",
            negative_total: false,
        }
    }

    fn line(vat: VatRate) -> CheckedLine<'static> {
        CheckedLine {
            description: "Pose",
            quantity: 1_000,
            vat,
        }
    }

    fn fields(list: Vec<Missing>) -> Vec<String> {
        list.into_iter().map(|m| m.field).collect()
    }

    #[test]
    fn a_complete_invoice_passes() {
        assert_eq!(
            missing_mentions(&identity(), &invoice(vec![line(VatRate::Intermediate)])),
            vec![]
        );
    }

    #[test]
    fn a_business_client_needs_a_valid_siren() {
        let mut inv = invoice(vec![line(VatRate::Standard)]);
        inv.business_client = true;
        inv.client_siren = "732829321";
        assert_eq!(fields(missing_mentions(&identity(), &inv)), ["client.siren"]);
        inv.client_siren = "732 829 320";
        assert_eq!(missing_mentions(&identity(), &inv), vec![]);
    }

    #[test]
    fn reduced_rates_need_the_clients_certification_on_building_work() {
        let mut inv = invoice(vec![line(VatRate::Reduced)]);
        inv.reduced_rate_certified = false;
        assert_eq!(fields(missing_mentions(&identity(), &inv)), ["reduced_rate_certified"]);
        let mut id = identity();
        id.building_work = false;
        assert_eq!(missing_mentions(&id, &inv), vec![]);
    }

    #[test]
    fn reverse_charge_means_no_vat_and_a_business_client() {
        let mut inv = invoice(vec![line(VatRate::Standard)]);
        inv.reverse_charge = true;
        assert_eq!(fields(missing_mentions(&identity(), &inv)), ["lines", "client.company"]);
        inv.lines = vec![line(VatRate::Zero)];
        inv.business_client = true;
        inv.client_siren = "732829320";
        assert_eq!(missing_mentions(&identity(), &inv), vec![]);
    }

    #[test]
    fn payment_mentions_are_required_except_on_credit_notes() {
        let mut inv = invoice(vec![line(VatRate::Standard)]);
        inv.payment_terms = "";
        inv.late_penalty = " ";
        inv.early_discount = "";
        inv.due_days = 90;
        assert_eq!(
            fields(missing_mentions(&identity(), &inv)),
            ["payment_terms", "due_days", "late_penalty", "early_discount"]
        );
        inv.credit_note = true;
        assert_eq!(missing_mentions(&identity(), &inv), vec![]);
    }

    #[test]
    fn a_negative_total_is_refused() {
        let mut inv = invoice(vec![line(VatRate::Standard)]);
        inv.negative_total = true;
        assert_eq!(fields(missing_mentions(&identity(), &inv)), ["lines"]);
    }

    #[test]
    fn sirens_are_checked_with_luhn() {
        assert!(siren_is_valid("732829320"));
        assert!(siren_is_valid("552 100 554"));
        assert!(!siren_is_valid("732829321"));
        assert!(!siren_is_valid("73282932"));
        assert!(!siren_is_valid("73282932A"));
    }
}
