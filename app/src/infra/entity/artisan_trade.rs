//! `artisan_trades`: the trades of an artisan profile, keyed by trade first
//! (routing reads the artisans of one trade), with a copy of the profile's
//! base and radius so that « this trade around this point » is one index
//! range (written with the profile, in the same transaction).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "artisan_trades")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trade: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: Uuid,
    pub workspace_id: Uuid,
    /// The profile's base (copy).
    pub latitude: f64,
    /// The profile's base (copy).
    pub longitude: f64,
    /// The profile's radius (copy).
    pub radius_km: i32,
}

impl ActiveModelBehavior for ActiveModel {}
