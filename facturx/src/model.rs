//! The invoice as EN 16931 sees it. Amounts are integer cents, quantities
//! thousandths, rates basis points, as everywhere in Comptoir.

use chrono::NaiveDate;

/// BT-3, the document type (UNTDID 1001, within the French list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentType {
    /// 380, commercial invoice (standalone, progress, final).
    Invoice,
    /// 386, prepayment (deposit) invoice.
    Prepayment,
    /// 381, credit note.
    CreditNote,
}

impl DocumentType {
    /// The UNTDID 1001 code.
    pub fn code(self) -> &'static str {
        match self {
            DocumentType::Invoice => "380",
            DocumentType::Prepayment => "386",
            DocumentType::CreditNote => "381",
        }
    }
}

/// BT-23, the French billing framework: what is sold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Goods (B1).
    Goods,
    /// Services (S1).
    Services,
    /// Both (M1).
    Mixed,
}

impl Operation {
    /// The BT-23 code of a plain invoice (`B1`, `S1`, `M1`) or of a final
    /// invoice after deposits (`B4`, `S4`, `M4`).
    pub fn process_code(self, after_deposit: bool) -> &'static str {
        match (self, after_deposit) {
            (Operation::Goods, false) => "B1",
            (Operation::Services, false) => "S1",
            (Operation::Mixed, false) => "M1",
            (Operation::Goods, true) => "B4",
            (Operation::Services, true) => "S4",
            (Operation::Mixed, true) => "M4",
        }
    }
}

/// A postal address (BG-5, BG-8, BG-15).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// Street line.
    pub line: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 (`FR`).
    pub country: String,
}

/// A party's electronic address (BT-34, BT-49).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// Registered in the national directory (scheme 0225): the SIREN, or
    /// the addressing identifier the directory gives (SIREN plus a suffix).
    Siren(String),
    /// An email address (scheme EM), for a consumer.
    Email(String),
}

/// The seller or the buyer (BG-4, BG-7).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Party {
    /// Legal or trading name (BT-27, BT-44).
    pub name: String,
    /// SIREN, 9 digits (BT-30, BT-47, scheme 0002); none for a consumer.
    pub siren: Option<String>,
    /// Intra-community VAT number (BT-31, BT-48).
    pub vat_number: Option<String>,
    /// Additional legal information: form, capital, registry (BT-33, seller only).
    pub legal_info: Option<String>,
    /// Postal address.
    pub address: Address,
    /// Electronic address.
    pub endpoint: Option<Endpoint>,
}

/// The VAT treatment of a line or a breakdown row (BT-151, BT-118).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VatCategory {
    /// `S`: standard or reduced rate, in basis points (> 0).
    Standard(i64),
    /// `AE`: reverse charge, the buyer pays the VAT (building subcontracting).
    ReverseCharge,
    /// `E`: exempt, here the small-business franchise (art. 293 B du CGI).
    Franchise,
}

impl VatCategory {
    /// The UNCL 5305 code.
    pub fn code(self) -> &'static str {
        match self {
            VatCategory::Standard(_) => "S",
            VatCategory::ReverseCharge => "AE",
            VatCategory::Franchise => "E",
        }
    }

    /// The rate in basis points.
    pub fn rate_bp(self) -> i64 {
        match self {
            VatCategory::Standard(bp) => bp,
            _ => 0,
        }
    }

    /// BT-120 and BT-121: the exemption's text and VATEX code.
    pub fn exemption(self) -> Option<(&'static str, &'static str)> {
        match self {
            VatCategory::Standard(_) => None,
            VatCategory::ReverseCharge => Some(("Autoliquidation", "VATEX-EU-AE")),
            VatCategory::Franchise => Some(("TVA non applicable, art. 293 B du CGI", "VATEX-FR-FRANCHISE")),
        }
    }
}

/// One invoice line (BG-25).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Item name (BT-153).
    pub name: String,
    /// Billed quantity in thousandths (BT-129); negative for a deduction.
    pub quantity: i64,
    /// UN/ECE Rec. 20 unit code (BT-130): `C62`, `HUR`, `MTK`, `MTR`, `KGM`, `LS`.
    pub unit_code: &'static str,
    /// Net unit price in cents, never negative (BT-146).
    pub unit_price: i64,
    /// Line allowance (discount) in cents (BT-136), 0 when none.
    pub allowance: i64,
    /// Line net amount in cents (BT-131) = quantity × price − allowance.
    pub net: i64,
    /// VAT treatment.
    pub vat: VatCategory,
}

/// One row of the VAT breakdown (BG-23).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VatSubtotal {
    /// Category and rate.
    pub category: VatCategory,
    /// Taxable amount (BT-116): the sum of the line nets in that category.
    pub basis: i64,
    /// VAT amount (BT-117).
    pub amount: i64,
}

/// An earlier invoice this one refers to (BT-25, BT-26).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Its number.
    pub number: String,
    /// Its issue date.
    pub issued: NaiveDate,
}

/// A note with its subject code (BG-1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// UNTDID 4451 subject (`PMD`, `PMT`, `AAB`, `AAI`, `TXD`…).
    pub subject: &'static str,
    /// Text.
    pub content: String,
}

/// The document totals (BG-22).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sum of the line nets (BT-106) = tax basis (BT-109): no document-level
    /// allowance or charge is used.
    pub net: i64,
    /// Total VAT (BT-110).
    pub vat: i64,
    /// Total with VAT (BT-112).
    pub gross: i64,
    /// Already paid (BT-113).
    pub prepaid: i64,
    /// Amount due (BT-115) = gross − prepaid.
    pub due: i64,
}

/// How the buyer pays (BG-16): a credit transfer to this account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditTransfer {
    /// IBAN (BT-84).
    pub iban: String,
    /// BIC (BT-86), optional.
    pub bic: Option<String>,
}

/// A whole invoice or credit note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invoice {
    /// Number (BT-1), at most 35 characters of `A-Z a-z 0-9 + - _ /`.
    pub number: String,
    /// Type (BT-3).
    pub document_type: DocumentType,
    /// Issue date (BT-2).
    pub issued: NaiveDate,
    /// Billing framework (BT-23), see [`Operation::process_code`].
    pub process: &'static str,
    /// Business to business (the buyer has a SIREN): `BAR` note `B2B`, else `B2C`.
    pub b2b: bool,
    /// Notes; the French rules require `PMD`, `PMT` and `AAB` once each.
    pub notes: Vec<Note>,
    /// Seller.
    pub seller: Party,
    /// Buyer.
    pub buyer: Party,
    /// Delivery or site address when it differs from the buyer's (BG-15).
    pub delivery_address: Option<Address>,
    /// Actual delivery date (BT-72).
    pub delivered: Option<NaiveDate>,
    /// VAT becomes due on the invoice date (option for VAT on debits, BT-8 = 3)
    /// instead of on payment (BT-8 = 432).
    pub vat_on_debits: bool,
    /// Payment account, when the seller has given one.
    pub payment: Option<CreditTransfer>,
    /// Payment terms (BT-20).
    pub payment_terms: String,
    /// Due date (BT-9).
    pub due_date: Option<NaiveDate>,
    /// Preceding invoice (BT-25): the invoice a credit note corrects.
    pub preceding: Option<Reference>,
    /// Lines, at least one.
    pub lines: Vec<Line>,
    /// VAT breakdown, one row per category and rate.
    pub vat_breakdown: Vec<VatSubtotal>,
    /// Totals.
    pub totals: Totals,
}
