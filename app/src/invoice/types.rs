//! Types the browser and the server share for invoices, credit notes and payments.

use crate::domain::quote_check::Missing;
use crate::domain::quote_totals::Totals;
use crate::domain::{ContactId, DealId, InvoiceId, PaymentId, QuoteId};
use crate::quote::LineInput;
use serde::{Deserialize, Serialize};

macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal => $label:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
        pub enum $name {
            $($(#[$vmeta])* #[cfg_attr(feature = "ssr", sea_orm(string_value = $value))] $variant,)*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// Stable identifier (URLs, storage).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value,)* }
            }

            /// Parses the stable identifier.
            pub fn parse(value: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == value)
            }

            /// French label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }
        }
    };
}

db_enum!(
    /// What an invoice bills.
    InvoiceKind {
        /// From scratch or the catalogue.
        Standalone = "standalone" => "Facture",
        /// A deposit (acompte) on a signed quote.
        Deposit = "deposit" => "Facture d'acompte",
        /// A progress invoice (situation de travaux) on a signed quote.
        Progress = "progress" => "Situation de travaux",
        /// The final invoice (solde) of a signed quote, earlier invoices deducted.
        Final = "final" => "Facture de solde",
        /// A credit note (avoir) correcting an issued invoice.
        CreditNote = "credit_note" => "Avoir",
    }
);

db_enum!(
    /// Where an invoice is in its life. `Overdue` is never stored: an issued,
    /// sent or partly paid invoice past its due date shows as overdue.
    InvoiceStatus {
        /// Editable, no number.
        Draft = "draft" => "Brouillon",
        /// Numbered and locked.
        Issued = "issued" => "Émise",
        /// Emailed to the client.
        Sent = "sent" => "Envoyée",
        /// Some money received.
        PartiallyPaid = "partially_paid" => "Partiellement payée",
        /// Nothing left to pay.
        Paid = "paid" => "Payée",
        /// Past its due date with money still owed (display only).
        Overdue = "overdue" => "En retard",
        /// Cancelled in full by credit notes.
        Credited = "credited" => "Annulée par avoir",
    }
);

db_enum!(
    /// The nature of the operation, printed since the e-invoicing reform.
    Operation {
        /// Services.
        Services = "services" => "Prestations de services",
        /// Goods.
        Goods = "goods" => "Livraison de biens",
        /// Both.
        Mixed = "mixed" => "Opération mixte (biens et services)",
    }
);

db_enum!(
    /// How a payment arrived.
    PaymentMethod {
        /// Bank transfer.
        Transfer = "transfer" => "Virement",
        /// Card.
        Card = "card" => "Carte bancaire",
        /// Cheque.
        Cheque = "cheque" => "Chèque",
        /// Cash.
        Cash = "cash" => "Espèces",
        /// Anything else.
        Other = "other" => "Autre",
    }
);

impl InvoiceStatus {
    /// Money is still expected (reminders, overdue).
    pub fn awaits_payment(self) -> bool {
        matches!(
            self,
            InvoiceStatus::Issued | InvoiceStatus::Sent | InvoiceStatus::PartiallyPaid
        )
    }
}

/// The client as the invoice prints it (a snapshot: later changes to the
/// contact never alter an issued invoice).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceClient {
    /// The contact, when known.
    pub contact_id: Option<ContactId>,
    /// Name.
    pub name: String,
    /// Company: a business client (B2B) when not empty.
    pub company: String,
    /// Email (where the invoice is sent).
    pub email: String,
    /// Address, postcode, city.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// SIREN (9 digits), mandatory for a business client.
    pub siren: String,
    /// Intra-community VAT number.
    pub vat_number: String,
}

impl InvoiceClient {
    /// A business client (B2B rules: SIREN, 40 € indemnity).
    pub fn is_business(&self) -> bool {
        !self.company.trim().is_empty()
    }
}

/// Everything an invoice draft holds (autosave sends the whole draft).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDraft {
    /// Title ("Rénovation salle de bains").
    pub title: String,
    /// The client.
    pub client: InvoiceClient,
    /// Site or delivery address when it differs from the client's.
    pub site_address: String,
    /// Site postcode.
    pub site_postcode: String,
    /// Site city.
    pub site_city: String,
    /// Nature of the operation.
    pub operation: Operation,
    /// Subcontracting in building work: no VAT, « Autoliquidation ».
    pub reverse_charge: bool,
    /// The seller opted for VAT on debits.
    pub vat_on_debits: bool,
    /// The client certified the conditions of a reduced rate (10 %, 5,5 %).
    pub reduced_rate_certified: bool,
    /// Holdback (retenue de garantie) in basis points of the TTC: 0 or 500.
    pub holdback_bp: i32,
    /// Date of the supply (`YYYY-MM-DD`), empty for the issue date.
    pub supply_date: String,
    /// Days from issue to the due date.
    pub due_days: i32,
    /// Payment terms.
    pub payment_terms: String,
    /// Late-payment penalties.
    pub late_penalty: String,
    /// Early-payment discount, or its absence.
    pub early_discount: String,
    /// Notes printed on the invoice.
    pub notes: String,
    /// Body, in order.
    pub lines: Vec<LineInput>,
}

