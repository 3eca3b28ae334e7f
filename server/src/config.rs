//! Configuration from environment variables, with defaults that run a local
//! demo with no other server.

use std::net::SocketAddr;
use std::path::PathBuf;

/// When to load the demo data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoSeed {
    /// On the first start of an empty SQLite database (`./scripts/run.sh`
    /// asks for it; never the default: the demo accounts' password is public).
    Auto,
    /// On every start (idempotent).
    Always,
    /// Never (default).
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
    /// `COMPTOIR_TRUST_PROXY`: how many reverse proxies of ours append to
    /// `X-Forwarded-For` (0: the header is ignored).
    pub proxy_hops: u8,
    /// `COMPTOIR_METRICS_TOKEN`: `/metrics` answers only with
    /// `Authorization: Bearer <token>`; without it, only on `COMPTOIR_METRICS_ADDR`.
    pub metrics_token: Option<String>,
    /// `COMPTOIR_METRICS_ADDR`: a separate listen address serving `/metrics` alone.
    pub metrics_addr: Option<SocketAddr>,
    /// `REDIS_URL`: rate-limit counters in Redis instead of the database.
    pub redis_url: Option<String>,
    /// `COMPTOIR_MAIL_PER_HOUR` and `COMPTOIR_MAIL_PER_DAY`: emails a workspace
    /// may send to outside addresses.
    pub mail_quota: app::infra::config::MailQuota,
    /// `COMPTOIR_RATE_LIMIT_FACTOR`: multiplies every rate limit (tests).
    pub rate_limit_factor: u32,
    /// `COMPTOIR_PHOTO_QUOTA_MB`: megabytes of job photos a workspace may store.
    pub photo_quota_bytes: u64,
    /// `COMPTOIR_DB_MAX_CONNECTIONS`.
    pub db_max_connections: u32,
    /// `LOG_FORMAT`: pretty or json.
    pub log_format: LogFormat,
    /// `COMPTOIR_WORKER`: run the job worker in this process (default true).
    pub run_worker: bool,
    /// `COMPTOIR_DISPATCH`: deliver committed domain events to this process's
    /// subscribers (default true; another instance delivers them otherwise).
    pub run_dispatcher: bool,
    /// The local e-invoicing platform's folder (`COMPTOIR_PA_DIR`), used
    /// when no platform is configured.
    pub einvoicing_dir: PathBuf,
    /// A Plateforme Agréée speaking the AFNOR API (`COMPTOIR_PA_*`).
    pub platform: Option<crate::afnor::AfnorConfig>,
    /// The national address base's API (`COMPTOIR_BAN_URL`); offline
    /// geocoding from the communes when unset.
    pub ban_url: Option<String>,
    /// Uploaded files' folder (`COMPTOIR_FILES_DIR`), used when no bucket is configured.
    pub files_dir: PathBuf,
    /// An S3-compatible bucket for uploaded files (`COMPTOIR_S3_*`).
    pub s3: Option<crate::s3::S3Config>,
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

fn number(name: &str, default: u32) -> Result<u32, String> {
    var(name)
        .map(|v| v.parse().map_err(|e| format!("{name}: {e}")))
        .transpose()
        .map(|v| v.unwrap_or(default))
}

/// `COMPTOIR_DEMO_SEED`: `never` unless asked (`./scripts/run.sh` asks).
pub fn demo_seed(value: Option<&str>) -> Result<DemoSeed, String> {
    match value {
        Some("auto") => Ok(DemoSeed::Auto),
        Some("always") => Ok(DemoSeed::Always),
        None | Some("never") => Ok(DemoSeed::Never),
        Some(other) => Err(format!(
            "COMPTOIR_DEMO_SEED: expected auto, always or never, got {other:?}"
        )),
    }
}

/// `COMPTOIR_TRUST_PROXY`: `false` (default), `true` (one proxy) or the
/// number of proxies in front of the server.
fn proxy_hops(value: Option<&str>) -> Result<u8, String> {
    match value {
        None | Some("0" | "false" | "no" | "off") => Ok(0),
        Some("true" | "yes" | "on") => Ok(1),
        Some(n) => n.parse::<u8>().ok().filter(|n| (1..=8).contains(n)).ok_or_else(|| {
            format!("COMPTOIR_TRUST_PROXY: expected false, true or a number of proxies (1-8), got {n:?}")
        }),
    }
}

