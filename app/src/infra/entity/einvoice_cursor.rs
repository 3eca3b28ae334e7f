//! `einvoice_cursors`: where each workspace's reading of its incoming
//! platform flows stopped.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "einvoice_cursors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    pub cursor: String,
    pub polled_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
