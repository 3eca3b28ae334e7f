//! What every server function and handler can reach.

use super::config::AppConfig;
use super::rate_limit::RateLimiter;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::{Notify, broadcast};

/// Shared application state, provided to server functions as Leptos context.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Settings.
    pub config: Arc<AppConfig>,
    /// Attempt counters for sign-in, links and codes.
    pub limiter: Arc<RateLimiter>,
    /// Wakes the job worker when a job was committed.
    pub jobs_wakeup: Arc<Notify>,
    /// Committed changes that open pages show live (server-sent events).
    pub live: broadcast::Sender<LiveUpdate>,
    /// Renders quote PDFs.
    pub pdf: Arc<dyn super::ports::PdfRenderer>,
}

/// A committed change, for the pages of one workspace that show it live.
#[derive(Clone, Debug)]
pub struct LiveUpdate {
    /// Only this workspace's pages receive it.
    pub workspace_id: uuid::Uuid,
    /// SSE event name (`board`…).
    pub topic: &'static str,
    /// JSON payload.
    pub payload: String,
}

impl AppState {
    /// State around an open pool.
    pub fn new(db: DatabaseConnection, config: AppConfig, pdf: Arc<dyn super::ports::PdfRenderer>) -> AppState {
        let (live, _) = broadcast::channel(1024);
        AppState {
            db,
            config: Arc::new(config),
            limiter: Arc::new(RateLimiter::default()),
            jobs_wakeup: Arc::new(Notify::new()),
            live,
            pdf,
        }
    }

    /// Publishes a committed change to the workspace's open pages.
    pub fn publish(&self, workspace_id: uuid::Uuid, topic: &'static str, payload: &impl serde::Serialize) {
        if let Ok(payload) = serde_json::to_string(payload) {
            // No receiver (no open page) is not an error.
            let _ = self.live.send(LiveUpdate {
                workspace_id,
                topic,
                payload,
            });
        }
    }

    /// Tells the worker that new jobs were committed.
    pub fn wake_jobs(&self) {
        self.jobs_wakeup.notify_one();
    }
}

/// The state from Leptos context (inside server functions and SSR).
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::error::AppError::Internal
    })
}
