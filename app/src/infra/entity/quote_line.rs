//! `quote_lines`: the body of a quote, in order (section titles and priced lines).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub quote_id: Uuid,
    pub position: i32,
    /// `section` or `line`.
    pub kind: String,
    pub description: String,
    /// Thousandths of the unit.
    pub quantity: i64,
    pub unit: String,
    pub unit_price_cents: i64,
    pub vat_bp: i32,
    /// `none`, `percent` (basis points) or `amount` (cents).
    pub discount_kind: String,
    pub discount_value: i64,
}

impl ActiveModelBehavior for ActiveModel {}
