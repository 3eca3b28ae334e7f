//! `job_steps`: one step of one job, copied from the template when the job
//! opened; validated once (a compare-and-set on `validated_at IS NULL`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_steps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub job_id: Uuid,
    pub position: i32,
    pub name: String,
    pub requires_photo: bool,
    pub after_previous: bool,
    pub validated_by_member_id: Option<Uuid>,
    pub validated_at: Option<DateTimeUtc>,
    /// The capture (made on the device) that validated it.
    pub validated_capture_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
