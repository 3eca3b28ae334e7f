//! Funnel rates on one cohort, and the latest reported value of a win.
//!
//! The coach dashboard divided the funnel steps reached in a period by the
//! leads created in it: on short periods a rate went above 100 %. Each day's
//! row now also counts, among the leads created that day, how many reached
//! each step (ever): the rates divide those by the same cohort. Existing rows
//! are filled from the prospects.
//!
//! `setter_leads.won_value_at`: when the value of a win was reported, so that
//! the latest report stands whatever order the reports arrive in. Existing
//! wins take the value of their latest report (the revenue of their day
//! follows), and existing replies are credited again by time (a reply
//! answers the latest message sent at or before it, not the latest that had
//! arrived): the same rules the feed now applies to new events.

use chrono_tz::Europe::Paris;
use sea_orm::prelude::{DateTimeUtc, Uuid};
use sea_orm::{DbBackend, Statement};
use sea_orm_migration::SchemaManagerConnection;
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
        db.execute_raw(Statement::from_string(
            backend,
            "UPDATE setter_leads SET won_value_at = won_at WHERE won_at IS NOT NULL",
        ))
        .await?;
        latest_win_values(db, backend).await?;
        credit_replies_by_time(db, backend).await?;
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
                sql(
                    backend,
                    &format!(
                        "UPDATE setter_daily SET {} WHERE workspace_id = $6 AND day = $7",
                        set.join(", ")
                    ),
                ),
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

fn paris_day(t: DateTimeUtc) -> chrono::NaiveDate {
    t.with_timezone(&Paris).date_naive()
}

/// `$n` placeholders on PostgreSQL, `?` on SQLite.
fn sql(backend: DbBackend, s: &str) -> String {
    match backend {
        DbBackend::Postgres => s.to_string(),
        // `$1` → `?` (the numbers follow the order of the values).
        _ => {
            let mut out = String::with_capacity(s.len());
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '$' {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// Adds `n` to a counter column of one day's row.
async fn add_to_day(
    db: &SchemaManagerConnection<'_>,
    backend: DbBackend,
    column: &str,
    ws: Uuid,
    day: chrono::NaiveDate,
    n: i64,
) -> Result<(), DbErr> {
    if n == 0 {
        return Ok(());
    }
    let statement = match backend {
        DbBackend::Postgres => {
            format!("UPDATE setter_daily SET {column} = {column} + $1 WHERE workspace_id = $2 AND day = $3")
        }
        _ => format!("UPDATE setter_daily SET {column} = {column} + ? WHERE workspace_id = ? AND day = ?"),
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        statement,
        [n.into(), ws.into(), day.into()],
    ))
    .await?;
    Ok(())
}

/// A win's value is its latest report's (the first one's, before).
async fn latest_win_values(db: &SchemaManagerConnection<'_>, backend: DbBackend) -> Result<(), DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT l.id AS lead_id, l.workspace_id, l.won_at, l.deal_value_cents AS old_value, \
             c.deal_value_cents AS value, c.occurred_at \
             FROM setter_leads l JOIN setter_status_changes c ON c.setter_lead_id = l.id AND c.status = 'won' \
             WHERE l.won_at IS NOT NULL ORDER BY l.id, c.occurred_at, c.id",
        ))
        .await?;
    // The last row of each prospect is its latest report.
    // (workspace, won at, value before, latest value, reported at)
    type Win = (Uuid, DateTimeUtc, Option<i64>, Option<i64>, DateTimeUtc);
    let mut latest: BTreeMap<Uuid, Win> = BTreeMap::new();
    for row in rows {
        let lead: Uuid = row.try_get("", "lead_id")?;
        latest.insert(
            lead,
            (
                row.try_get("", "workspace_id")?,
                row.try_get("", "won_at")?,
                row.try_get("", "old_value")?,
                row.try_get("", "value")?,
                row.try_get("", "occurred_at")?,
            ),
        );
    }
    for (lead, (ws, won_at, old, value, at)) in latest {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql(
                backend,
                "UPDATE setter_leads SET deal_value_cents = $1, won_value_at = $2 WHERE id = $3",
            ),
            [value.into(), at.into(), lead.into()],
        ))
        .await?;
        let delta = value.unwrap_or(0) - old.unwrap_or(0);
        add_to_day(db, backend, "revenue_cents", ws, paris_day(won_at), delta).await?;
    }
    Ok(())
}

