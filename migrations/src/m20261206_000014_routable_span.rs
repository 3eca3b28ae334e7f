//! The run of days on which an artisan's required documents are all
//! approved and in force, kept on the profile (`routable_from`,
//! `routable_until`; `routable_checked_on` is the day it was computed, null
//! until then) so routing reads no document for an artisan in order. The
//! scheduler computes it for every profile after this migration, and again
//! when a span has ended; a review recomputes it at once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["routable_from", "routable_until", "routable_checked_on"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("artisan_profiles")
                    .add_column(date_null(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS {
            m.alter_table(Table::alter().table("artisan_profiles").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
