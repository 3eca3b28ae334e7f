//! `deals`: one member's pursuit of a lead, on a pipeline stage (the kanban card).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub lead_id: Uuid,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub owner_member_id: Option<Uuid>,
    pub value_cents: i64,
    /// Order inside the column (fractional: a move rewrites one row).
    pub position: f64,
    pub assigned_at: DateTimeUtc,
    pub first_contact_at: Option<DateTimeUtc>,
    pub quote_sent_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub lost_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "lead_id", to = "id")]
    pub lead: BelongsTo<super::lead::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
