//! Types the browser and the server share for quotes.

use crate::domain::quote_check::Missing;
use crate::domain::quote_totals::{Deposit, Discount, Entry, PricedLine, Totals};
use crate::domain::vat::{Unit, VatRate};
use crate::domain::{CatalogueItemId, ContactId, DealId, QuoteId};
use serde::{Deserialize, Serialize};

/// The client's written acceptance, ticked in the portal and printed above
/// the signature.
pub const ACCEPTANCE: &str = "Devis reçu avant l'exécution des travaux — bon pour accord";

/// PDF templates: (identifier, French name).
pub const TEMPLATES: [(&str, &str); 4] = [
    ("modern", "Moderne"),
    ("classic", "Classique"),
    ("minimal", "Minimaliste"),
    ("premium", "Premium"),
];

/// Where a quote is in its life. Each change is an audit event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum QuoteStatus {
    /// Being written; no number yet.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "draft"))]
    Draft,
    /// Numbered and sent to the client.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sent"))]
    Sent,
    /// Opened by the client in the portal.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "viewed"))]
    Viewed,
    /// Signed by the client: read-only for ever.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "signed"))]
    Signed,
    /// Declined by the client.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "declined"))]
    Declined,
    /// Past its validity date without a signature.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "expired"))]
    Expired,
}

impl QuoteStatus {
    /// Every status, in the order of a quote's life.
    pub const ALL: [QuoteStatus; 6] = [
        QuoteStatus::Draft,
        QuoteStatus::Sent,
        QuoteStatus::Viewed,
        QuoteStatus::Signed,
        QuoteStatus::Declined,
        QuoteStatus::Expired,
    ];

    /// Stable identifier (URLs, storage).
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Draft => "draft",
            QuoteStatus::Sent => "sent",
            QuoteStatus::Viewed => "viewed",
            QuoteStatus::Signed => "signed",
            QuoteStatus::Declined => "declined",
            QuoteStatus::Expired => "expired",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<QuoteStatus> {
        QuoteStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            QuoteStatus::Draft => "Brouillon",
            QuoteStatus::Sent => "Envoyé",
            QuoteStatus::Viewed => "Consulté",
            QuoteStatus::Signed => "Signé",
            QuoteStatus::Declined => "Refusé",
            QuoteStatus::Expired => "Expiré",
        }
    }

    /// Only drafts are edited in place; anything sent changes by a new version.
    pub fn is_editable(self) -> bool {
        self == QuoteStatus::Draft
    }

    /// Waiting for the client (reminders, expiry, portal signature).
    pub fn awaits_client(self) -> bool {
        matches!(self, QuoteStatus::Sent | QuoteStatus::Viewed)
    }
}

/// One entry of a quote body as the editor holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    /// A section title (true) or a priced line.
    pub section: bool,
    /// Description, or the section's title.
    pub description: String,
    /// Thousandths of the unit.
    pub quantity: i64,
    /// Unit.
    pub unit: Unit,
    /// Unit price HT, cents.
    pub unit_price: i64,
    /// VAT rate.
    pub vat: VatRate,
    /// Line discount.
    pub discount: Discount,
}

impl LineInput {
    /// A new priced line with the workspace's usual rate.
    pub fn blank(vat: VatRate) -> LineInput {
        LineInput {
            section: false,
            description: String::new(),
            quantity: 1_000,
            unit: Unit::Piece,
            unit_price: 0,
            vat,
            discount: Discount::None,
        }
    }

    /// What the arithmetic needs.
    pub fn entry(&self) -> Entry {
        if self.section {
            Entry::Section
        } else {
            Entry::Line(PricedLine {
                quantity: self.quantity,
                unit_price: self.unit_price,
                vat: self.vat,
                discount: self.discount,
            })
        }
    }
}

/// The client of a quote as typed in the editor (a new contact or changes to one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInput {
    /// An existing contact, when picked.
    pub contact_id: Option<ContactId>,
    /// Name.
    pub name: String,
    /// Company (for a business client).
    pub company: String,
    /// Email (where the quote is sent).
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Postal address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
}