impl InvoiceDraft {
    /// The totals (the quote's function: same rounding everywhere).
    pub fn totals(&self) -> Totals {
        let entries: Vec<_> = self.lines.iter().map(LineInput::entry).collect();
        crate::domain::quote_totals::compute(&entries, crate::domain::quote_totals::Deposit::None)
    }
}

/// A payment as listed on its invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    /// Id.
    pub id: PaymentId,
    /// `YYYY-MM-DD`.
    pub paid_on: String,
    /// Cents.
    pub amount: i64,
    /// Method.
    pub method: PaymentMethod,
    /// Bank reference, cheque number…
    pub reference: String,
}

/// A link to another invoice (the one a credit note corrects, the credit notes
/// of an invoice, the invoices of a quote).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLink {
    /// Id.
    pub id: InvoiceId,
    /// Number, once issued.
    pub number: Option<String>,
    /// Kind.
    pub kind: InvoiceKind,
    /// Status as shown.
    pub status: InvoiceStatus,
    /// TTC, cents.
    pub total_ttc: i64,
}

/// An invoice as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    /// Id.
    pub id: InvoiceId,
    /// Kind.
    pub kind: InvoiceKind,
    /// Status as shown (overdue computed).
    pub status: InvoiceStatus,
    /// `F-2026-0001` / `A-2026-0001` once issued.
    pub number: Option<String>,
    /// The content.
    pub draft: InvoiceDraft,
    /// Totals.
    pub totals: Totals,
    /// Holdback withheld until released, cents.
    pub holdback: i64,
    /// TTC of the credit notes against it, cents.
    pub credited: i64,
    /// Received, cents.
    pub paid: i64,
    /// Still to pay now (TTC − credited − paid − holdback), cents.
    pub balance: i64,
    /// `YYYY-MM-DD` once issued.
    pub issue_date: String,
    /// `YYYY-MM-DD` once issued.
    pub due_date: String,
    /// Mandatory mentions still missing (blocks issuing).
    pub missing: Vec<Missing>,
    /// The signed quote it bills.
    pub quote: Option<(QuoteId, String)>,
    /// The deal.
    pub deal_id: Option<DealId>,
    /// The invoice a credit note corrects.
    pub corrects: Option<InvoiceLink>,
    /// Credit notes against this invoice.
    pub credit_notes: Vec<InvoiceLink>,
    /// Payments received.
    pub payments: Vec<PaymentRow>,
    /// A draft the caller may change.
    pub editable: bool,
    /// The caller may issue, credit and record payments.
    pub can_manage: bool,
    /// Today in Paris (`YYYY-MM-DD`): the payment form's default date.
    pub today: String,
    /// Unpaid reminders go out for this invoice.
    pub reminders_enabled: bool,
    /// Reminders sent so far.
    pub reminders_sent: i32,
}

/// A row of the invoices list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    /// Id.
    pub id: InvoiceId,
    /// Number once issued.
    pub number: Option<String>,
    /// Kind.
    pub kind: InvoiceKind,
    /// Title.
    pub title: String,
    /// Client.
    pub client: String,
    /// Status as shown.
    pub status: InvoiceStatus,
    /// TTC, cents.
    pub total_ttc: i64,
    /// Still to pay, cents.
    pub balance: i64,
    /// Issue date (Paris, `DD/MM/YYYY`), empty for a draft.
    pub issued: String,
    /// Due date, empty for a draft.
    pub due: String,
}

/// A page of the invoices list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceList {
    /// Rows, most recent first.
    pub rows: Vec<InvoiceRow>,
    /// How many match.
    pub count: u64,
    /// Sum of the TTC of the issued invoices that match (credit notes subtracted).
    pub invoiced: i64,
    /// Sum of what is still to pay.
    pub outstanding: i64,
}

/// What to bill on a signed quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FromQuote {
    /// A deposit: the quote's own deposit when `None`, else this share of the
    /// TTC in basis points (`Percent`) or this amount TTC in cents (`Amount`).
    Deposit(crate::domain::quote_totals::Deposit),
    /// A progress invoice: cumulative progress of every line, basis points.
    Progress(i32),
    /// A progress invoice with each line's own cumulative progress (basis
    /// points, one per entry of the quote in order; sections ignored; 0 not
    /// started; negative: as the last situation left it).
    ProgressLines(Vec<i32>),
    /// The final invoice: what remains after every earlier invoice.
    Final,
}

/// A payment as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInput {
    /// `YYYY-MM-DD`.
    pub paid_on: String,
    /// Cents.
    pub amount: i64,
    /// Method.
    pub method: PaymentMethod,
    /// Reference.
    pub reference: String,
    /// The payer sent more than the balance and the user confirmed it.
    pub confirm_overpayment: bool,
}

