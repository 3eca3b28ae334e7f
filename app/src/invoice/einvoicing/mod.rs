//! E-invoicing through a Plateforme Agréée (French reform, XP Z12-013):
//! issued B2B invoices are sent as Factur-X, their lifecycle statuses come
//! back and are shown on the invoice, payments are reported as 212
//! « Encaissée », supplier invoices are received and listed read-only, and
//! the directory gives the buyer's electronic address. The platform is a
//! port (`infra::ports::EInvoicing`): a local folder by default, the AFNOR
//! API in production.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ingest;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use super::{FlowDirection, FlowKind};
use crate::domain::InvoiceId;
use serde::{Deserialize, Serialize};

/// The lifecycle statuses of an invoice (XP Z12-012), with their French names.
pub const LIFECYCLE: [(i32, &str); 14] = [
    (200, "Déposée"),
    (201, "Émise par la plateforme"),
    (202, "Reçue par la plateforme"),
    (203, "Mise à disposition"),
    (204, "Prise en charge"),
    (205, "Approuvée"),
    (206, "Approuvée partiellement"),
    (207, "En litige"),
    (208, "Suspendue"),
    (209, "Complétée"),
    (210, "Refusée"),
    (211, "Paiement transmis"),
    (212, "Encaissée"),
    (213, "Rejetée"),
];

/// « 205 Approuvée »; unknown codes as their number.
pub fn status_label(code: i32) -> String {
    match LIFECYCLE.iter().find(|(c, _)| *c == code) {
        Some((c, label)) => format!("{c} {label}"),
        None => code.to_string(),
    }
}

/// Statuses that ask the seller to act (refused, disputed, suspended, rejected).
pub fn needs_attention(code: i32) -> bool {
    matches!(code, 207 | 208 | 210 | 213)
}

/// One flow as listed on an invoice or on the e-invoicing page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowRow {
    /// Sent or received.
    pub direction: FlowDirection,
    /// What it was.
    pub kind: FlowKind,
    /// The platform's flow id.
    pub flow_id: String,
    /// The status it carried, if any.
    pub status: Option<i32>,
    /// Reason or what could not be read.
    pub detail: String,
    /// The invoice it concerns, with its number.
    pub invoice: Option<(InvoiceId, String)>,
    /// `dd/mm/yyyy hh:mm`, Paris time.
    pub at: String,
}

/// The e-invoicing state of one invoice, for its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EInvoiceState {
    /// Can be sent through the platform now (issued B2B invoice, not yet sent).
    pub can_transmit: bool,
    /// Why it cannot, when it is not sent yet.
    pub blocked: Option<String>,
    /// Asked, waiting for the platform.
    pub pending: bool,
    /// The platform's flow id, once sent.
    pub flow_id: Option<String>,
    /// Latest status.
    pub status: Option<i32>,
    /// Reason of the latest status.
    pub detail: Option<String>,
    /// The buyer's electronic address used (BT-49).
    pub address: String,
    /// Every flow about this invoice, oldest first.
    pub history: Vec<FlowRow>,
}

/// A supplier invoice received through the platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedRow {
    /// Id (for the download).
    pub id: uuid::Uuid,
    /// Supplier.
    pub seller_name: String,
    /// Supplier SIREN.
    pub seller_siren: String,
    /// Their number.
    pub number: String,
    /// « Facture », « Avoir », « Facture d'acompte ».
    pub kind: String,
    /// `dd/mm/yyyy`.
    pub issue_date: String,
    /// `dd/mm/yyyy`.
    pub due_date: String,
    /// Cents.
    pub total_ht: i64,
    /// Cents.
    pub total_vat: i64,
    /// Cents.
    pub total_ttc: i64,
    /// Currency code.
    pub currency: String,
    /// `dd/mm/yyyy hh:mm`.
    pub received_at: String,
}

/// The e-invoicing page: where flows go, what came in, every flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EInvoicingPage {
    /// `local` or `afnor`.
    pub adapter: String,
    /// The caller may send and read flows now (not only look).
    pub can_manage: bool,
    /// The folder or the platform's host.
    pub location: String,
    /// The SIREN the workspace is enrolled under on the platform; empty before its first use.
    pub siren: String,
    /// Last reading of incoming flows, `dd/mm/yyyy hh:mm`.
    pub polled_at: Option<String>,
    /// Supplier invoices, newest first.
    pub received: Vec<ReceivedRow>,
    /// The latest flows, newest first.
    pub flows: Vec<FlowRow>,
}

/// What a reading of incoming flows did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Lifecycle statuses recorded.
    pub statuses: u32,
    /// Supplier invoices received.
    pub invoices: u32,
    /// Flows that could not be read (kept in the journal with the reason).
    pub unreadable: u32,
}

/// The directory's answer for a buyer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryAnswer {
    /// Found in the directory.
    pub found: bool,
    /// The registered name.
    pub name: String,
    /// The electronic address now used (the SIREN when not found).
    pub address: String,
}

/// « Facture », « Avoir »… from a UNTDID 1001 type code.
pub fn type_label(code: &str) -> &'static str {
    match code {
        "381" | "261" | "262" | "396" | "502" | "503" => "Avoir",
        "386" | "500" => "Facture d'acompte",
        "384" | "471" | "472" | "473" => "Facture rectificative",
        _ => "Facture",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_named_and_the_worrying_ones_flagged() {
        assert_eq!(status_label(205), "205 Approuvée");
        assert_eq!(status_label(212), "212 Encaissée");
        assert_eq!(status_label(299), "299");
        assert!(needs_attention(210) && needs_attention(213) && !needs_attention(205));
        assert_eq!(LIFECYCLE.len(), 14);
        assert!(LIFECYCLE.windows(2).all(|w| w[0].0 + 1 == w[1].0));
        assert_eq!(type_label("381"), "Avoir");
        assert_eq!(type_label("380"), "Facture");
    }
}
