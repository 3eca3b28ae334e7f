//! The artisan marketplace: artisan profiles and their trades, compliance
//! documents, public requests, the routing verdicts of each request (who got
//! a deal and why the others did not), the platform's routing settings, the
//! link from a workspace's lead to the request it came from, and each
//! workspace's public slug (its own request form at `/w/{slug}/demande`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("artisan_profiles")
                .col(pk_uuid("member_id"))
                .col(uuid("workspace_id"))
                .col(string("phone"))
                .col(string("address"))
                .col(string("postcode"))
                .col(string("city"))
                .col(string("insee"))
                .col(double("latitude"))
                .col(double("longitude"))
                .col(string("geo_source"))
                .col(integer("radius_km"))
                .col(integer("weekly_capacity"))
                .col(boolean("available"))
                // Routing statistics, refreshed by the scheduler.
                .col(small_integer_null("member_score"))
                .col(double_null("response_hours"))
                .col(double_null("acceptance_rate"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("artisan_profiles", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("artisan_profiles", "member_id", "members"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("artisan_profiles", "workspace", &["workspace_id"]))
            .await?;
        m.create_index(index("artisan_profiles", "place", &["latitude", "longitude"]))
            .await?;

        m.create_table(
            Table::create()
                .table("artisan_trades")
                .col(string("trade"))
                .col(uuid("member_id"))
                .col(uuid("workspace_id"))
                .primary_key(Index::create().col("trade").col("member_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_artisan_trades_member_id")
                        .from("artisan_trades", "member_id")
                        .to("artisan_profiles", "member_id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("artisan_trades", "member", &["workspace_id", "member_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("artisan_documents")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("member_id"))
                .col(string("kind"))
                .col(string("insurer"))
                .col(string("policy_number"))
                .col(string("cover"))
                .col(string("rge_domains"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string("file_key"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(string("status"))
                .col(text_null("reject_reason"))
                .col(uuid_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                // The last expiry reminder sent (30, 7, 0 days before the end).
                .col(integer_null("reminded_days"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("artisan_documents", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "artisan_documents",
            "member",
            &["workspace_id", "member_id", "kind"],
        ))
        .await?;
        m.create_index(index("artisan_documents", "status", &["status", "created_at"]))
            .await?;
        m.create_index(index("artisan_documents", "ends", &["ends_on"])).await?;

        m.create_table(
            Table::create()
                .table("market_requests")
                .col(pk_uuid("id"))
                // The workspace whose own form took it; NULL: the platform's.
                .col(uuid_null("workspace_id"))
                // SHA-256 of the link the requester follows it with.
                .col(string("follow_token_hash"))
                .col(string("trade"))
                .col(text("description"))
                .col(string("postcode"))
                .col(string("city"))
                .col(string("insee"))
                .col(string("address"))
                .col(double("latitude"))
                .col(double("longitude"))
                .col(string("geo_source"))
                .col(string("budget"))
                .col(date_null("desired_on"))
                .col(string("name"))
                .col(string("email"))
                .col(string("phone"))
                .col(timestamp_with_time_zone("consent_at"))
                .col(string("status"))
                .col(integer("repeats"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("market_requests", "follow", &["follow_token_hash"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("market_requests", "status", &["status", "created_at"]))
            .await?;
        m.create_index(index("market_requests", "email", &["email", "trade", "created_at"]))
            .await?;
        m.create_index(index("market_requests", "phone", &["phone", "trade", "created_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("market_routes")
                .col(pk_uuid("id"))
                .col(uuid("request_id"))
                .col(uuid("workspace_id"))
                .col(uuid("member_id"))
                .col(boolean("eligible"))
                .col(boolean("picked"))
                .col(double("distance_km"))
                .col(integer("score"))
                .col(text("exclusions"))
                .col(uuid_null("lead_id"))
                .col(uuid_null("deal_id"))
                .col(string("assigned_by"))
                .col(timestamp_with_time_zone_null("assigned_at"))
                .col(timestamp_with_time_zone_null("reminded_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("market_routes", "request_id", "market_requests"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("market_routes", "request", &["request_id", "member_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "market_routes",
            "member",
            &["workspace_id", "member_id", "assigned_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("market_settings")
                .col(pk_auto("id"))
                .col(integer("top_n"))
                .col(integer("remind_after_hours"))
                .col(integer("reassign_after_hours"))
                .col(integer("quote_follow_up_days"))
                .col(integer("close_after_days"))
                .to_owned(),
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table("leads")
                .add_column(uuid_null("request_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("leads", "request", &["request_id"])).await?;

        m.alter_table(
            Table::alter()
                .table("workspaces")
                .add_column(string_null("slug"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("workspaces", "slug", &["slug"]).unique().to_owned())
            .await?;
        backfill_slugs(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::helpers::drop_index(m, "ix_workspaces_slug").await?;
        m.alter_table(Table::alter().table("workspaces").drop_column("slug").to_owned())
            .await?;
        crate::helpers::drop_index(m, "ix_leads_request").await?;
        m.alter_table(Table::alter().table("leads").drop_column("request_id").to_owned())
            .await?;
        for table in [
            "market_settings",
            "market_routes",
            "market_requests",
            "artisan_documents",
            "artisan_trades",
            "artisan_profiles",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// Slugs of the existing workspaces, as `domain::validation::slug` made them
/// when this migration was written (a frozen copy: a migration must not
/// change with the application code).
async fn backfill_slugs(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(backend, "SELECT id, name FROM workspaces"))
        .await?;
    for row in rows {
        let id: sea_orm_migration::sea_orm::prelude::Uuid = row.try_get("", "id")?;
        let name: String = row.try_get("", "name")?;
        let sql = match backend {
            sea_orm_migration::sea_orm::DbBackend::Postgres => "UPDATE workspaces SET slug = $1 WHERE id = $2",
            _ => "UPDATE workspaces SET slug = ? WHERE id = ?",
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [slug(&name, &id.simple().to_string()).into(), id.into()],
        ))
        .await?;
    }
    Ok(())
}

fn slug(name: &str, id_hex: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c != '-' || !out.ends_with('-') {
            out.push(c);
        }
    }
    let base: String = out.trim_matches('-').chars().take(40).collect();
    let tail = &id_hex[id_hex.len().saturating_sub(6)..];
    format!("{}-{tail}", base.trim_end_matches('-'))
}
