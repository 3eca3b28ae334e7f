//! Leads, deals (one member's pursuit of a lead, the kanban card), notes and jobs.

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
                .table("leads")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("contact_name"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(string_null("address"))
                .col(string_null("postcode"))
                .col(string_null("city"))
                .col(double_null("latitude"))
                .col(double_null("longitude"))
                .col(string("trade"))
                .col(text("description"))
                .col(big_integer_null("budget_cents"))
                .col(string("source"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("leads", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("leads", "workspace_created", &["workspace_id", "created_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("deals")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("lead_id"))
                .col(uuid("pipeline_id"))
                .col(uuid("stage_id"))
                .col(uuid_null("owner_member_id"))
                .col(big_integer("value_cents"))
                .col(double("position"))
                .col(timestamp_with_time_zone("assigned_at"))
                .col(timestamp_with_time_zone_null("first_contact_at"))
                .col(timestamp_with_time_zone_null("quote_sent_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(string_null("lost_reason"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("deals", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("deals", "lead_id", "leads"))
                .foreign_key(&mut fk("deals", "pipeline_id", "pipelines"))
                .foreign_key(&mut fk("deals", "stage_id", "stages"))
                .to_owned(),
        )
        .await?;
        // The board reads one pipeline's columns in order and sums their values
        // (value_cents makes the index covering); moves read a column's neighbours.
        m.create_index(index(
            "deals",
            "board",
            &["workspace_id", "pipeline_id", "stage_id", "position", "value_cents"],
        ))
        .await?;
        // Closed columns show their most recently closed cards.
        m.create_index(index("deals", "closed", &["workspace_id", "stage_id", "closed_at"]))
            .await?;
        m.create_index(index("deals", "lead", &["workspace_id", "lead_id"]))
            .await?;
        m.create_index(index(
            "deals",
            "owner",
            &["workspace_id", "owner_member_id", "assigned_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("notes")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("deal_id"))
                .col(uuid_null("author_member_id"))
                .col(string("author_name"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("notes", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("notes", "deal_id", "deals"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notes", "deal", &["workspace_id", "deal_id", "created_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("jobs")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("deal_id"))
                .col(uuid("lead_id"))
                .col(string("title"))
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("jobs", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("jobs", "deal_id", "deals"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("jobs", "workspace_created", &["workspace_id", "created_at"]))
            .await?;
        m.create_index(index("jobs", "deal", &["workspace_id", "deal_id"]).unique().to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["jobs", "notes", "deals", "leads"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
