//! Quotes: clients (contacts), the business's legal identity and quote
//! settings, quotes and their lines, gapless numbering counters, the
//! catalogue, stored files (PDFs, signatures, logos), portal tokens and
//! signature proofs.

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
                .table("contacts")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("name"))
                .col(string_null("company"))
                .col(string_null("email"))
                .col(string_null("phone"))
                .col(string_null("address"))
                .col(string_null("postcode"))
                .col(string_null("city"))
                .col(uuid_null("lead_id"))
                .col(timestamp_with_time_zone_null("portal_invited_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("contacts", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("contacts", "email", &["workspace_id", "email"]))
            .await?;
        m.create_index(index("contacts", "phone", &["workspace_id", "phone"]))
            .await?;
        m.create_index(index("contacts", "name", &["workspace_id", "name"]))
            .await?;

        m.alter_table(
            Table::alter()
                .table("emails")
                .add_column(uuid_null("attachment_file_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("files")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("kind"))
                .col(string("content_type"))
                .col(string("file_name"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("bytes"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("files", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("files", "workspace", &["workspace_id", "created_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("business_profiles")
                .col(pk_uuid("workspace_id"))
                .col(string("legal_name"))
                .col(string("legal_form"))
                .col(string("siret"))
                .col(string("registry"))
                .col(string("vat_number"))
                .col(string("address"))
                .col(string("postcode"))
                .col(string("city"))
                .col(string("phone"))
                .col(string("email"))
                .col(boolean("building_work"))
                .col(string("insurer"))
                .col(string("insurance_policy"))
                .col(string("insurance_cover"))
                .col(uuid_null("logo_file_id"))
                .col(string("accent_color"))
                .col(string("template"))
                .col(text("header_text"))
                .col(text("footer_text"))
                .col(text("conditions_text"))
                .col(text("payment_terms"))
                .col(integer("validity_days"))
                .col(boolean("reminders_enabled"))
                .col(string("reminder_days"))
                .col(boolean("allow_decline"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("business_profiles", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("quotes")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid_null("contact_id"))
                .col(string("client_name"))
                .col(string("client_company"))
                .col(string("client_email"))
                .col(string("client_phone"))
                .col(string("client_address"))
                .col(string("client_postcode"))
                .col(string("client_city"))
                .col(uuid_null("deal_id"))
                .col(string_null("number"))
                .col(integer("version"))
                .col(uuid_null("supersedes_id"))
                .col(string("status"))
                .col(string("title"))
                .col(string("site_address"))
                .col(string("site_postcode"))
                .col(string("site_city"))
                .col(string("template"))
                .col(string("deposit_kind"))
                .col(big_integer("deposit_value"))
                .col(date_null("valid_until"))
                .col(text("payment_terms"))
                .col(text("notes"))
                .col(boolean("free_quote"))
                .col(big_integer("quote_fee_cents"))
                .col(big_integer("total_ht_cents"))
                .col(big_integer("total_vat_cents"))
                .col(big_integer("total_ttc_cents"))
                .col(uuid_null("created_by_member_id"))
                .col(boolean("reminders_enabled"))
                .col(integer("reminders_sent"))
                .col(uuid_null("pdf_file_id"))
                .col(string_null("pdf_sha256"))
                .col(uuid_null("signed_pdf_file_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone_null("viewed_at"))
                .col(timestamp_with_time_zone_null("signed_at"))
                .col(timestamp_with_time_zone_null("declined_at"))
                .col(string_null("decline_reason"))
                .col(timestamp_with_time_zone_null("expired_at"))
                .foreign_key(&mut fk("quotes", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("quotes", "contact_id", "contacts"))
                .foreign_key(&mut fk("quotes", "deal_id", "deals"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("quotes", "number", &["workspace_id", "number"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("quotes", "updated", &["workspace_id", "updated_at"]))
            .await?;
        m.create_index(index("quotes", "status", &["workspace_id", "status", "updated_at"]))
            .await?;
        m.create_index(index("quotes", "deal", &["workspace_id", "deal_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("quote_lines")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("quote_id"))
                .col(integer("position"))
                .col(string("kind"))
                .col(text("description"))
                .col(big_integer("quantity"))
                .col(string("unit"))
                .col(big_integer("unit_price_cents"))
                .col(integer("vat_bp"))
                .col(string("discount_kind"))
                .col(big_integer("discount_value"))
                .foreign_key(&mut fk("quote_lines", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("quote_lines", "quote_id", "quotes"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("quote_lines", "quote", &["workspace_id", "quote_id", "position"]))
            .await?;

        m.create_table(
            Table::create()
                .table("quote_counters")
                .col(uuid("workspace_id"))
                .col(integer("year"))
                .col(integer("last_number"))
                .primary_key(Index::create().col("workspace_id").col("year"))
                .foreign_key(&mut fk("quote_counters", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("catalogue_items")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(text("description"))
                .col(string("unit"))
                .col(big_integer("unit_price_cents"))
                .col(integer("vat_bp"))
                .col(boolean("archived"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("catalogue_items", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("catalogue_items", "workspace", &["workspace_id", "archived"]))
            .await?;

        m.create_table(
            Table::create()
                .table("portal_tokens")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("quote_id"))
                .col(uuid("contact_id"))
                .col(string("token_hash"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_opened_at"))
                .col(integer("open_count"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("portal_tokens", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("portal_tokens", "quote_id", "quotes"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("portal_tokens", "hash", &["token_hash"]).unique().to_owned())
            .await?;
        m.create_index(index("portal_tokens", "quote", &["workspace_id", "quote_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("quote_signatures")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("quote_id"))
                .col(string("signer_name"))
                .col(string("signer_email"))
                .col(text("mention"))
                .col(timestamp_with_time_zone("signed_at"))
                .col(string("ip"))
                .col(text("user_agent"))
                .col(string("pdf_sha256"))
                .col(uuid("signature_file_id"))
                .col(uuid("signed_pdf_file_id"))
                .foreign_key(&mut fk("quote_signatures", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("quote_signatures", "quote_id", "quotes"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("quote_signatures", "quote", &["workspace_id", "quote_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "quote_signatures",
            "portal_tokens",
            "catalogue_items",
            "quote_counters",
            "quote_lines",
            "quotes",
            "business_profiles",
            "files",
            "contacts",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table("emails")
                .drop_column("attachment_file_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
