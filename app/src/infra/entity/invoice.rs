//! `invoices`: invoices and credit notes; drafts until issued, then numbered
//! and never changed again except for their payment state.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub kind: crate::invoice::InvoiceKind,
    pub status: crate::invoice::InvoiceStatus,
    pub number: Option<String>,
    pub quote_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// The invoice a credit note corrects.
    pub corrects_id: Option<Uuid>,
    pub title: String,
    pub client_name: String,
    pub client_company: String,
    pub client_email: String,
    pub client_address: String,
    pub client_postcode: String,
    pub client_city: String,
    pub client_siren: String,
    pub client_vat_number: String,
    pub site_address: String,
    pub site_postcode: String,
    pub site_city: String,
    pub operation: crate::invoice::Operation,
    pub reverse_charge: bool,
    pub vat_on_debits: bool,
    pub reduced_rate_certified: bool,
    /// Overall progress of a progress invoice (situation), basis points.
    pub progress_bp: i32,
    /// Holdback (retenue de garantie), basis points of the TTC.
    pub holdback_bp: i32,
    pub issue_date: Option<Date>,
    pub supply_date: Option<Date>,
    pub due_date: Option<Date>,
    /// Days from issue to due.
    pub due_days: i32,
    pub payment_terms: String,
    pub late_penalty: String,
    pub early_discount: String,
    pub notes: String,
    /// Unpaid reminders for this invoice (stoppable one by one).
    pub reminders_enabled: bool,
    pub reminders_sent: i32,
    pub total_ht_cents: i64,
    pub total_vat_cents: i64,
    pub total_ttc_cents: i64,
    pub holdback_cents: i64,
    /// TTC of the credit notes issued against this invoice.
    pub credited_cents: i64,
    pub paid_cents: i64,
    pub pdf_file_id: Option<Uuid>,
    pub pdf_sha256: Option<String>,
    pub created_by_member_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub issued_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    /// The buyer's electronic address (BT-49) from the directory; the SIREN
    /// is used when empty.
    pub client_einvoice_address: String,
    /// When a member asked to send it through the e-invoicing platform.
    pub pa_requested_at: Option<DateTimeUtc>,
    /// The platform's id of the sent invoice.
    pub pa_flow_id: Option<String>,
    /// Its latest lifecycle status (200…213).
    pub pa_status: Option<i32>,
    /// Why, for a refusal, a dispute or a rejection.
    pub pa_detail: Option<String>,
    /// When the platform's latest status was reached (statuses apply in that order).
    pub pa_status_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
