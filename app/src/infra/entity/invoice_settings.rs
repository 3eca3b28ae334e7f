//! `invoice_settings`: a workspace's invoicing defaults (one row, created
//! with the defaults on first use).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    pub operation: crate::invoice::Operation,
    pub due_days: i32,
    pub late_penalty: String,
    pub early_discount: String,
    pub vat_on_debits: bool,
    pub iban: String,
    pub bic: String,
    pub reminders_enabled: bool,
    pub reminder_days: String,
    pub updated_at: DateTimeUtc,
    /// The FEC's accounts (plan comptable général).
    pub account_clients: String,
    pub account_services: String,
    pub account_goods: String,
    pub account_vat_standard: String,
    pub account_vat_intermediate: String,
    pub account_vat_reduced: String,
    pub account_vat_super_reduced: String,
    pub account_bank: String,
}

impl ActiveModelBehavior for ActiveModel {}
