//! `market_routes`: the routing verdict on one artisan for one request
//! (picked or not and why), and the deal it gave.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "market_routes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub workspace_id: Uuid,
    pub member_id: Uuid,
    pub eligible: bool,
    pub picked: bool,
    pub distance_km: f64,
    pub score: i32,
    /// JSON list of `domain::routing::Exclusion`.
    pub exclusions: String,
    pub lead_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub assigned_by: String,
    pub assigned_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
    /// When the artisan was reminded of a quote sent without news.
    pub quote_reminded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
