//! `artisan_trades`: the trades of an artisan profile, keyed by trade first
//! (routing reads the artisans of one trade).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "artisan_trades")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trade: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: Uuid,
    pub workspace_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