/// Everything the editor saves (autosave sends the whole draft).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteDraft {
    /// Short title ("Rénovation salle de bains").
    pub title: String,
    /// The client.
    pub client: ClientInput,
    /// The deal this quote answers, if any.
    pub deal_id: Option<DealId>,
    /// Site address (building work).
    pub site_address: String,
    /// Site postcode.
    pub site_postcode: String,
    /// Site city.
    pub site_city: String,
    /// Body, in order.
    pub lines: Vec<LineInput>,
    /// Deposit asked on signature.
    pub deposit: Deposit,
    /// Last day of validity (`YYYY-MM-DD`), empty when not set.
    pub valid_until: String,
    /// Payment terms.
    pub payment_terms: String,
    /// Notes shown on the quote.
    pub notes: String,
    /// "Devis gratuit" (true) or paid quote.
    pub free_quote: bool,
    /// Price of a paid quote, cents TTC.
    pub quote_fee: i64,
    /// PDF template.
    pub template: String,
    /// Send reminders at D+2 and D+7 while unsigned.
    pub reminders_enabled: bool,
}

impl QuoteDraft {
    /// The totals of this draft (the same function the server stores and prints).
    pub fn totals(&self) -> Totals {
        let entries: Vec<Entry> = self.lines.iter().map(LineInput::entry).collect();
        crate::domain::quote_totals::compute(&entries, self.deposit)
    }
}

/// A quote as the editor and the drawer show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteView {
    /// Id.
    pub id: QuoteId,
    /// `D-2026-0001` once sent.
    pub number: Option<String>,
    /// 1, 2, … (a change after sending makes a new version).
    pub version: i32,
    /// Status.
    pub status: QuoteStatus,
    /// The content.
    pub draft: QuoteDraft,
    /// Totals as stored.
    pub totals: Totals,
    /// Mandatory mentions still missing (blocks sending).
    pub missing: Vec<Missing>,
    /// Key dates, Paris time (empty when not reached).
    pub sent_at: String,
    /// First opened by the client.
    pub viewed_at: String,
    /// Signed by the client.
    pub signed_at: String,
    /// Last saved.
    pub updated_at: String,
    /// The client's reason, when declined.
    pub decline_reason: Option<String>,
    /// Can the caller change it (a draft, and a role that writes quotes).
    pub editable: bool,
}

/// A row of the quotes list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRow {
    /// Id.
    pub id: QuoteId,
    /// Number once sent.
    pub number: Option<String>,
    /// Version.
    pub version: i32,
    /// Title.
    pub title: String,
    /// Client name.
    pub client: String,
    /// Status.
    pub status: QuoteStatus,
    /// Total HT, cents.
    pub total_ht: i64,
    /// Total TTC, cents.
    pub total_ttc: i64,
    /// Last change, Paris date.
    pub updated: String,
}

/// A page of the quotes list with the totals of everything that matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteList {
    /// The rows, most recently changed first.
    pub rows: Vec<QuoteRow>,
    /// How many quotes match.
    pub count: u64,
    /// Sum of their totals HT.
    pub total_ht: i64,
    /// Sum of their totals TTC.
    pub total_ttc: i64,
    /// Count per status over the search (for the filter chips).
    pub per_status: Vec<(QuoteStatus, u64)>,
}

/// A saved product or service to pick lines from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueItem {
    /// Id.
    pub id: CatalogueItemId,
    /// Description copied into the line.
    pub description: String,
    /// Unit.
    pub unit: Unit,
    /// Unit price HT, cents.
    pub unit_price: i64,
    /// VAT rate.
    pub vat: VatRate,
}

/// A contact the editor may reuse (duplicate warning on email or phone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMatch {
    /// Id.
    pub id: ContactId,
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// City.
    pub city: Option<String>,
}

/// The business's legal identity and quote settings, as the settings form edits them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessSettings {
    /// Identity and insurance (what the legal check reads).
    pub identity: crate::domain::quote_check::LegalIdentity,
    /// Phone printed on documents.
    pub phone: String,
    /// Email printed on documents.
    pub email: String,
    /// Accent colour of the templates (`#1d4ed8`).
    pub accent_color: String,
    /// Default template.
    pub template: String,
    /// Header zone (free text with dynamic fields).
    pub header_text: String,
    /// Footer zone.
    pub footer_text: String,
    /// Conditions zone (CGV).
    pub conditions_text: String,
    /// Default payment terms.
    pub payment_terms: String,
    /// Days a quote stays valid.
    pub validity_days: i32,
    /// Remind clients of unsigned quotes.
    pub reminders_enabled: bool,
    /// Days after sending ("2,7").
    pub reminder_days: String,
    /// Clients may decline with a reason in the portal.
    pub allow_decline: bool,
    /// A logo is stored (printed in the PDF header); set by `upload_logo`.
    #[serde(default)]
    pub has_logo: bool,
}
