//! Funnel rates on one cohort, and the latest reported value of a win.
//!
//! The coach dashboard divided the funnel steps reached in a period by the
//! leads created in it: on short periods a rate went above 100 %. Each day's
//! row now also counts, among the leads created that day, how many reached
//! each step (ever): the rates divide those by the same cohort. Existing rows
//! are filled from the prospects.
//!
//! `setter_leads.won_value_at`: when the value of a win was reported, so that
//! the latest report stands whatever order the reports arrive in.

use chrono_tz::Europe::Paris;
use sea_orm::prelude::{DateTimeUtc, Uuid};
use sea_orm::{DbBackend, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use std::collections::BTreeMap;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new per-day cohort counters.
const COLUMNS: [&str; 5] = ["c_qualified", "c_call_proposed", "c_call_booked", "c_won", "c_lost"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("setter_daily")
                    .add_column(big_integer(col).default(0))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("setter_leads")
                .add_column(timestamp_with_time_zone_null("won_value_at"))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let backend = db.get_database_backend();
        let sql = |s: &str| match backend {
            DbBackend::Postgres => s.to_string(),
            _ => s.replace('$', "?"),
        };
        db.execute_raw(Statement::from_string(
            backend,
            "UPDATE setter_leads SET won_value_at = won_at WHERE won_at IS NOT NULL",
        ))
        .await?;
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT workspace_id, created_at, qualified_at, call_proposed_at, call_booked_at, won_at, lost_at \
                 FROM setter_leads",
            ))
            .await?;
        let mut cohorts: BTreeMap<(Uuid, chrono::NaiveDate), [i64; 5]> = BTreeMap::new();
        for row in rows {
            let ws: Uuid = row.try_get("", "workspace_id")?;
            let created: DateTimeUtc = row.try_get("", "created_at")?;
            let day = created.with_timezone(&Paris).date_naive();
            let counts = cohorts.entry((ws, day)).or_default();
            for (i, col) in [
                "qualified_at",
                "call_proposed_at",
                "call_booked_at",
                "won_at",
                "lost_at",
            ]
            .into_iter()
            .enumerate()
            {
                if row.try_get::<Option<DateTimeUtc>>("", col)?.is_some() {
                    counts[i] += 1;
                }
            }
        }
        for ((ws, day), counts) in cohorts {
            if counts.iter().all(|n| *n == 0) {
                continue;
            }
            let set: Vec<String> = COLUMNS
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = ${}", i + 1))
                .collect();
            let mut values: Vec<sea_orm::Value> = counts.iter().map(|n| (*n).into()).collect();
            values.push(ws.into());
            values.push(day.into());
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql(&format!(
                    "UPDATE setter_daily SET {} WHERE workspace_id = $6 AND day = $7",
                    set.join(", ")
                )),
                values,
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("setter_leads")
                .drop_column("won_value_at")
                .to_owned(),
        )
        .await?;
        for col in COLUMNS {
            m.alter_table(Table::alter().table("setter_daily").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
