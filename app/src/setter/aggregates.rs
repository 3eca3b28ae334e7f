//! Per-workspace, per-day KPI aggregates (`setter_daily`, `setter_dims`),
//! changed in the same transaction as the rows they count. A batch first
//! accumulates its changes in [`Deltas`], then adds them with one upsert per
//! table (`ON CONFLICT … DO UPDATE SET c = c + excluded.c`, the same SQL on
//! SQLite and PostgreSQL).

use crate::domain::kpi::{COUNTER_COLUMNS, Counter, Totals};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A breakdown kept per day (top lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dim {
    /// Lead source, on the lead's creation day.
    Source,
    /// Job title, on the lead's creation day.
    Job,
    /// Reason given when a lead was lost, on that day.
    LostReason,
}

impl Dim {
    /// Stored key.
    pub fn key(self) -> &'static str {
        match self {
            Dim::Source => "source",
            Dim::Job => "job",
            Dim::LostReason => "lost_reason",
        }
    }
}

/// Changes to add to the aggregates.
#[derive(Default, Debug)]
pub struct Deltas {
    days: BTreeMap<NaiveDate, Totals>,
    dims: BTreeMap<(NaiveDate, Dim, String), i64>,
}

/// `$n` on PostgreSQL, `?` on SQLite.
fn placeholder(postgres: bool, n: usize) -> String {
    if postgres { format!("${n}") } else { "?".into() }
}

impl Deltas {
    /// Adds `n` to a counter of a day.
    pub fn add(&mut self, day: NaiveDate, c: Counter, n: i64) {
        if n != 0 {
            self.days.entry(day).or_default().add(c, n);
        }
    }

    /// Adds `n` to a breakdown value of a day.
    pub fn dim(&mut self, day: NaiveDate, dim: Dim, value: &str, n: i64) {
        if n != 0 {
            *self.dims.entry((day, dim, value.to_string())).or_default() += n;
        }
    }

    /// Writes every change (inside the caller's transaction).
    pub async fn flush(self, db: &impl ConnectionTrait, workspace_id: Uuid) -> Result<(), DbErr> {
        let postgres = crate::infra::db::is_postgres(db);
        let days: Vec<(NaiveDate, Totals)> = self.days.into_iter().filter(|(_, t)| !t.is_zero()).collect();
        // 64 values a row: 100 rows stay under SQLite's 32,766 parameters.
        for chunk in days.chunks(100) {
            let mut sql = format!(
                "INSERT INTO setter_daily (workspace_id, day, {}) VALUES ",
                COUNTER_COLUMNS.join(", ")
            );
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * (COUNTER_COLUMNS.len() + 2));
            for (i, (day, totals)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for j in 0..COUNTER_COLUMNS.len() + 2 {
                    if j > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&placeholder(postgres, values.len() + j + 1));
                }
                sql.push(')');
                values.push(workspace_id.into());
                values.push((*day).into());
                values.extend(totals.0.iter().map(|n| Value::from(*n)));
            }
            let set: Vec<String> = COUNTER_COLUMNS
                .iter()
                .map(|c| format!("{c} = setter_daily.{c} + excluded.{c}"))
                .collect();
            sql.push_str(&format!(
                " ON CONFLICT (workspace_id, day) DO UPDATE SET {}",
                set.join(", ")
            ));
            db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
                .await?;
        }
        let dims: Vec<((NaiveDate, Dim, String), i64)> = self.dims.into_iter().filter(|(_, n)| *n != 0).collect();
        for chunk in dims.chunks(1000) {
            let mut sql = String::from("INSERT INTO setter_dims (workspace_id, day, dim, value, n) VALUES ");
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
            for (i, ((day, dim, value), n)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let p: Vec<String> = (1..=5).map(|j| placeholder(postgres, values.len() + j)).collect();
                sql.push_str(&format!("({})", p.join(", ")));
                values.push(workspace_id.into());
                values.push((*day).into());
                values.push(dim.key().into());
                values.push(value.clone().into());
                values.push((*n).into());
            }
            sql.push_str(" ON CONFLICT (workspace_id, day, dim, value) DO UPDATE SET n = setter_dims.n + excluded.n");
            db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
                .await?;
        }
        Ok(())
    }
}

/// The daily rows of a workspace between two days (inclusive), oldest first.
pub async fn days_between(
    db: &impl ConnectionTrait,
    workspace_id: Uuid,
    from: Option<NaiveDate>,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, Totals)>, DbErr> {
    let postgres = crate::infra::db::is_postgres(db);
    let mut values: Vec<Value> = vec![workspace_id.into(), to.into()];
    let mut sql = format!(
        "SELECT day, {} FROM setter_daily WHERE workspace_id = {} AND day <= {}",
        COUNTER_COLUMNS.join(", "),
        placeholder(postgres, 1),
        placeholder(postgres, 2)
    );
    if let Some(from) = from {
        sql.push_str(&format!(" AND day >= {}", placeholder(postgres, 3)));
        values.push(from.into());
    }
    sql.push_str(" ORDER BY day");
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .await?;
    rows.into_iter()
        .map(|row| {
            let day: NaiveDate = row.try_get("", "day")?;
            let mut totals = Totals::default();
            for (i, col) in COUNTER_COLUMNS.iter().enumerate() {
                totals.0[i] = row.try_get::<i64>("", col)?;
            }
            Ok((day, totals))
        })
        .collect()
}

/// A breakdown summed over a period, largest first.
pub async fn dim_totals(
    db: &impl ConnectionTrait,
    workspace_id: Uuid,
    dim: Dim,
    from: Option<NaiveDate>,
    to: NaiveDate,
    limit: u32,
) -> Result<Vec<(String, i64)>, DbErr> {
    let postgres = crate::infra::db::is_postgres(db);
    let mut values: Vec<Value> = vec![workspace_id.into(), dim.key().into(), to.into()];
    let mut sql = format!(
        "SELECT value, CAST(SUM(n) AS BIGINT) AS total FROM setter_dims WHERE workspace_id = {} AND dim = {} AND day <= {}",
        placeholder(postgres, 1),
        placeholder(postgres, 2),
        placeholder(postgres, 3)
    );
    if let Some(from) = from {
        sql.push_str(&format!(" AND day >= {}", placeholder(postgres, 4)));
        values.push(from.into());
    }
    sql.push_str(&format!(
        " GROUP BY value HAVING SUM(n) > 0 ORDER BY total DESC, value LIMIT {limit}"
    ));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .await?;
    rows.into_iter()
        .map(|row| Ok((row.try_get("", "value")?, row.try_get::<i64>("", "total")?)))
        .collect()
}
