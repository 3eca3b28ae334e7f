//! The job worker: claims due jobs, runs them, retries with backoff.

use app::infra::AppState;
use app::infra::ports::Mailer;
use app::infra::queue::{self, Failure, QueuePayload};
use app::outbox::service::{self as outbox, Delivery};
use chrono::TimeDelta;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long a claimed job is reserved before another worker may take it over.
const LEASE: TimeDelta = TimeDelta::minutes(5);
/// Polling interval when nothing wakes the worker (jobs scheduled for later).
const IDLE_POLL: Duration = Duration::from_millis(1000);

/// Runs until `shutdown` turns true, finishing the job in hand first.
pub async fn run(state: AppState, mailer: Arc<dyn Mailer>, mut shutdown: watch::Receiver<bool>) {
    tracing::info!(transport = mailer.transport(), "job worker started");
    loop {
        if *shutdown.borrow() {
            break;
        }
        match run_one(&state, mailer.as_ref()).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::error!(%error, "job worker could not reach the database"),
        }
        tokio::select! {
            _ = state.queue_wakeup.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("job worker stopped");
}

/// Claims and runs one job; `Ok(false)` when none was due.
pub async fn run_one(state: &AppState, mailer: &dyn Mailer) -> Result<bool, sea_orm::DbErr> {
    let Some(job) = queue::claim_next(&state.db, LEASE).await? else {
        return Ok(false);
    };
    let started = std::time::Instant::now();
    let payload: Result<QueuePayload, _> = serde_json::from_str(&job.payload);
    let outcome = match payload {
        Err(error) => Err(format!("unreadable payload: {error}")),
        Ok(QueuePayload::SendEmail { email_id }) => match outbox::deliver(&state.db, mailer, email_id).await? {
            Delivery::Done => Ok(()),
            Delivery::Failed(error) => Err(error),
        },
        Ok(QueuePayload::QuoteReminder { quote_id }) => app::quote::scheduled::remind(state, quote_id)
            .await
            .map_err(|e| format!("quote reminder: {e}")),
        Ok(QueuePayload::ExpireQuote { quote_id }) => app::quote::scheduled::expire(state, quote_id)
            .await
            .map_err(|e| format!("quote expiry: {e}")),
        Ok(QueuePayload::InvoiceReminder { invoice_id, days }) => {
            app::invoice::scheduled::remind(state, invoice_id, days)
                .await
                .map_err(|e| format!("invoice reminder: {e}"))
        }
        Ok(QueuePayload::TransmitInvoice { invoice_id }) => {
            app::invoice::einvoicing::service::transmit(state, invoice_id)
                .await
                .map_err(|e| format!("e-invoicing transmit: {e}"))
        }
        Ok(QueuePayload::ReportPayment { payment_id }) => {
            app::invoice::einvoicing::service::report_payment(state, payment_id)
                .await
                .map_err(|e| format!("e-invoicing payment report: {e}"))
        }
    };
    let kind = job.kind.clone();
    match outcome {
        Ok(()) => {
            queue::complete(&state.db, job.id).await?;
            metrics::counter!("comptoir_jobs_total", "kind" => kind.clone(), "outcome" => "done").increment(1);
            tracing::info!(job = %job.id, kind, attempt = job.attempts, ms = started.elapsed().as_millis() as u64, "job done");
        }
        Err(error) => {
            let failure = queue::fail(&state.db, &job, &error).await?;
            match failure {
                Failure::RetryAt(at) => {
                    metrics::counter!("comptoir_jobs_total", "kind" => kind.clone(), "outcome" => "retry").increment(1);
                    tracing::warn!(job = %job.id, kind, attempt = job.attempts, %error, retry_at = %at, "job failed, will retry");
                }
                Failure::Dead => {
                    metrics::counter!("comptoir_jobs_total", "kind" => kind.clone(), "outcome" => "dead").increment(1);
                    tracing::error!(job = %job.id, kind, attempt = job.attempts, %error, "job failed for good");
                    match serde_json::from_str(&job.payload) {
                        Ok(QueuePayload::SendEmail { email_id }) => outbox::give_up(&state.db, email_id).await?,
                        Ok(QueuePayload::TransmitInvoice { invoice_id }) => {
                            app::invoice::einvoicing::service::give_up(&state.db, invoice_id).await?
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(true)
}
