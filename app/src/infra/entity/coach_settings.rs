//! `coach_settings`: the assumptions behind the dashboard's estimates.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coach_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    pub lead_magnet_pct: i32,
    pub no_show_pct: i32,
    pub ai_efficiency_pct: i32,
    pub minutes_per_message: i32,
    pub monthly_cost_cents: i64,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
