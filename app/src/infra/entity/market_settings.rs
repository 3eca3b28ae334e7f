//! `market_settings`: the platform's routing and reminder settings (one row;
//! defaults when none).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "market_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub top_n: i32,
    pub remind_after_hours: i32,
    pub reassign_after_hours: i32,
    pub quote_follow_up_days: i32,
    pub close_after_days: i32,
}

impl ActiveModelBehavior for ActiveModel {}
