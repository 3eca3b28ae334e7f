//! `leads`: incoming requests for work (the prospect's need).
use crate::pipeline::LeadSource;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub contact_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub trade: String,
    pub description: String,
    pub budget_cents: Option<i64>,
    pub source: LeadSource,
    /// The marketplace request it was routed from.
    pub request_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub deals: HasMany<super::deal::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
