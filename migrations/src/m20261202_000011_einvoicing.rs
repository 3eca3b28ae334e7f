//! E-invoicing through a Plateforme Agréée: the platform state of each
//! invoice, every flow exchanged with the platform (sent invoices and
//! payment reports, received lifecycle statuses and supplier invoices),
//! the supplier invoices received, which workspace speaks for which SIREN
//! on the platform, and where each workspace's reading of
//! its incoming flows stopped. Also the chart of accounts of the FEC,
//! editable in the invoicing settings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn add_to(m: &SchemaManager<'_>, table: &'static str, column: ColumnDef) -> Result<(), DbErr> {
    // One column per statement: SQLite alters one at a time.
    m.alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

async fn add_column(m: &SchemaManager<'_>, column: ColumnDef) -> Result<(), DbErr> {
    add_to(m, "invoices", column).await
}

/// The FEC's accounts, editable per workspace (plan comptable général defaults).
const ACCOUNTS: [(&str, &str); 8] = [
    ("account_clients", "411000"),
    ("account_services", "706000"),
    ("account_goods", "707000"),
    ("account_vat_standard", "445712"),
    ("account_vat_intermediate", "445711"),
    ("account_vat_reduced", "445713"),
    ("account_vat_super_reduced", "445714"),
    ("account_bank", "512000"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(m, string("client_einvoice_address").default("").to_owned()).await?;
        add_column(m, timestamp_with_time_zone_null("pa_requested_at").to_owned()).await?;
        add_column(m, string_null("pa_flow_id").to_owned()).await?;
        add_column(m, integer_null("pa_status").to_owned()).await?;
        add_column(m, text_null("pa_detail").to_owned()).await?;
        add_column(m, timestamp_with_time_zone_null("pa_status_at").to_owned()).await?;
        for (column, default) in ACCOUNTS {
            add_to(m, "invoice_settings", string(column).default(default).to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table("einvoice_flows")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("direction"))
                .col(string("kind"))
                .col(string("flow_id"))
                .col(string("tracking_id"))
                .col(uuid_null("invoice_id"))
                .col(uuid_null("received_invoice_id"))
                .col(integer_null("status_code"))
                .col(text("detail"))
                .col(string("file_name"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("einvoice_flows", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("einvoice_flows", "flow", &["workspace_id", "direction", "flow_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("einvoice_flows", "invoice", &["workspace_id", "invoice_id"]))
            .await?;
        m.create_index(index("einvoice_flows", "created", &["workspace_id", "created_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("received_invoices")
                .col(pk_uuid("id"))
                .col(uuid("workspace_id"))
                .col(string("flow_id"))
                .col(string("number"))
                .col(string("type_code"))
                .col(string("seller_name"))
                .col(string("seller_siren"))
                .col(date_null("issue_date"))
                .col(date_null("due_date"))
                .col(string("currency"))
                .col(big_integer("total_ht_cents"))
                .col(big_integer("total_vat_cents"))
                .col(big_integer("total_ttc_cents"))
                .col(big_integer("due_cents"))
                .col(uuid("file_id"))
                .col(integer_null("status_code"))
                .col(timestamp_with_time_zone("received_at"))
                .foreign_key(&mut fk("received_invoices", "workspace_id", "workspaces"))
                .foreign_key(&mut fk("received_invoices", "file_id", "files"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("received_invoices", "flow", &["workspace_id", "flow_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("received_invoices", "received", &["workspace_id", "received_at"]))
            .await?;

        // One workspace per SIREN on the platform: the company's flows are
        // read and sent by that workspace only.
        m.create_table(
            Table::create()
                .table("einvoice_enrolments")
                .col(string("siren").primary_key())
                .col(uuid("workspace_id"))
                .col(timestamp_with_time_zone("enrolled_at"))
                .foreign_key(&mut fk("einvoice_enrolments", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("einvoice_enrolments", "workspace", &["workspace_id"])
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("einvoice_cursors")
                .col(uuid("workspace_id").primary_key())
                .col(string("cursor"))
                .col(timestamp_with_time_zone("polled_at"))
                .foreign_key(&mut fk("einvoice_cursors", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "einvoice_cursors",
            "einvoice_enrolments",
            "received_invoices",
            "einvoice_flows",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [
            "pa_status_at",
            "pa_detail",
            "pa_status",
            "pa_flow_id",
            "pa_requested_at",
            "client_einvoice_address",
        ] {
            m.alter_table(Table::alter().table("invoices").drop_column(column).to_owned())
                .await?;
        }
        for (column, _) in ACCOUNTS {
            m.alter_table(Table::alter().table("invoice_settings").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
