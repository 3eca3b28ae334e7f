//! The client portal: a quote reached by a single-purpose link, read as a
//! responsive page, downloaded, signed with a drawn signature or declined.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod signing;
pub mod ui;

use crate::domain::quote_totals::{Deposit, Totals};
use crate::quote::{LineInput, QuoteStatus};
use serde::{Deserialize, Serialize};

/// Largest signature image accepted (PNG bytes).
pub const MAX_SIGNATURE_BYTES: usize = 300_000;

/// What the client sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalQuote {
    /// `D-2026-0001`.
    pub number: String,
    /// Version.
    pub version: i32,
    /// Status.
    pub status: QuoteStatus,
    /// Title.
    pub title: String,
    /// The business's name.
    pub company: String,
    /// Its address, SIRET, phone, email.
    pub company_lines: Vec<String>,
    /// Insurance statement (building work).
    pub insurance: String,
    /// Client name.
    pub client_name: String,
    /// Client email (prefilled on the signature form).
    pub client_email: String,
    /// Site address, empty when none.
    pub site: String,
    /// Body.
    pub lines: Vec<LineInput>,
    /// Totals.
    pub totals: Totals,
    /// Deposit.
    pub deposit: Deposit,
    /// "Devis gratuit" / "Devis payant : …".
    pub quote_price: String,
    /// Sent on (Paris date).
    pub sent_on: String,
    /// Valid until (Paris date).
    pub valid_until: String,
    /// Payment terms.
    pub payment_terms: String,
    /// Notes.
    pub notes: String,
    /// Conditions.
    pub conditions: String,
    /// The client may sign now.
    pub can_sign: bool,
    /// The client may decline now.
    pub can_decline: bool,
    /// Why it cannot be signed (expired, replaced…), empty otherwise.
    pub closed_reason: String,
    /// Once signed: who, when, and the fingerprint of the PDF signed.
    pub signature: Option<SignatureView>,
    /// Once declined: the reason.
    pub decline_reason: Option<String>,
    /// The client's other documents with this business: quotes and invoices.
    #[serde(default)]
    pub documents: Vec<PortalDocument>,
    /// The client's jobs (chantiers) and how they stand.
    #[serde(default)]
    pub jobs: Vec<crate::jobs::PortalJob>,
}

/// A quote or invoice of the client, listed in the portal with its PDF.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalDocument {
    /// "Devis", "Facture d'acompte", "Avoir"…
    pub kind: String,
    /// Its number.
    pub number: String,
    /// Status, in French.
    pub status: String,
    /// Date (Paris, `DD/MM/YYYY`).
    pub date: String,
    /// TTC, cents (negative for a credit note).
    pub total_ttc: i64,
    /// Still to pay, cents (invoices).
    pub balance: i64,
    /// Its PDF under the portal link.
    pub pdf: String,
}

/// The proof shown after signing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureView {
    /// Signer's name.
    pub signer: String,
    /// Paris time.
    pub signed_at: String,
    /// SHA-256 of the PDF the client was shown.
    pub pdf_sha256: String,
}

/// The answer of the verification endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The quote number.
    pub number: String,
    /// SHA-256 recorded with the signature.
    pub recorded_sha256: String,
    /// SHA-256 of the stored PDF, recomputed now.
    pub recomputed_sha256: String,
    /// Whether they match.
    pub matches: bool,
    /// Signer and time.
    pub signer: String,
    /// Paris time.
    pub signed_at: String,
}
