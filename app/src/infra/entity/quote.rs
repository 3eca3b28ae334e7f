//! `quotes`: a devis, a draft until first sent, then numbered and locked.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quotes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    /// The contact, linked when picked in the editor or created on sending.
    pub contact_id: Option<Uuid>,
    /// The client as printed on this quote (a snapshot: later changes to the
    /// contact do not rewrite a sent document).
    pub client_name: String,
    pub client_company: String,
    pub client_email: String,
    pub client_phone: String,
    pub client_address: String,
    pub client_postcode: String,
    pub client_city: String,
    pub deal_id: Option<Uuid>,
    /// `D-YYYY-NNNN`, assigned when first sent.
    pub number: Option<String>,
    pub version: i32,
    /// The version this one replaces.
    pub supersedes_id: Option<Uuid>,
    pub status: crate::quote::QuoteStatus,
    pub title: String,
    pub site_address: String,
    pub site_postcode: String,
    pub site_city: String,
    pub template: String,
    /// `none`, `percent` (basis points) or `amount` (cents).
    pub deposit_kind: String,
    pub deposit_value: i64,
    pub valid_until: Option<Date>,
    pub payment_terms: String,
    pub notes: String,
    pub free_quote: bool,
    pub quote_fee_cents: i64,
    pub total_ht_cents: i64,
    pub total_vat_cents: i64,
    pub total_ttc_cents: i64,
    pub created_by_member_id: Option<Uuid>,
    pub reminders_enabled: bool,
    pub reminders_sent: i32,
    /// The exact PDF the client was sent and shown.
    pub pdf_file_id: Option<Uuid>,
    pub pdf_sha256: Option<String>,
    pub signed_pdf_file_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub viewed_at: Option<DateTimeUtc>,
    pub signed_at: Option<DateTimeUtc>,
    pub declined_at: Option<DateTimeUtc>,
    pub decline_reason: Option<String>,
    pub expired_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
