//! `job_nonconformities`: what went wrong on a job, of which kind, found at
//! which step, what was done about it, and the step the job went back to.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_nonconformities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub job_id: Uuid,
    /// The step where it was found.
    pub step_id: Option<Uuid>,
    /// The step the job went back to (it and the steps after it reopened).
    pub back_to_step_id: Option<Uuid>,
    pub photo_id: Option<Uuid>,
    pub kind: crate::domain::checks::NonConformityKind,
    pub comment: String,
    /// The corrective action.
    pub action: String,
    pub declared_by_member_id: Option<Uuid>,
    pub declared_at: DateTimeUtc,
    /// The capture (made on the device) that declared it.
    pub capture_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
