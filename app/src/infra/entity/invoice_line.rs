//! `invoice_lines`: the body of an invoice, in order (section titles, priced
//! lines and deductions of earlier invoices).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub invoice_id: Uuid,
    pub position: i32,
    pub kind: String,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price_cents: i64,
    pub vat_bp: i32,
    pub discount_kind: String,
    pub discount_value: i64,
    /// The quote line a progress line bills.
    pub quote_line_id: Option<Uuid>,
    /// Cumulative progress of that quote line, basis points.
    pub progress_bp: i32,
    /// The earlier invoice a deduction line takes off.
    pub deducts_invoice_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
