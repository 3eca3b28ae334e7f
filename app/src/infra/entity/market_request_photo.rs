//! `market_request_photos`: a photo attached to a public request (resized,
//! re-encoded without metadata; the bytes are in the file store).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "market_request_photos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    /// 0-based order on the request.
    pub position: i32,
    pub file_key: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub size: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
