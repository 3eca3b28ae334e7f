//! `stages`: ordered columns of a pipeline.
use crate::domain::StageKind;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub pipeline_id: Uuid,
    pub name: String,
    pub color: String,
    pub kind: StageKind,
    pub probability: i32,
    pub position: i32,
    /// Where a deal goes when its quote is sent.
    pub is_quote_stage: bool,
    /// The setter status (`SetterStatus::key`) whose prospects the feed moves here.
    pub setter_status: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
