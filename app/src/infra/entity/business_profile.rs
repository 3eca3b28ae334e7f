//! `business_profiles`: a workspace's legal identity, insurance and quote
//! settings (one row per workspace).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "business_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    pub legal_name: String,
    pub legal_form: String,
    pub siret: String,
    pub registry: String,
    pub vat_number: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub building_work: bool,
    pub insurer: String,
    pub insurance_policy: String,
    pub insurance_cover: String,
    pub logo_file_id: Option<Uuid>,
    pub accent_color: String,
    pub template: String,
    pub header_text: String,
    pub footer_text: String,
    pub conditions_text: String,
    pub payment_terms: String,
    pub validity_days: i32,
    pub reminders_enabled: bool,
    /// Days after sending, comma-separated ("2,7").
    pub reminder_days: String,
    pub allow_decline: bool,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
