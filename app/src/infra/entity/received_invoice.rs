//! `received_invoices`: supplier invoices received through the e-invoicing
//! platform, read-only, with what their Factur-X data says.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "received_invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub flow_id: String,
    pub number: String,
    pub type_code: String,
    pub seller_name: String,
    pub seller_siren: String,
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub currency: String,
    pub total_ht_cents: i64,
    pub total_vat_cents: i64,
    pub total_ttc_cents: i64,
    pub due_cents: i64,
    /// The file as received (`files`).
    pub file_id: Uuid,
    /// Latest lifecycle status we gave it, if any.
    pub status_code: Option<i32>,
    pub received_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
