//! The durable job queue (`queue_jobs`). Jobs are inserted in the same transaction as the
//! change that causes them, so a rolled-back change never sends an email and a
//! committed one always will, even across a crash.

use super::entity::queue_job::{self as job, QueueStatus};
use super::time;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, Statement};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a job does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QueuePayload {
    /// Deliver one row of the `emails` table.
    SendEmail {
        /// The email to deliver.
        email_id: Uuid,
    },
    /// Remind the client of an unsigned quote (skipped once signed, declined,
    /// expired, or when reminders were switched off).
    QuoteReminder {
        /// The quote.
        quote_id: Uuid,
    },
    /// Expire a quote still unsigned after its validity date.
    ExpireQuote {
        /// The quote.
        quote_id: Uuid,
    },
    /// Remind the client of an unpaid invoice (skipped once paid, credited,
    /// or when reminders were stopped).
    InvoiceReminder {
        /// The invoice.
        invoice_id: Uuid,
        /// Days from the due date (negative: before it).
        days: i64,
    },
    /// Send an issued invoice through the e-invoicing platform (a retry
    /// finds an earlier send by its tracking id).
    TransmitInvoice {
        /// The invoice.
        invoice_id: Uuid,
    },
    /// Report a payment to the e-invoicing platform (status 212).
    ReportPayment {
        /// The payment.
        payment_id: Uuid,
    },
}

impl QueuePayload {
    /// Stable identifier of the kind, stored in `queue_jobs.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            QueuePayload::SendEmail { .. } => "send_email",
            QueuePayload::QuoteReminder { .. } => "quote_reminder",
            QueuePayload::ExpireQuote { .. } => "expire_quote",
            QueuePayload::InvoiceReminder { .. } => "invoice_reminder",
            QueuePayload::TransmitInvoice { .. } => "transmit_invoice",
            QueuePayload::ReportPayment { .. } => "report_payment",
        }
    }
}

/// Attempts before a job is declared dead.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

/// Inserts a job due at `run_at` (now, or later for reminders), in the
/// caller's transaction.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    workspace_id: Option<Uuid>,
    payload: &QueuePayload,
    run_at: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let now = time::now();
    let id = Uuid::now_v7();
    let body = serde_json::to_string(payload).map_err(|e| DbErr::Custom(e.to_string()))?;
    job::Entity::insert(job::ActiveModel {
        id: Set(id),
        workspace_id: Set(workspace_id),
        kind: Set(payload.kind().to_string()),
        payload: Set(body),
        status: Set(QueueStatus::Queued),
        attempts: Set(0),
        max_attempts: Set(DEFAULT_MAX_ATTEMPTS),
        run_at: Set(run_at),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(id)
}

/// Delay before retry number `attempt` (1-based): 5 s, 20 s, 80 s… capped at one hour.
pub fn backoff(attempt: i32) -> TimeDelta {
    let exp = attempt.clamp(1, 10) as u32 - 1;
    TimeDelta::seconds((5i64 * 4i64.pow(exp)).min(3600))
}

/// Claims the next due job (or one whose lease expired after a crash) for
/// `lease`. On PostgreSQL concurrent workers skip each other's rows.
pub async fn claim_next(db: &DatabaseConnection, lease: TimeDelta) -> Result<Option<job::Model>, DbErr> {
    let now = time::now();
    let postgres = super::db::is_postgres(db);
    let lock = if postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
    let (p1, p2, p3) = if postgres { ("$1", "$2", "$3") } else { ("?", "?", "?") };
    let sql = format!(
        "UPDATE queue_jobs SET status = 'running', attempts = attempts + 1, locked_until = {p1}, updated_at = {p2} \
         WHERE id = (SELECT id FROM queue_jobs WHERE (status = 'queued' AND run_at <= {p3}) \
         OR (status = 'running' AND locked_until < {p3}) ORDER BY run_at LIMIT 1 {lock}) RETURNING *"
    );
    let values: Vec<sea_orm::Value> = if postgres {
        vec![(now + lease).into(), now.into(), now.into()]
    } else {
        vec![(now + lease).into(), now.into(), now.into(), now.into()]
    };
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    let txn = super::db::begin_write(db).await?;
    let row = match txn.query_one_raw(stmt).await? {
        Some(row) => Some(job::Model::from_query_result(&row, "")?),
        None => None,
    };
    txn.commit().await?;
    Ok(row)
}

/// Marks a job done.
pub async fn complete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    let now = time::now();
    job::Entity::update(job::ActiveModel {
        id: Set(id),
        status: Set(QueueStatus::Done),
        locked_until: Set(None),
        last_error: Set(None),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// What happens after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Tried again at this time.
    RetryAt(DateTime<Utc>),
    /// No attempts left.
    Dead,
}

/// Records a failed attempt: schedules a retry with backoff, or gives up.
pub async fn fail(db: &impl ConnectionTrait, job: &job::Model, error: &str) -> Result<Failure, DbErr> {
    let now = time::now();
    let outcome = if job.attempts >= job.max_attempts {
        Failure::Dead
    } else {
        Failure::RetryAt(now + backoff(job.attempts))
    };
    let (status, run_at) = match outcome {
        Failure::Dead => (QueueStatus::Dead, job.run_at),
        Failure::RetryAt(at) => (QueueStatus::Queued, at),
    };
    job::Entity::update(job::ActiveModel {
        id: Set(job.id),
        status: Set(status),
        run_at: Set(run_at),
        locked_until: Set(None),
        last_error: Set(Some(error.chars().take(1000).collect())),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_caps() {
        assert_eq!(backoff(1), TimeDelta::seconds(5));
        assert_eq!(backoff(2), TimeDelta::seconds(20));
        assert_eq!(backoff(3), TimeDelta::seconds(80));
        assert_eq!(backoff(9), TimeDelta::seconds(3600));
        assert!((1..12).all(|a| backoff(a) <= backoff(a + 1)));
    }

    #[test]
    fn payloads_are_tagged_json() {
        let p = QueuePayload::SendEmail { email_id: Uuid::nil() };
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"kind\":\"send_email\""));
        assert_eq!(serde_json::from_str::<QueuePayload>(&json).unwrap(), p);
    }
}
