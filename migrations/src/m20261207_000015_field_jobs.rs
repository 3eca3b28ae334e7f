//! Jobs in the field: a job gets its planning (priority, planned and
//! promised dates, when it really started and ended) and its people; each
//! job its steps, copied from the workspace's template when it opens
//! (`step_templates`, the pack's defaults until the workspace edits them);
//! and `field_captures` records every capture a device sent (its id made on
//! the device, unique per workspace) with what the server did with it, so a
//! replay changes nothing. Jobs opened before this read `open` as planned.
//! `job_photos` are the photos (files through the file store, the stored
//! size counted against the workspace's quota). Events get an index by the
//! thing they are about (a job's timeline).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const JOB_COLUMNS: [&str; 6] = [
    "priority",
    "planned_start",
    "planned_end",
    "promised_on",
    "started_at",
    "finished_at",
];

/// A foreign key to a member that keeps the row (set to null) when the member leaves.
fn member_fk(table: &'static str, col: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to("members", "id")
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string("priority").default("normal").to_owned(),
            date_null("planned_start"),
            date_null("planned_end"),
            date_null("promised_on"),
            timestamp_with_time_zone_null("started_at"),
            timestamp_with_time_zone_null("finished_at"),
        ] {
            m.alter_table(Table::alter().table("jobs").add_column(col).to_owned())
                .await?;
        }
        let db = m.get_connection();
        db.execute_unprepared("UPDATE jobs SET status = 'planned' WHERE status = 'open'")
            .await?;
        // Until now a job had no date: it is planned for the day it opened.
        let day = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => "(created_at AT TIME ZONE 'Europe/Paris')::date",
            _ => "date(created_at)",
        };
        db.execute_unprepared(&format!("UPDATE jobs SET planned_start = {day}"))
            .await?;
        m.create_index(index("jobs", "planning", &["workspace_id", "status", "planned_start"]))
            .await?;

        m.create_table(
            Table::create()
                .table("job_assignees")
                .col(uuid("workspace_id"))
                .col(uuid("job_id"))
                .col(uuid("member_id"))
                .primary_key(Index::create().col("job_id").col("member_id"))
                .foreign_key(&mut fk("job_assignees", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("job_assignees", "job_id", "jobs"))
                .foreign_key(&mut fk("job_assignees", "member_id", "members"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "job_assignees",
            "member",
            &["workspace_id", "member_id", "job_id"],
        ))
        .await?;
        db.execute_unprepared(
            "INSERT INTO job_assignees (workspace_id, job_id, member_id) \
             SELECT j.workspace_id, j.id, d.owner_member_id FROM jobs j JOIN deals d ON d.id = j.deal_id \
             WHERE d.owner_member_id IS NOT NULL",
        )
        .await?;

        m.create_table(
            Table::create()
                .table("step_templates")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(integer("position"))
                .col(string("name"))
                .col(boolean("requires_photo"))
                .col(boolean("after_previous"))
                .foreign_key(&mut fk("step_templates", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("step_templates", "position", &["workspace_id", "position"]))
            .await?;

        m.create_table(
            Table::create()
                .table("job_steps")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("job_id"))
                .col(integer("position"))
                .col(string("name"))
                .col(boolean("requires_photo"))
                .col(boolean("after_previous"))
                .col(uuid_null("validated_by_member_id"))
                .col(timestamp_with_time_zone_null("validated_at"))
                .col(uuid_null("validated_capture_id"))
                .foreign_key(&mut fk("job_steps", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("job_steps", "job_id", "jobs"))
                .foreign_key(&mut member_fk("job_steps", "validated_by_member_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("job_steps", "job", &["workspace_id", "job_id", "position"]))
            .await?;

        m.create_table(
            Table::create()
                .table("field_captures")
                .col(uuid("workspace_id"))
                .col(uuid("id"))
                .col(uuid("job_id"))
                .col(uuid_null("member_id"))
                .col(string("kind"))
                .col(uuid_null("target_id"))
                .col(timestamp_with_time_zone("captured_at"))
                .col(timestamp_with_time_zone("received_at"))
                .col(string("outcome"))
                .col(string("message"))
                .primary_key(Index::create().col("workspace_id").col("id"))
                .foreign_key(&mut fk("field_captures", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("field_captures", "job_id", "jobs"))
                .foreign_key(&mut member_fk("field_captures", "member_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "field_captures",
            "job",
            &["workspace_id", "job_id", "received_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("job_photos")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("job_id"))
                .col(uuid_null("step_id"))
                .col(string("tag"))
                .col(boolean("shareable").default(false))
                .col(string("file_key"))
                .col(string("thumb_key"))
                .col(integer("width"))
                .col(integer("height"))
                .col(big_integer("size"))
                .col(uuid_null("taken_by_member_id"))
                .col(timestamp_with_time_zone("taken_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("job_photos", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("job_photos", "job_id", "jobs"))
                .foreign_key(&mut member_fk("job_photos", "taken_by_member_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("job_photos", "job", &["workspace_id", "job_id", "taken_at"]))
            .await?;
        // A job's timeline reads the events of the job, its deal and quote.
        m.create_index(index("events", "entity", &["workspace_id", "entity_id", "seq"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::helpers::drop_index(m, "ix_events_entity").await?;
        for table in [
            "job_photos",
            "field_captures",
            "job_steps",
            "step_templates",
            "job_assignees",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        crate::helpers::drop_index(m, "ix_jobs_planning").await?;
        let db = m.get_connection();
        db.execute_unprepared("UPDATE jobs SET status = 'open' WHERE status IN ('planned', 'paused', 'cancelled')")
            .await?;
        for col in JOB_COLUMNS {
            m.alter_table(Table::alter().table("jobs").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
