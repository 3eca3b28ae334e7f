//! `einvoice_enrolments`: which workspace speaks for a SIREN on the
//! e-invoicing platform (one each way: the SIREN is the key, the workspace
//! unique).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "einvoice_enrolments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub siren: String,
    pub workspace_id: Uuid,
    pub enrolled_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
