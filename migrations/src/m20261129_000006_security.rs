//! Security and scale-out: proven email addresses, rate-limit counters and
//! scheduler ticks shared by every instance, and large live messages that do
//! not fit in a PostgreSQL NOTIFY.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Existing accounts start unproven: nothing before this migration
        // checked that an address belonged to whoever signed up with it.
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("email_verified_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("rate_limits")
                .col(string("key").primary_key())
                .col(integer("count"))
                .col(timestamp_with_time_zone("window_ends_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("rate_limits", "window_ends", &["window_ends_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("scheduler_ticks")
                .col(string("task"))
                .col(big_integer("tick"))
                .col(string("instance"))
                .col(timestamp_with_time_zone("claimed_at"))
                .primary_key(Index::create().col("task").col("tick"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("live_messages")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("topic"))
                .col(text("payload"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("live_messages", "created", &["created_at"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["live_messages", "scheduler_ticks", "rate_limits"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("email_verified_at")
                .to_owned(),
        )
        .await
    }
}
