//! `market_requests`: a homeowner's request from a public form (the
//! platform's when `workspace_id` is NULL, else one workspace's own form).
use crate::marketplace::RequestStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "market_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Option<Uuid>,
    pub follow_token_hash: String,
    pub trade: String,
    pub description: String,
    pub postcode: String,
    pub city: String,
    pub insee: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub geo_source: String,
    pub budget: String,
    pub desired_on: Option<Date>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub consent_at: DateTimeUtc,
    pub status: RequestStatus,
    pub repeats: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
