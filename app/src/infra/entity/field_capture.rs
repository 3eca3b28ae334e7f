//! `field_captures`: every capture a device sent (its id made on the device,
//! unique per workspace) and what the server did with it: a replay of the
//! same id finds its row and changes nothing.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "field_captures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub job_id: Uuid,
    pub member_id: Option<Uuid>,
    /// `crate::jobs::CaptureKind`.
    pub kind: crate::jobs::CaptureKind,
    /// The step (or other thing) it was about.
    pub target_id: Option<Uuid>,
    /// When the device says it was captured.
    pub captured_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub outcome: crate::jobs::CaptureOutcome,
    /// Why, when it was not applied (French, shown to the member).
    pub message: String,
}

impl ActiveModelBehavior for ActiveModel {}
