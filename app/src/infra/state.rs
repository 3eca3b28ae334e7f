//! What every server function and handler can reach.

use super::config::AppConfig;
use super::rate_limit::RateLimiter;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Notify;

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
}

impl AppState {
    /// State around an open pool.
    pub fn new(db: DatabaseConnection, config: AppConfig) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            limiter: Arc::new(RateLimiter::default()),
            jobs_wakeup: Arc::new(Notify::new()),
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
