//! `artisan_profiles`: a member who takes marketplace leads (trades in
//! `artisan_trades`), with the routing statistics the scheduler refreshes.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "artisan_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: Uuid,
    pub workspace_id: Uuid,
    pub phone: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub insee: String,
    pub latitude: f64,
    pub longitude: f64,
    pub geo_source: String,
    pub radius_km: i32,
    pub weekly_capacity: i32,
    pub available: bool,
    pub member_score: Option<i16>,
    pub response_hours: Option<f64>,
    pub acceptance_rate: Option<f64>,
    /// First and last day of the run on which the required documents are
    /// all approved and in force (`domain::documents::routable_span`).
    pub routable_from: Option<Date>,
    pub routable_until: Option<Date>,
    /// The day the run was computed; `None`: never.
    pub routable_checked_on: Option<Date>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
