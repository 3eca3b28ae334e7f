//! The DM-setter feed and KPI dashboards: API keys, the setter's leads,
//! messages and status changes (raw rows), per-workspace per-day aggregates
//! maintained in the same transaction as each write, and the coach's
//! estimate settings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Counters of `setter_daily`, all `BIGINT NOT NULL DEFAULT 0`.
const DAILY_COUNTERS: &[&str] = &[
    "leads_new",
    "msg_out",
    "msg_in",
    "m1_sent",
    "m2_sent",
    "m3_sent",
    "m4_sent",
    "m1_replied",
    "m2_replied",
    "m3_replied",
    "m4_replied",
    "qualified",
    "calls_proposed",
    "calls_booked",
    "won",
    "lost",
    "revenue_cents",
    "tta_sum_minutes",
    "tta_count",
    "with_email",
    "male",
    "female",
    "other_gender",
    "age_sum",
    "age_count",
    "st_new",
    "st_engaged",
    "st_qualified",
    "st_call_proposed",
    "st_call_booked",
    "st_won",
    "st_lost",
    "st_follow_up",
    "r_h00",
    "r_h01",
    "r_h02",
    "r_h03",
    "r_h04",
    "r_h05",
    "r_h06",
    "r_h07",
    "r_h08",
    "r_h09",
    "r_h10",
    "r_h11",
    "r_h12",
    "r_h13",
    "r_h14",
    "r_h15",
    "r_h16",
    "r_h17",
    "r_h18",
    "r_h19",
    "r_h20",
    "r_h21",
    "r_h22",
    "r_h23",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("api_keys")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("name"))
                .col(string("prefix"))
                .col(string("key_hash"))
                .col(uuid_null("created_by_user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("api_keys", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("api_keys", "hash", &["key_hash"]).unique().to_owned())
            .await?;
        m.create_index(index("api_keys", "workspace", &["workspace_id", "created_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("setter_leads")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("instagram_id"))
                .col(string_null("manychat_id"))
                .col(string_null("username"))
                .col(string("first_name"))
                .col(string("last_name"))
                .col(string_null("email"))
                .col(integer_null("age"))
                .col(string("gender"))
                .col(string_null("job_title"))
                .col(string("source"))
                .col(string("status"))
                .col(timestamp_with_time_zone_null("status_changed_at"))
                .col(big_integer_null("deal_value_cents"))
                .col(string_null("lost_reason"))
                .col(uuid_null("lead_id"))
                .col(uuid_null("deal_id"))
                .col(integer("msgs_out").default(0))
                .col(integer("msgs_in").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("last_contact_at"))
                .col(timestamp_with_time_zone_null("qualified_at"))
                .col(timestamp_with_time_zone_null("call_proposed_at"))
                .col(timestamp_with_time_zone_null("call_booked_at"))
                .col(timestamp_with_time_zone_null("won_at"))
                .col(timestamp_with_time_zone_null("lost_at"))
                .foreign_key(&mut fk("setter_leads", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("setter_leads", "instagram", &["workspace_id", "instagram_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "setter_leads",
            "status",
            &["workspace_id", "status", "last_contact_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("setter_messages")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("setter_lead_id"))
                .col(string("external_id"))
                .col(string("direction"))
                .col(integer_null("number"))
                .col(text("text"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(timestamp_with_time_zone_null("replied_at"))
                .foreign_key(&mut fk("setter_messages", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("setter_messages", "setter_lead_id", "setter_leads"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("setter_messages", "external", &["workspace_id", "external_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "setter_messages",
            "lead",
            &["setter_lead_id", "direction", "sent_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("setter_status_changes")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("setter_lead_id"))
                .col(string("external_id"))
                .col(string("status"))
                .col(big_integer_null("deal_value_cents"))
                .col(string_null("reason"))
                .col(timestamp_with_time_zone("occurred_at"))
                .foreign_key(&mut fk("setter_status_changes", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("setter_status_changes", "setter_lead_id", "setter_leads"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("setter_status_changes", "external", &["workspace_id", "external_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "setter_status_changes",
            "lead",
            &["setter_lead_id", "occurred_at"],
        ))
        .await?;

        let mut daily = Table::create();
        daily
            .table("setter_daily")
            .col(uuid("workspace_id"))
            .col(date("day"))
            .primary_key(&mut Index::create().col("workspace_id").col("day").to_owned())
            .foreign_key(&mut fk("setter_daily", "workspace_id", "workspaces"));
        for counter in DAILY_COUNTERS {
            daily.col(big_integer(*counter).default(0));
        }
        m.create_table(daily.to_owned()).await?;

        m.create_table(
            Table::create()
                .table("setter_dims")
                .col(uuid("workspace_id"))
                .col(date("day"))
                .col(string("dim"))
                .col(string("value"))
                .col(big_integer("n").default(0))
                .primary_key(
                    &mut Index::create()
                        .col("workspace_id")
                        .col("day")
                        .col("dim")
                        .col("value")
                        .to_owned(),
                )
                .foreign_key(&mut fk("setter_dims", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("coach_settings")
                .col(pk_uuid("workspace_id"))
                .col(integer("lead_magnet_pct"))
                .col(integer("no_show_pct"))
                .col(integer("ai_efficiency_pct"))
                .col(integer("minutes_per_message"))
                .col(big_integer("monthly_cost_cents"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("coach_settings", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;

        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "coach_settings",
            "setter_dims",
            "setter_daily",
            "setter_status_changes",
            "setter_messages",
            "setter_leads",
            "api_keys",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
