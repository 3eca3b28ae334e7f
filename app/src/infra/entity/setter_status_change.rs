//! `setter_status_changes`: the status history of setter prospects.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "setter_status_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub setter_lead_id: Uuid,
    pub external_id: String,
    pub status: String,
    pub deal_value_cents: Option<i64>,
    pub reason: Option<String>,
    pub occurred_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
