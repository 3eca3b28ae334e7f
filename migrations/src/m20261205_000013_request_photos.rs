//! Photos a requester attaches to a public request (up to five), stored
//! through the file store once resized and stripped of their metadata; and
//! when an artisan was reminded of a quote sent without news; and the
//! indexes routing reads by member (their documents, their week's routes):
//! the existing ones lead with the workspace, which routing does not filter
//! on, so each routing scanned every document; and a copy of each profile's
//! base and radius on its trades, indexed, so « this trade around this
//! point » is one index range.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("market_request_photos")
                .col(pk_uuid("id"))
                .col(uuid("request_id"))
                .col(integer("position"))
                .col(string("file_key"))
                .col(string("content_type"))
                .col(integer("width"))
                .col(integer("height"))
                .col(big_integer("size"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("market_request_photos", "request_id", "market_requests"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("market_request_photos", "position", &["request_id", "position"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("market_routes")
                .add_column(timestamp_with_time_zone_null("quote_reminded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("artisan_documents", "routing", &["member_id", "kind"]))
            .await?;
        m.create_index(index("market_routes", "load", &["member_id", "assigned_at"]))
            .await?;
        for col in [
            double("latitude").default(0.0).to_owned(),
            double("longitude").default(0.0).to_owned(),
            integer("radius_km").default(0).to_owned(),
        ] {
            m.alter_table(Table::alter().table("artisan_trades").add_column(col).to_owned())
                .await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE artisan_trades SET \
                 latitude = (SELECT p.latitude FROM artisan_profiles p WHERE p.member_id = artisan_trades.member_id), \
                 longitude = (SELECT p.longitude FROM artisan_profiles p WHERE p.member_id = artisan_trades.member_id), \
                 radius_km = (SELECT p.radius_km FROM artisan_profiles p WHERE p.member_id = artisan_trades.member_id) \
                 WHERE EXISTS (SELECT 1 FROM artisan_profiles p WHERE p.member_id = artisan_trades.member_id)",
            )
            .await?;
        m.create_index(index(
            "artisan_trades",
            "around",
            &["trade", "latitude", "longitude", "radius_km", "member_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::helpers::drop_index(m, "ix_artisan_trades_around").await?;
        for col in ["latitude", "longitude", "radius_km"] {
            m.alter_table(Table::alter().table("artisan_trades").drop_column(col).to_owned())
                .await?;
        }
        crate::helpers::drop_index(m, "ix_market_routes_load").await?;
        crate::helpers::drop_index(m, "ix_artisan_documents_routing").await?;
        m.alter_table(
            Table::alter()
                .table("market_routes")
                .drop_column("quote_reminded_at")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("market_request_photos").to_owned())
            .await
    }
}
