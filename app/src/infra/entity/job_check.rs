//! `job_checks`: one checklist item of one step of a job, copied from the
//! template when the job opened, with its last answer (every answer is in
//! the audit trail as `job.check_answered`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub job_id: Uuid,
    pub step_id: Uuid,
    pub position: i32,
    pub label: String,
    pub kind: crate::domain::checks::CheckKind,
    pub unit: String,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    /// Out of bounds is refused (else kept with a warning).
    pub strict: bool,
    pub passed: Option<bool>,
    pub number_value: Option<f64>,
    pub text_value: Option<String>,
    pub out_of_bounds: bool,
    pub answered_by_member_id: Option<Uuid>,
    pub answered_at: Option<DateTimeUtc>,
    /// The capture (made on the device) of the last answer.
    pub answer_capture_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
