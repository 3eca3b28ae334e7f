//! `setter_messages`: every DM sent (`out`) or received (`in`) by the setter.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "setter_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub setter_lead_id: Uuid,
    /// The sender's id (ManyChat/n8n): replays are ignored.
    pub external_id: String,
    /// `out` (setter → prospect) or `in`.
    pub direction: String,
    /// Position of an outgoing message in the sequence (1, 2, 3…).
    pub number: Option<i32>,
    pub text: String,
    pub sent_at: DateTimeUtc,
    /// For an outgoing message: when the prospect answered it.
    pub replied_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
