//! `job_photos`: a photo of a job (and maybe of one of its steps), stored
//! re-encoded through the file store with its thumbnail; `size` counts both
//! against the workspace's quota.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_photos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub job_id: Uuid,
    pub step_id: Option<Uuid>,
    pub tag: crate::jobs::PhotoTag,
    /// Shown to the client in the portal.
    pub shareable: bool,
    pub file_key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    /// Bytes stored, photo and thumbnail.
    pub size: i64,
    pub taken_by_member_id: Option<Uuid>,
    pub taken_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
