//! The email outbox: every message the application sends, its status, and
//! (with the local transport) its content.

pub mod api;
#[cfg(feature = "ssr")]
pub mod sending;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod templates;
pub mod ui;

use serde::{Deserialize, Serialize};

/// Why a message was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum EmailKind {
    /// A sign-in link.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "magic_link"))]
    MagicLink,
    /// A password reset link.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "password_reset"))]
    PasswordReset,
    /// An invitation to join a workspace.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "invitation"))]
    Invitation,
    /// A link proving the account's address.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "email_verification"))]
    EmailVerification,
    /// Notice that the password changed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "password_changed"))]
    PasswordChanged,
    /// A quote sent to a client, with its PDF and portal link.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "quote_sent"))]
    QuoteSent,
    /// A reminder of an unsigned quote.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "quote_reminder"))]
    QuoteReminder,
    /// The signed quote, to the client.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "quote_signed"))]
    QuoteSigned,
    /// A client signed or declined: notice to the business.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "quote_notice"))]
    QuoteNotice,
    /// An invoice or credit note sent to a client, with its Factur-X PDF.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "invoice_sent"))]
    InvoiceSent,
    /// A reminder of an unpaid invoice.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "invoice_reminder"))]
    InvoiceReminder,
    /// A public request was received (to the requester).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "request_received"))]
    RequestReceived,
    /// A marketplace lead was assigned (to the artisan).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "lead_assigned"))]
    LeadAssigned,
    /// A marketplace lead still waits for a first contact (to the artisan).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "lead_reminder"))]
    LeadReminder,
    /// An artisan's document ends soon (to the artisan).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "document_expiring"))]
    DocumentExpiring,
    /// A job is finished (« chantier terminé », « prêt à être retiré »), to the client.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "job_done"))]
    JobDone,
}

impl EmailKind {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            EmailKind::MagicLink => "Lien de connexion",
            EmailKind::PasswordReset => "Réinitialisation",
            EmailKind::EmailVerification => "Confirmation d'adresse",
            EmailKind::Invitation => "Invitation",
            EmailKind::PasswordChanged => "Sécurité",
            EmailKind::QuoteSent => "Devis",
            EmailKind::QuoteReminder => "Relance devis",
            EmailKind::QuoteSigned => "Devis signé",
            EmailKind::QuoteNotice => "Suivi devis",
            EmailKind::InvoiceSent => "Facture",
            EmailKind::InvoiceReminder => "Relance facture",
            EmailKind::RequestReceived => "Demande reçue",
            EmailKind::LeadAssigned => "Nouvelle demande",
            EmailKind::LeadReminder => "Relance demande",
            EmailKind::DocumentExpiring => "Document à renouveler",
            EmailKind::JobDone => "Chantier terminé",
        }
    }
}

/// Delivery status of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum EmailStatus {
    /// Waiting for the worker (or for a retry).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "queued"))]
    Queued,
    /// Handed to the transport.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sent"))]
    Sent,
    /// Every attempt failed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
}

impl EmailStatus {
    /// Every status, for filters.
    pub const ALL: [EmailStatus; 3] = [EmailStatus::Queued, EmailStatus::Sent, EmailStatus::Failed];

    /// Stable identifier for URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Queued => "queued",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }

    /// Parses the identifier.
    pub fn parse(value: &str) -> Option<EmailStatus> {
        EmailStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            EmailStatus::Queued => "En file",
            EmailStatus::Sent => "Envoyé",
            EmailStatus::Failed => "Échec",
        }
    }
}

/// One message in the outbox list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailRow {
    /// Message id.
    pub id: crate::domain::EmailId,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Why it was sent.
    pub kind: EmailKind,
    /// Delivery status.
    pub status: EmailStatus,
    /// Attempts so far.
    pub attempts: i32,
    /// Created, Paris time.
    pub created_at: String,
    /// Delivered, Paris time.
    pub sent_at: Option<String>,
    /// Transport used (`local`, `smtp`).
    pub transport: Option<String>,
    /// Last delivery error, user-safe.
    pub last_error: Option<String>,
}

/// One message with its content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailDetail {
    /// Summary.
    pub row: EmailRow,
    /// Plain-text body, when the viewer may read it.
    pub body_text: Option<String>,
    /// Links found in the body, for one-click opening.
    pub links: Vec<String>,
}

/// A page of the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxPage {
    /// Messages, newest first.
    pub rows: Vec<EmailRow>,
    /// Whether email stays on this machine (local transport).
    pub local_transport: bool,
    /// Whether the viewer sees the whole workspace's mail or only their own.
    pub scope_label: String,
}
