//! What every server function and handler can reach.

use super::config::AppConfig;
use super::live::LiveBus;
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
    /// Attempt counters for sign-in, links, codes and previews, shared by
    /// every instance (database or Redis).
    pub limiter: RateLimiter,
    /// Wakes the job worker when a job was committed.
    pub queue_wakeup: Arc<Notify>,
    /// Wakes the domain event dispatcher when events were committed.
    pub events_wakeup: Arc<Notify>,
    /// Committed changes that open pages show live (server-sent events).
    pub live: LiveBus,
    /// Renders quote PDFs.
    pub pdf: Arc<dyn super::ports::PdfRenderer>,
    /// Bounds the password hashes computed at once (each takes 19 MiB).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Draft previews by content hash: an unchanged draft is not rendered again.
    pub previews: Arc<super::cache::BytesCache>,
    /// The e-invoicing platform (Plateforme Agréée) and its directory.
    pub einvoicing: Arc<dyn super::ports::EInvoicing>,
    /// Locates addresses (offline by default, the BAN when configured).
    pub geocoder: Arc<dyn super::ports::Geocoder>,
    /// Uploaded files (local folder by default, S3 when configured).
    pub files: Arc<dyn super::ports::FileStore>,
}

/// The local e-invoicing platform's folder unless configured otherwise.
pub const DEFAULT_EINVOICING_DIR: &str = "data/einvoicing";

/// Bytes of draft previews kept in memory (per process).
pub const PREVIEW_CACHE_BYTES: usize = 16 << 20;

impl AppState {
    /// State around an open pool: counters in the database, live updates
    /// within this process (the server switches to PostgreSQL's NOTIFY), the
    /// local e-invoicing platform (the server applies the configured one).
    pub fn new(db: DatabaseConnection, config: AppConfig, pdf: Arc<dyn super::ports::PdfRenderer>) -> AppState {
        AppState {
            limiter: RateLimiter::database(db.clone()),
            db,
            config: Arc::new(config),
            queue_wakeup: Arc::new(Notify::new()),
            events_wakeup: Arc::new(Notify::new()),
            live: LiveBus::local(),
            pdf,
            hashing: Arc::new(tokio::sync::Semaphore::new(super::crypto::concurrent_hashes())),
            previews: Arc::new(super::cache::BytesCache::new(PREVIEW_CACHE_BYTES)),
            einvoicing: Arc::new(super::platform_local::LocalPlatform::new(DEFAULT_EINVOICING_DIR.into())),
            geocoder: Arc::new(super::ports::OfflineGeocoder),
            files: Arc::new(super::file_store::LocalFileStore::new(
                super::file_store::DEFAULT_DIR.into(),
            )),
        }
    }

    /// Counts one attempt against a budget (`key`: who or what tries), in
    /// every instance's shared counters; refused once it is spent. Call it
    /// before opening a write envelope: the counter is a write of its own (on
    /// SQLite it would wait for the envelope's lock).
    pub async fn limit(&self, key: String, limit: super::rate_limit::Limit) -> Result<(), crate::error::AppError> {
        self.limiter.check(&key, limit, self.config.rate_limit_factor).await
    }
}

/// The state from Leptos context (inside server functions and SSR).
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::error::AppError::Internal
    })
}
