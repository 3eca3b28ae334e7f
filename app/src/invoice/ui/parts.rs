//! Pieces the invoice pages share.

use crate::invoice::{InvoiceKind, InvoiceStatus};
use crate::ui::{Badge, Tone};
use leptos::prelude::*;

/// The colour of a status.
pub fn status_tone(status: InvoiceStatus) -> Tone {
    match status {
        InvoiceStatus::Draft => Tone::Neutral,
        InvoiceStatus::Issued | InvoiceStatus::Sent => Tone::Info,
        InvoiceStatus::PartiallyPaid => Tone::Accent,
        InvoiceStatus::Paid => Tone::Success,
        InvoiceStatus::Overdue => Tone::Danger,
        InvoiceStatus::Credited => Tone::Warning,
    }
}

/// An invoice's status as a badge.
#[component]
pub fn InvoiceBadge(status: InvoiceStatus) -> impl IntoView {
    view! {
        <span data-testid="invoice-status" data-status=status.as_str()>
            <Badge tone=status_tone(status)>{status.label()}</Badge>
        </span>
    }
}

/// "Facture F-2026-0001", "Avoir A-2026-0001", "Brouillon de facture d'acompte".
pub fn title_of(kind: InvoiceKind, number: Option<&str>) -> String {
    match (number, kind) {
        (Some(n), InvoiceKind::Standalone) => format!("Facture {n}"),
        (Some(n), kind) => format!("{} {n}", kind.label()),
        (None, InvoiceKind::CreditNote) => "Brouillon d'avoir".into(),
        (None, InvoiceKind::Standalone) => "Brouillon de facture".into(),
        (None, kind) => format!("Brouillon — {}", kind.label().to_lowercase()),
    }
}

/// `30/11/2026` from `2026-11-30`.
pub fn dmy(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}