/// One stored message, for crediting replies.
struct Dm {
    id: Uuid,
    at: DateTimeUtc,
    outgoing: bool,
    external_id: String,
    number: Option<i32>,
    replied_at: Option<DateTimeUtc>,
}

/// Credits every reply to the latest message sent at or before it (ties:
/// the greater external id), 1,000 prospects at a time; moves the
/// `m1_replied`…`m4_replied` counters of the days concerned.
async fn credit_replies_by_time(db: &SchemaManagerConnection<'_>, backend: DbBackend) -> Result<(), DbErr> {
    let mut after: Option<Uuid> = None;
    loop {
        let page = match after {
            None => {
                db.query_all_raw(Statement::from_string(
                    backend,
                    "SELECT id, workspace_id FROM setter_leads ORDER BY id LIMIT 1000",
                ))
                .await?
            }
            Some(last) => {
                db.query_all_raw(Statement::from_sql_and_values(
                    backend,
                    sql(
                        backend,
                        "SELECT id, workspace_id FROM setter_leads WHERE id > $1 ORDER BY id LIMIT 1000",
                    ),
                    [last.into()],
                ))
                .await?
            }
        };
        if page.is_empty() {
            return Ok(());
        }
        let mut workspace_of: BTreeMap<Uuid, Uuid> = BTreeMap::new();
        for row in &page {
            workspace_of.insert(row.try_get("", "id")?, row.try_get("", "workspace_id")?);
        }
        after = workspace_of.keys().next_back().copied();
        let ids: Vec<Uuid> = workspace_of.keys().copied().collect();
        let placeholders: Vec<String> = (1..=ids.len())
            .map(|i| match backend {
                DbBackend::Postgres => format!("${i}"),
                _ => "?".to_string(),
            })
            .collect();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT id, setter_lead_id, external_id, direction, number, sent_at, replied_at \
                     FROM setter_messages WHERE setter_lead_id IN ({})",
                    placeholders.join(", ")
                ),
                ids.iter().map(|id| (*id).into()).collect::<Vec<sea_orm::Value>>(),
            ))
            .await?;
        let mut by_lead: BTreeMap<Uuid, Vec<Dm>> = BTreeMap::new();
        for row in rows {
            let direction: String = row.try_get("", "direction")?;
            by_lead.entry(row.try_get("", "setter_lead_id")?).or_default().push(Dm {
                id: row.try_get("", "id")?,
                at: row.try_get("", "sent_at")?,
                outgoing: direction == "out",
                external_id: row.try_get("", "external_id")?,
                number: row.try_get("", "number")?,
                replied_at: row.try_get("", "replied_at")?,
            });
        }
        for (lead, mut dms) in by_lead {
            dms.sort_by(|a, b| (a.at, !a.outgoing, &a.external_id).cmp(&(b.at, !b.outgoing, &b.external_id)));
            let mut first_reply: Vec<Option<DateTimeUtc>> = vec![None; dms.len()];
            let mut latest_out: Option<usize> = None;
            for (i, dm) in dms.iter().enumerate() {
                if dm.outgoing {
                    latest_out = Some(i);
                } else if let Some(o) = latest_out {
                    first_reply[o].get_or_insert(dm.at);
                }
            }
            let ws = workspace_of[&lead];
            for (dm, replied_at) in dms.iter().zip(first_reply) {
                if !dm.outgoing || dm.replied_at == replied_at {
                    continue;
                }
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    sql(backend, "UPDATE setter_messages SET replied_at = $1 WHERE id = $2"),
                    [replied_at.into(), dm.id.into()],
                ))
                .await?;
                if let Some(n @ 1..=4) = dm.number
                    && dm.replied_at.is_some() != replied_at.is_some()
                {
                    let sign = if replied_at.is_some() { 1 } else { -1 };
                    add_to_day(db, backend, &format!("m{n}_replied"), ws, paris_day(dm.at), sign).await?;
                }
            }
        }
    }
}
