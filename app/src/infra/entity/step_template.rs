//! `step_templates`: the steps a workspace's jobs start with, in order (none:
//! the pack's defaults, `domain::jobs::default_steps`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "step_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub position: i32,
    pub name: String,
    pub requires_photo: bool,
    pub after_previous: bool,
    /// Its checklist, JSON (`Vec<domain::checks::CheckItem>`).
    pub checks: String,
}

impl ActiveModelBehavior for ActiveModel {}
