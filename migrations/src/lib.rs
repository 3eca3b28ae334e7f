//! Database migrations. Every migration runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261121_000001_foundation;
mod m20261122_000002_pipeline;
mod m20261123_000003_deals_closed_value;
mod m20261124_000004_quotes;
mod m20261125_000005_setter;
mod m20261129_000006_security;
mod m20261130_000007_domain_events;
mod m20261130_000008_setter_cohorts;
mod m20261130_000009_external_id_first;
mod m20261201_000010_invoices;
mod m20261202_000011_einvoicing;
mod m20261203_000012_marketplace;
mod m20261205_000013_request_photos;
mod m20261206_000014_routable_span;
mod m20261207_000015_field_jobs;
mod m20261208_000016_job_checks;

/// All migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_foundation::Migration),
            Box::new(m20261122_000002_pipeline::Migration),
            Box::new(m20261123_000003_deals_closed_value::Migration),
            Box::new(m20261124_000004_quotes::Migration),
            Box::new(m20261125_000005_setter::Migration),
            Box::new(m20261129_000006_security::Migration),
            Box::new(m20261130_000007_domain_events::Migration),
            Box::new(m20261130_000008_setter_cohorts::Migration),
            Box::new(m20261130_000009_external_id_first::Migration),
            Box::new(m20261201_000010_invoices::Migration),
            Box::new(m20261202_000011_einvoicing::Migration),
            Box::new(m20261203_000012_marketplace::Migration),
            Box::new(m20261205_000013_request_photos::Migration),
            Box::new(m20261206_000014_routable_span::Migration),
            Box::new(m20261207_000015_field_jobs::Migration),
            Box::new(m20261208_000016_job_checks::Migration),
        ]
    }
}
