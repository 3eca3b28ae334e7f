//! `jobs`: the work opened when a deal is won (chantier, projet, contrat…),
//! with its planning; its steps are `job_steps`, its people `job_assignees`.
use crate::domain::jobs::{JobStatus, Priority};
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
    pub status: JobStatus,
    pub priority: Priority,
    /// First planned day (Europe/Paris).
    pub planned_start: Option<Date>,
    /// Last planned day.
    pub planned_end: Option<Date>,
    /// The day promised to the client.
    pub promised_on: Option<Date>,
    /// When it first went in progress.
    pub started_at: Option<DateTimeUtc>,
    /// When it was last marked done or cancelled.
    pub finished_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
