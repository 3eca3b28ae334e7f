//! Quality control on jobs: a step template carries its checklist (JSON
//! items: label, kind, unit, bounds, strict); each job's step gets its own
//! copy as `job_checks` rows holding the last answer (who, when, which
//! capture, out of bounds or not; every answer is in the audit trail); and
//! `job_nonconformities` records what went wrong, of which kind, on which
//! step, what was done about it and the step the job went back to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key to a member that keeps the row (set to null) when the member leaves.
fn member_fk(table: &'static str, col: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to("members", "id")
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

/// A foreign key to a step that keeps the row (set to null) when the step goes.
fn step_fk(table: &'static str, col: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to("job_steps", "id")
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("step_templates")
                .add_column(text("checks").default("[]"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("job_checks")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("job_id"))
                .col(uuid("step_id"))
                .col(integer("position"))
                .col(string("label"))
                .col(string("kind"))
                .col(string("unit"))
                .col(double_null("min_value"))
                .col(double_null("max_value"))
                .col(boolean("strict"))
                .col(boolean_null("passed"))
                .col(double_null("number_value"))
                .col(text_null("text_value"))
                .col(boolean("out_of_bounds").default(false))
                .col(uuid_null("answered_by_member_id"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .col(uuid_null("answer_capture_id"))
                .foreign_key(&mut fk("job_checks", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("job_checks", "job_id", "jobs"))
                .foreign_key(&mut fk("job_checks", "step_id", "job_steps"))
                .foreign_key(&mut member_fk("job_checks", "answered_by_member_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("job_checks", "job", &["workspace_id", "job_id", "position"]))
            .await?;
        m.create_table(
            Table::create()
                .table("job_nonconformities")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("job_id"))
                .col(uuid_null("step_id"))
                .col(uuid_null("back_to_step_id"))
                .col(uuid_null("photo_id"))
                .col(string("kind"))
                .col(text("comment"))
                .col(text("action"))
                .col(uuid_null("declared_by_member_id"))
                .col(timestamp_with_time_zone("declared_at"))
                .col(uuid("capture_id"))
                .foreign_key(&mut fk("job_nonconformities", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("job_nonconformities", "job_id", "jobs"))
                .foreign_key(&mut step_fk("job_nonconformities", "step_id"))
                .foreign_key(&mut step_fk("job_nonconformities", "back_to_step_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_job_nonconformities_photo_id")
                        .from("job_nonconformities", "photo_id")
                        .to("job_photos", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(&mut member_fk("job_nonconformities", "declared_by_member_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "job_nonconformities",
            "job",
            &["workspace_id", "job_id", "declared_at"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["job_nonconformities", "job_checks"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(Table::alter().table("step_templates").drop_column("checks").to_owned())
            .await
            .map(|_| ())
    }
}
