//! Invoices: the invoice settings of a workspace, invoices and credit notes
//! with their lines, gapless counters per series (`F`, `A`) and year, and
//! payments.

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
                .table("invoice_settings")
                .col(uuid("workspace_id").primary_key())
                .col(string("operation"))
                .col(integer("due_days"))
                .col(text("late_penalty"))
                .col(text("early_discount"))
                .col(boolean("vat_on_debits"))
                .col(string("iban"))
                .col(string("bic"))
                .col(boolean("reminders_enabled"))
                .col(string("reminder_days"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("invoice_settings", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("invoices")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("kind"))
                .col(string("status"))
                .col(string_null("number"))
                .col(uuid_null("quote_id"))
                .col(uuid_null("deal_id"))
                .col(uuid_null("contact_id"))
                .col(uuid_null("corrects_id"))
                .col(string("title"))
                .col(string("client_name"))
                .col(string("client_company"))
                .col(string("client_email"))
                .col(string("client_address"))
                .col(string("client_postcode"))
                .col(string("client_city"))
                .col(string("client_siren"))
                .col(string("client_vat_number"))
                .col(string("site_address"))
                .col(string("site_postcode"))
                .col(string("site_city"))
                .col(string("operation"))
                .col(boolean("reverse_charge"))
                .col(boolean("vat_on_debits"))
                .col(boolean("reduced_rate_certified"))
                .col(integer("progress_bp"))
                .col(integer("holdback_bp"))
                .col(date_null("issue_date"))
                .col(date_null("supply_date"))
                .col(date_null("due_date"))
                .col(integer("due_days"))
                .col(text("payment_terms"))
                .col(text("late_penalty"))
                .col(text("early_discount"))
                .col(text("notes"))
                .col(boolean("reminders_enabled"))
                .col(integer("reminders_sent"))
                .col(big_integer("total_ht_cents"))
                .col(big_integer("total_vat_cents"))
                .col(big_integer("total_ttc_cents"))
                .col(big_integer("holdback_cents"))
                .col(big_integer("credited_cents"))
                .col(big_integer("paid_cents"))
                .col(uuid_null("pdf_file_id"))
                .col(string_null("pdf_sha256"))
                .col(uuid_null("created_by_member_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("issued_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .foreign_key(&mut fk("invoices", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("invoices", "updated", &["workspace_id", "updated_at"]))
            .await?;
        m.create_index(index("invoices", "quote", &["workspace_id", "quote_id"]))
            .await?;
        m.create_index(index("invoices", "issued", &["workspace_id", "issue_date"]))
            .await?;
        m.create_index(
            index("invoices", "number", &["workspace_id", "number"])
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("invoice_lines")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("invoice_id"))
                .col(integer("position"))
                .col(string("kind"))
                .col(text("description"))
                .col(big_integer("quantity"))
                .col(string("unit"))
                .col(big_integer("unit_price_cents"))
                .col(integer("vat_bp"))
                .col(string("discount_kind"))
                .col(big_integer("discount_value"))
                .col(uuid_null("quote_line_id"))
                .col(integer("progress_bp"))
                .col(uuid_null("deducts_invoice_id"))
                .foreign_key(&mut fk("invoice_lines", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("invoice_lines", "invoice_id", "invoices"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "invoice_lines",
            "invoice",
            &["workspace_id", "invoice_id", "position"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("invoice_counters")
                .col(uuid("workspace_id"))
                .col(string("series"))
                .col(integer("year"))
                .col(integer("last_number"))
                .primary_key(Index::create().col("workspace_id").col("series").col("year"))
                .foreign_key(&mut fk("invoice_counters", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("payments")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(uuid("invoice_id"))
                .col(date("paid_on"))
                .col(big_integer("amount_cents"))
                .col(string("method"))
                .col(string("reference"))
                .col(uuid_null("created_by_member_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("payments", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("payments", "invoice_id", "invoices"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("payments", "invoice", &["workspace_id", "invoice_id"]))
            .await?;
        m.create_index(index("payments", "paid_on", &["workspace_id", "paid_on"]))
            .await?;

        m.create_table(
            Table::create()
                .table("finance_months")
                .col(uuid("workspace_id"))
                .col(string("month"))
                .col(big_integer("invoiced_cents"))
                .col(big_integer("credited_cents"))
                .col(big_integer("collected_cents"))
                .col(big_integer("deposits_cents"))
                .col(big_integer("finals_cents"))
                .col(big_integer("paid_invoices"))
                .col(big_integer("days_to_pay"))
                .primary_key(Index::create().col("workspace_id").col("month"))
                .foreign_key(&mut fk("finance_months", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "finance_months",
            "payments",
            "invoice_counters",
            "invoice_lines",
            "invoices",
            "invoice_settings",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