/// The S3 bucket from `COMPTOIR_S3_BUCKET` and its companions, when set.
fn s3() -> Result<Option<crate::s3::S3Config>, String> {
    let Some(bucket) = var("COMPTOIR_S3_BUCKET") else {
        return Ok(None);
    };
    let key = |name: &str| var(name).ok_or(format!("{name} is required with COMPTOIR_S3_BUCKET"));
    Ok(Some(crate::s3::S3Config {
        bucket,
        endpoint: var("COMPTOIR_S3_ENDPOINT"),
        region: var("COMPTOIR_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
        access_key_id: key("COMPTOIR_S3_ACCESS_KEY_ID")?,
        secret_access_key: key("COMPTOIR_S3_SECRET_ACCESS_KEY")?,
    }))
}

/// The AFNOR platform from `COMPTOIR_PA_FLOW_URL`, `COMPTOIR_PA_DIRECTORY_URL`
/// and either `COMPTOIR_PA_TOKEN` or the three `COMPTOIR_PA_TOKEN_URL`,
/// `COMPTOIR_PA_CLIENT_ID`, `COMPTOIR_PA_CLIENT_SECRET`; none without a flow URL.
pub fn platform() -> Result<Option<crate::afnor::AfnorConfig>, String> {
    let Some(flow_url) = var("COMPTOIR_PA_FLOW_URL") else {
        return Ok(None);
    };
    let directory_url =
        var("COMPTOIR_PA_DIRECTORY_URL").ok_or("COMPTOIR_PA_DIRECTORY_URL is required with COMPTOIR_PA_FLOW_URL")?;
    let auth = match (
        var("COMPTOIR_PA_TOKEN"),
        var("COMPTOIR_PA_TOKEN_URL"),
        var("COMPTOIR_PA_CLIENT_ID"),
        var("COMPTOIR_PA_CLIENT_SECRET"),
    ) {
        (Some(token), None, None, None) => crate::afnor::AfnorAuth::Bearer(token),
        (None, Some(token_url), Some(client_id), Some(client_secret)) => crate::afnor::AfnorAuth::ClientCredentials {
            token_url,
            client_id,
            client_secret,
        },
        _ => {
            return Err(
                "COMPTOIR_PA_*: give either COMPTOIR_PA_TOKEN, or COMPTOIR_PA_TOKEN_URL with \
                        COMPTOIR_PA_CLIENT_ID and COMPTOIR_PA_CLIENT_SECRET"
                    .into(),
            );
        }
    };
    Ok(Some(crate::afnor::AfnorConfig {
        flow_url,
        directory_url,
        auth,
    }))
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
        let demo_seed = demo_seed(var("COMPTOIR_DEMO_SEED").as_deref())?;
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
            proxy_hops: proxy_hops(var("COMPTOIR_TRUST_PROXY").as_deref())?,
            metrics_token: var("COMPTOIR_METRICS_TOKEN"),
            metrics_addr: var("COMPTOIR_METRICS_ADDR")
                .map(|v| v.parse().map_err(|e| format!("COMPTOIR_METRICS_ADDR: {e}")))
                .transpose()?,
            redis_url: var("REDIS_URL"),
            mail_quota: app::infra::config::MailQuota {
                per_hour: number("COMPTOIR_MAIL_PER_HOUR", 60)?,
                per_day: number("COMPTOIR_MAIL_PER_DAY", 300)?,
            },
            rate_limit_factor: var("COMPTOIR_RATE_LIMIT_FACTOR")
                .map(|v| v.parse().map_err(|e| format!("COMPTOIR_RATE_LIMIT_FACTOR: {e}")))
                .transpose()?
                .unwrap_or(1),
            photo_quota_bytes: var("COMPTOIR_PHOTO_QUOTA_MB")
                .map(|v| {
                    v.parse::<u64>()
                        .map(|mb| mb.saturating_mul(1 << 20))
                        .map_err(|e| format!("COMPTOIR_PHOTO_QUOTA_MB: {e}"))
                })
                .transpose()?
                .unwrap_or(app::infra::config::DEFAULT_PHOTO_QUOTA_BYTES),
            db_max_connections: var("COMPTOIR_DB_MAX_CONNECTIONS")
                .map(|v| v.parse().map_err(|e| format!("COMPTOIR_DB_MAX_CONNECTIONS: {e}")))
                .transpose()?
                .unwrap_or(default_pool),
            log_format,
            run_worker: flag("COMPTOIR_WORKER", true)?,
            run_dispatcher: flag("COMPTOIR_DISPATCH", true)?,
            einvoicing_dir: var("COMPTOIR_PA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(app::infra::state::DEFAULT_EINVOICING_DIR)),
            platform: platform()?,
            ban_url: var("COMPTOIR_BAN_URL"),
            files_dir: var("COMPTOIR_FILES_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(app::infra::file_store::DEFAULT_DIR)),
            s3: s3()?,
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
        config.proxy_hops = self.proxy_hops;
        config.mail_quota = self.mail_quota;
        config.rate_limit_factor = self.rate_limit_factor;
        config.photo_quota_bytes = self.photo_quota_bytes;
        config
    }
}
