//! Configuration from environment variables, with defaults that run a local
//! demo with no other server.

use std::net::SocketAddr;
use std::path::PathBuf;

/// When to load the demo data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoSeed {
    /// On the first start of an empty SQLite database (default).
    Auto,
    /// On every start (idempotent).
    Always,
    /// Never.
    Never,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`.
    pub database_url: String,
    /// `LEPTOS_SITE_ADDR`.
    pub site_addr: SocketAddr,
    /// `COMPTOIR_BASE_URL`: public address used in emailed links.
    pub base_url: String,
    /// `SMTP_URL`: `smtp://user:pass@host:587` (STARTTLS) or `smtps://…:465`; local mailbox when unset.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`.
    pub mail_from: String,
    /// `COMPTOIR_MAILDIR`: where the local mailbox writes `.eml` files.
    pub maildir: PathBuf,
    /// `COMPTOIR_DEMO_SEED`: auto, always or never.
    pub demo_seed: DemoSeed,
    /// `COMPTOIR_TRUST_PROXY`: read the client IP from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `COMPTOIR_RATE_LIMIT_FACTOR`: multiplies every rate limit (tests).
    pub rate_limit_factor: u32,
    /// `COMPTOIR_DB_MAX_CONNECTIONS`.
    pub db_max_connections: u32,
    /// `LOG_FORMAT`: pretty or json.
    pub log_format: LogFormat,
    /// `COMPTOIR_WORKER`: run the job worker in this process (default true).
    pub run_worker: bool,
}

/// The default database: a SQLite file under `data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/comptoir.db?mode=rwc";

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn flag(name: &str, default: bool) -> Result<bool, String> {
    match var(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(format!("{name}: expected true or false, got {other:?}")),
    }
}

impl Config {
    /// Reads the environment; fails with a readable message on a bad value.
    pub fn from_env() -> Result<Config, String> {
        let site_addr: SocketAddr = var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| format!("LEPTOS_SITE_ADDR: {e}"))?;
        let base_url = var("COMPTOIR_BASE_URL").unwrap_or_else(|| {
            if site_addr.ip().is_unspecified() {
                format!("http://127.0.0.1:{}", site_addr.port())
            } else {
                format!("http://{site_addr}")
            }
        });
        let demo_seed = match var("COMPTOIR_DEMO_SEED").as_deref() {
            None | Some("auto") => DemoSeed::Auto,
            Some("always") => DemoSeed::Always,
            Some("never") => DemoSeed::Never,
            Some(other) => {
                return Err(format!(
                    "COMPTOIR_DEMO_SEED: expected auto, always or never, got {other:?}"
                ));
            }
        };
        let log_format = match var("LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(format!("LOG_FORMAT: expected pretty or json, got {other:?}")),
        };
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let default_pool = if database_url.starts_with("postgres") { 10 } else { 5 };
        Ok(Config {
            site_addr,
            base_url,
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM").unwrap_or_else(|| "Comptoir <no-reply@comptoir.localhost>".into()),
            maildir: var("COMPTOIR_MAILDIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data/mailbox")),
            demo_seed,
            trust_proxy: flag("COMPTOIR_TRUST_PROXY", false)?,
            rate_limit_factor: var("COMPTOIR_RATE_LIMIT_FACTOR")
                .map(|v| v.parse().map_err(|e| format!("COMPTOIR_RATE_LIMIT_FACTOR: {e}")))
                .transpose()?
                .unwrap_or(1),
            db_max_connections: var("COMPTOIR_DB_MAX_CONNECTIONS")
                .map(|v| v.parse().map_err(|e| format!("COMPTOIR_DB_MAX_CONNECTIONS: {e}")))
                .transpose()?
                .unwrap_or(default_pool),
            log_format,
            run_worker: flag("COMPTOIR_WORKER", true)?,
            database_url,
        })
    }

    /// The application layer's view of these settings.
    pub fn app_config(&self) -> app::infra::AppConfig {
        let mut config = app::infra::AppConfig::local(&self.base_url);
        config.mail_transport = if self.smtp_url.is_some() {
            app::infra::config::MailTransport::Smtp
        } else {
            app::infra::config::MailTransport::Local
        };
        config.trust_proxy = self.trust_proxy;
        config.rate_limit_factor = self.rate_limit_factor;
        config
    }
}
