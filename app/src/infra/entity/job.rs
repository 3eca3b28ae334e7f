//! `jobs`: the work opened when a deal is won (chantier, projet, contrat…).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub deal_id: Uuid,
    pub lead_id: Uuid,
    pub title: String,
    pub status: crate::pipeline::JobStatus,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
