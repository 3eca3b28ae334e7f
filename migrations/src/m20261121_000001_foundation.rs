//! Accounts, workspaces, members, sessions, audit events, jobs, emails, pipelines.

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
                .table("users")
                .col(pk_uuid("id"))
                .col(string_uniq("email"))
                .col(string("name"))
                .col(text_null("password_hash"))
                .col(boolean("is_platform_admin").default(false))
                .col(text_null("totp_secret"))
                .col(text_null("totp_pending_secret"))
                .col(timestamp_with_time_zone_null("totp_enabled_at"))
                .col(big_integer_null("totp_last_step"))
                .col(text_null("recovery_codes"))
                .col(timestamp_with_time_zone("consent_at"))
                .col(string("consent_version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("workspaces")
                .col(pk_uuid("id"))
                .col(string("name"))
                .col(string("pack"))
                .col(boolean("require_owner_totp").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("members")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("user_id"))
                .col(string("role"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("members", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("members", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("members", "workspace_user", &["workspace_id", "user_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("members", "user", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("invitations")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("email"))
                .col(string("role"))
                .col(string_uniq("token_hash"))
                .col(uuid("invited_by_user_id"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("invitations", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("invitations", "workspace_email", &["workspace_id", "email"]))
            .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(pk_uuid("id"))
                .col(string_uniq("token_hash"))
                .col(uuid("user_id"))
                .col(uuid_null("workspace_id"))
                .col(boolean("mfa_pending").default(false))
                .col(text_null("ip"))
                .col(text_null("user_agent"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk("sessions", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", "user", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("auth_tokens")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("purpose"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(text_null("requested_ip"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("auth_tokens", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("auth_tokens", "user", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("event_chains")
                .col(uuid("workspace_id").primary_key())
                .col(big_integer("last_seq"))
                .col(string("last_hash"))
                .to_owned(),
        )
        .await?;

        // No foreign key to workspaces: the platform chain uses the nil id, and an
        // audit trail must outlive what it describes.
        m.create_table(
            Table::create()
                .table("events")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(big_integer("seq"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(uuid_null("actor_user_id"))
                .col(string("actor_label"))
                .col(string("entity"))
                .col(uuid_null("entity_id"))
                .col(string("action"))
                .col(text_null("before_json"))
                .col(text_null("after_json"))
                .col(text_null("ip"))
                .col(text_null("user_agent"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("events", "workspace_seq", &["workspace_id", "seq"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("events", "workspace_occurred", &["workspace_id", "occurred_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("queue_jobs")
                .col(pk_uuid("id"))
                .col(uuid_null("workspace_id"))
                .col(string("kind"))
                .col(text("payload"))
                .col(string("status"))
                .col(integer("attempts").default(0))
                .col(integer("max_attempts"))
                .col(timestamp_with_time_zone("run_at"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("queue_jobs", "status_run_at", &["status", "run_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("emails")
                .col(pk_uuid("id"))
                .col(uuid_null("workspace_id"))
                .col(string("to_address"))
                .col(uuid_null("to_user_id"))
                .col(string("kind"))
                .col(string("subject"))
                .col(text("body_text"))
                .col(text("body_html"))
                .col(string("status"))
                .col(integer("attempts").default(0))
                .col(string_null("transport"))
                .col(text_null("last_error"))
                .col(boolean("contains_secret").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("emails", "workspace_created", &["workspace_id", "created_at"]))
            .await?;
        m.create_index(index("emails", "to_address", &["to_address"])).await?;

        m.create_table(
            Table::create()
                .table("pipelines")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("name"))
                .col(integer("position"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("pipelines", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipelines", "workspace", &["workspace_id", "position"]))
            .await?;

        m.create_table(
            Table::create()
                .table("stages")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("pipeline_id"))
                .col(string("name"))
                .col(string("color"))
                .col(string("kind"))
                .col(integer("probability"))
                .col(integer("position"))
                .col(boolean("is_quote_stage").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("stages", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("stages", "pipeline_id", "pipelines"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "stages",
            "workspace_pipeline",
            &["workspace_id", "pipeline_id", "position"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "stages",
            "pipelines",
            "emails",
            "queue_jobs",
            "events",
            "event_chains",
            "auth_tokens",
            "sessions",
            "invitations",
            "members",
            "workspaces",
            "users",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
