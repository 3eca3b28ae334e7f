//! `payments`: money received against an invoice (append-only).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub invoice_id: Uuid,
    pub paid_on: Date,
    pub amount_cents: i64,
    pub method: crate::invoice::PaymentMethod,
    pub reference: String,
    pub created_by_member_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
