//! The durable outbox of domain events: written in the transaction of the
//! change that caused them, read after commit by the dispatcher, which hands
//! each one to the in-process subscribers (live pages today; workflows and
//! webhooks later). A crash between commit and dispatch loses nothing.
//!
//! And the stored link between a stage and a setter status (the feed moved
//! deals to the stage *named* like the status: renaming a stage unlinked it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("domain_events")
                .col(pk_uuid("id"))
                .col(uuid_null("workspace_id"))
                .col(string("kind"))
                .col(text("payload"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(timestamp_with_time_zone_null("dispatched_at"))
                .col(integer("deliveries").default(0))
                .to_owned(),
        )
        .await?;
        // The dispatcher reads the undispatched ones, oldest first.
        m.create_index(index("domain_events", "pending", &["dispatched_at", "occurred_at"]))
            .await?;

        m.alter_table(
            Table::alter()
                .table("stages")
                .add_column(string_null("setter_status"))
                .to_owned(),
        )
        .await?;
        // Coach workspaces created before keep their links: each stage still
        // named as the pack named it gets the status that name stood for.
        let db = m.get_connection();
        for (name, status) in [
            ("Nouveau", "new"),
            ("Engagé", "engaged"),
            ("Qualifié", "qualified"),
            ("Call proposé", "call_proposed"),
            ("Call réservé", "call_booked"),
            ("Gagné", "won"),
            ("Perdu", "lost"),
            ("À relancer", "follow_up"),
        ] {
            let sql = "UPDATE stages SET setter_status = $1 WHERE name = $2 \
                 AND workspace_id IN (SELECT id FROM workspaces WHERE pack = 'coach')";
            let sql = match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => sql.to_string(),
                _ => sql.replace('$', "?"),
            };
            db.execute_raw(sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                &sql,
                [status.into(), name.into()],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("stages").drop_column("setter_status").to_owned())
            .await?;
        m.drop_table(Table::drop().table("domain_events").to_owned()).await
    }
}
