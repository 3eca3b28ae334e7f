//! Scheduled work, once per tick across every instance.
//!
//! Each task has a period; its ticks are numbered from the epoch
//! (`unix time / period`). Every instance wakes up regularly and, for each
//! due task, tries to insert `(task, tick)` into `scheduler_ticks`: the
//! primary key lets exactly one instance win the tick and run the task; the
//! others skip it. Work that must survive a crash is not run here but queued
//! as jobs (the queue retries); the tasks below are idempotent housekeeping.
//! The business tasks work from the tick's time (`now`, injectable in tests;
//! housekeeping compares rows stamped with the real clock, so it uses that) and
//! take everything due by then, so ticks missed while every instance was
//! down are caught up by the next one; claims are rows, so a restart never
//! runs a tick twice.

use app::infra::AppState;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::time::Duration;
use tokio::sync::watch;

/// How often an instance looks for due ticks.
const WAKE: Duration = Duration::from_secs(15);

/// One scheduled task.
pub struct Task {
    /// Stable name (`scheduler_ticks.task`).
    pub name: &'static str,
    /// Period in seconds.
    pub every_secs: i64,
    /// Runs the task as of `now` (the scheduler's clock: tests move it).
    run: fn(AppState, DateTime<Utc>) -> BoxFuture<'static, Result<u64, String>>,
}

fn sql(db: &DatabaseConnection, text: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), app::infra::db::numbered(db, text), values)
}

async fn delete(db: &DatabaseConnection, text: &str, before: DateTime<Utc>) -> Result<u64, String> {
    db.execute_raw(sql(db, text, vec![before.into()]))
        .await
        .map(|r| r.rows_affected())
        .map_err(|e| e.to_string())
}

/// Every task, in the order they are tried.
pub const TASKS: [Task; 12] = [
    Task {
        name: "purge_rate_limits",
        every_secs: 300,
        run: |state, _now| {
            Box::pin(async move {
                app::infra::rate_limit::purge(&state.db)
                    .await
                    .map_err(|e| e.to_string())
            })
        },
    },
    Task {
        // Idempotent: each flow is recorded once, the cursor moves after it.
        name: "einvoicing_receive",
        every_secs: 60,
        run: |state, _now| Box::pin(async move { app::invoice::einvoicing::ingest::receive_all(&state).await }),
    },
    Task {
        // Idempotent: each route is reminded once of each
        // (`reminded_at`, `quote_reminded_at`).
        name: "marketplace_reminders",
        every_secs: 900,
        run: |state, now| {
            Box::pin(async move {
                // Both run even if one fails; the run fails if either did.
                let uncontacted = app::marketplace::scheduled::remind_uncontacted(&state, now).await;
                let quotes = app::marketplace::scheduled::remind_quote_follow_up(&state, now).await;
                Ok(uncontacted.map_err(|e| e.to_string())? + quotes.map_err(|e| e.to_string())?)
            })
        },
    },
    Task {
        // Idempotent: each step (30, 7, 0 days) is sent once per document.
        name: "document_reminders",
        every_secs: 3600,
        run: |state, now| {
            Box::pin(async move {
                app::marketplace::scheduled::remind_expiring_documents(&state, now)
                    .await
                    .map_err(|e| e.to_string())
            })
        },
    },
    Task {
        // Idempotent: recomputed from the documents; only spans never
        // computed or ended before today.
        name: "routable_spans",
        every_secs: 3600,
        run: |state, now| {
            Box::pin(async move {
                app::marketplace::documents::refresh_stale_spans(&state, now)
                    .await
                    .map_err(|e| e.to_string())
            })
        },
    },
    Task {
        // Idempotent: recomputed from the deals each time.
        name: "marketplace_stats",
        every_secs: 3600,
        run: |state, now| {
            Box::pin(async move {
                app::marketplace::stats::refresh(&state, now)
                    .await
                    .map_err(|e| e.to_string())
            })
        },
    },
    Task {
        name: "close_old_requests",
        every_secs: 86_400,
        run: |state, now| {
            Box::pin(async move {
                app::marketplace::stats::close_old_requests(&state, now)
                    .await
                    .map_err(|e| e.to_string())
            })
        },
    },
    Task {
        name: "purge_live_messages",
        every_secs: 600,
        run: |state, _now| Box::pin(async move { app::infra::live::purge(&state.db).await.map_err(|e| e.to_string()) }),
    },
    Task {
        name: "purge_dispatched_events",
        every_secs: 3600,
        run: |state, _now| {
            Box::pin(async move {
                app::infra::dispatch::purge(&state.db, app::infra::dispatch::KEEP)
                    .await
                    .map_err(|e| e.to_string())
            })
        },
    },
    Task {
        name: "purge_expired_sessions",
        every_secs: 3600,
        run: |state, _now| {
            Box::pin(async move {
                delete(
                    &state.db,
                    "DELETE FROM sessions WHERE expires_at < $1",
                    app::infra::time::now(),
                )
                .await
            })
        },
    },
    Task {
        name: "purge_used_tokens",
        every_secs: 3600,
        run: |state, _now| {
            Box::pin(async move {
                let week_ago = app::infra::time::now() - chrono::TimeDelta::days(7);
                delete(&state.db, "DELETE FROM auth_tokens WHERE expires_at < $1", week_ago).await
            })
        },
    },
    Task {
        name: "purge_scheduler_ticks",
        every_secs: 86_400,
        run: |state, _now| {
            Box::pin(async move {
                let two_days_ago = app::infra::time::now() - chrono::TimeDelta::days(2);
                delete(
                    &state.db,
                    "DELETE FROM scheduler_ticks WHERE claimed_at < $1",
                    two_days_ago,
                )
                .await
            })
        },
    },
];

/// A name for this process in `scheduler_ticks.instance`.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!("{}:{}", host.trim(), std::process::id())
}

/// Tries to win `tick` of `task` for `instance`; true for exactly one caller.
pub async fn claim(db: &DatabaseConnection, task: &str, tick: i64, instance: &str) -> Result<bool, String> {
    let stmt = sql(
        db,
        "INSERT INTO scheduler_ticks (task, tick, instance, claimed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (task, tick) DO NOTHING",
        vec![
            task.into(),
            tick.into(),
            instance.into(),
            app::infra::time::now().into(),
        ],
    );
    Ok(db.execute_raw(stmt).await.map_err(|e| e.to_string())?.rows_affected() == 1)
}

/// Runs the tasks whose current tick at `now` no instance has run yet;
/// returns the names of those this instance ran.
pub async fn run_due(state: &AppState, instance: &str, now: DateTime<Utc>) -> Vec<&'static str> {
    let mut ran = Vec::new();
    for task in &TASKS {
        let tick = now.timestamp().div_euclid(task.every_secs);
        match claim(&state.db, task.name, tick, instance).await {
            Ok(true) => {
                match (task.run)(state.clone(), now).await {
                    Ok(count) => tracing::debug!(task = task.name, count, "scheduled task done"),
                    Err(error) => tracing::warn!(task = task.name, %error, "scheduled task failed"),
                }
                ran.push(task.name);
            }
            Ok(false) => {}
            Err(error) => tracing::warn!(task = task.name, %error, "scheduler cannot reach the database"),
        }
    }
    ran
}

/// Runs due tasks every few seconds until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let instance = instance_name();
    loop {
        run_due(&state, &instance, app::infra::time::now()).await;
        tokio::select! {
            _ = tokio::time::sleep(WAKE) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}
