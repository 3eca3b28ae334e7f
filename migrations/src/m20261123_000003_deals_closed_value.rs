//! Won and lost columns sum the values of a stage's recently closed deals:
//! with `value_cents` in the index on closing dates, the index answers alone.

use crate::helpers::drop_index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(name: &str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table("deals");
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "ix_deals_closed_value",
            &["workspace_id", "stage_id", "closed_at", "value_cents"],
        ))
        .await?;
        drop_index(m, "ix_deals_closed").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("ix_deals_closed", &["workspace_id", "stage_id", "closed_at"]))
            .await?;
        drop_index(m, "ix_deals_closed_value").await
    }
}