/// The invoicing settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSettings {
    /// Default nature of the operation.
    pub operation: Operation,
    /// Days to pay.
    pub due_days: i32,
    /// Late-payment penalties.
    pub late_penalty: String,
    /// Early-payment discount, or its absence.
    pub early_discount: String,
    /// Option for VAT on debits.
    pub vat_on_debits: bool,
    /// IBAN printed on invoices (and in the Factur-X).
    pub iban: String,
    /// BIC.
    pub bic: String,
    /// Remind clients of unpaid invoices.
    pub reminders_enabled: bool,
    /// Days relative to the due date ("-3,7,30").
    pub reminder_days: String,
    /// The accounts the FEC's entries use; left as saved when absent (an
    /// older client or an API caller that does not send them).
    #[serde(default)]
    pub accounts: Option<ChartOfAccounts>,
}

/// The chart-of-accounts mapping of the FEC (plan comptable général).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartOfAccounts {
    /// Clients (411…), each client in its auxiliary account.
    pub clients: String,
    /// Services revenue (706…).
    pub services: String,
    /// Goods revenue (707…).
    pub goods: String,
    /// VAT collected at 20 %.
    pub vat_standard: String,
    /// VAT collected at 10 %.
    pub vat_intermediate: String,
    /// VAT collected at 5,5 %.
    pub vat_reduced: String,
    /// VAT collected at 2,1 %.
    pub vat_super_reduced: String,
    /// Bank (512…).
    pub bank: String,
}

impl Default for ChartOfAccounts {
    fn default() -> ChartOfAccounts {
        ChartOfAccounts {
            clients: "411000".into(),
            services: "706000".into(),
            goods: "707000".into(),
            vat_standard: "445712".into(),
            vat_intermediate: "445711".into(),
            vat_reduced: "445713".into(),
            vat_super_reduced: "445714".into(),
            bank: "512000".into(),
        }
    }
}

impl ChartOfAccounts {
    /// Each account with its field name, what it is for and the prefix its
    /// number must start with.
    pub fn fields(&self) -> [(&'static str, &'static str, &'static str, &str); 8] {
        [
            (
                "accounts.clients",
                "Clients (un compte auxiliaire par client)",
                "411",
                &self.clients,
            ),
            ("accounts.services", "Prestations de services", "706", &self.services),
            ("accounts.goods", "Ventes de marchandises", "707", &self.goods),
            (
                "accounts.vat_standard",
                "TVA collectée à 20 %",
                "4457",
                &self.vat_standard,
            ),
            (
                "accounts.vat_intermediate",
                "TVA collectée à 10 %",
                "4457",
                &self.vat_intermediate,
            ),
            (
                "accounts.vat_reduced",
                "TVA collectée à 5,5 %",
                "4457",
                &self.vat_reduced,
            ),
            (
                "accounts.vat_super_reduced",
                "TVA collectée à 2,1 %",
                "4457",
                &self.vat_super_reduced,
            ),
            ("accounts.bank", "Banque", "512", &self.bank),
        ]
    }
}

/// The French defaults (Code de commerce L441-10).
pub const DEFAULT_LATE_PENALTY: &str = "En cas de retard de paiement, pénalités au taux de trois fois le taux d'intérêt légal, exigibles dès le lendemain de l'échéance.";
/// The absence of an early-payment discount.
pub const DEFAULT_EARLY_DISCOUNT: &str = "Pas d'escompte pour paiement anticipé.";
/// The 40 € recovery indemnity owed by a business client (L441-10, D441-5).
pub const RECOVERY_INDEMNITY: &str =
    "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : 40 €.";
/// The client's certification for the reduced rates (CGI art. 279-0 bis and
/// 278-0 bis A; a mention accepted by the client since 16 February 2025).
pub const REDUCED_RATE_CERTIFICATION: &str = "Le client certifie que les travaux portent sur un local à usage d'habitation achevé depuis plus de deux ans et qu'ils remplissent les conditions du taux réduit de TVA (art. 279-0 bis et 278-0 bis A du CGI).";
/// The reverse-charge mention (CGI art. 283-2 nonies).
pub const REVERSE_CHARGE: &str = "Autoliquidation : TVA due par le preneur (art. 283-2 nonies du CGI).";

db_enum!(
    /// Which way a flow went between us and the e-invoicing platform.
    FlowDirection {
        /// Sent by us.
        Out = "out" => "Envoyé",
        /// Received from the platform.
        In = "in" => "Reçu",
    }
);

db_enum!(
    /// What a flow exchanged with the e-invoicing platform was.
    FlowKind {
        /// One of our invoices or credit notes (Factur-X).
        Invoice = "invoice" => "Facture émise",
        /// A payment we report (status 212 « Encaissée »).
        Payment = "payment" => "Encaissement déclaré",
        /// A lifecycle status about one of our invoices.
        Lifecycle = "lifecycle" => "Statut de cycle de vie",
        /// An invoice from a supplier.
        SupplierInvoice = "supplier_invoice" => "Facture fournisseur",
    }
);
