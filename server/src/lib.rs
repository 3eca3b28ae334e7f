//! The Comptoir server: configuration, startup, router, workers and CLI
//! subcommands. `main.rs` only parses arguments.
#![recursion_limit = "512"]

pub mod afnor;
pub mod assets;
pub mod ban;
pub mod cli;
pub mod config;
pub mod documents;
pub mod headers;
pub mod http;
pub mod mail;
pub mod openapi;
pub mod pdf;
pub mod public_form;
pub mod redis_limits;
pub mod s3;
pub mod scheduler;
pub mod seed;
pub mod setter_api;
pub mod telemetry;
pub mod worker;

use app::infra::AppState;
use app::infra::ports::Mailer;
use config::{Config, DemoSeed};
use leptos::config::LeptosOptions;
use migrations::{Migrator, MigratorTrait};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Opens the database and applies pending migrations.
pub async fn open_database(config: &Config) -> Result<sea_orm::DatabaseConnection, String> {
    let db = app::infra::db::connect(&config.database_url, config.db_max_connections)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    Migrator::up(&db, None)
        .await
        .map_err(|e| format!("migrations failed: {e}"))?;
    Ok(db)
}

/// The mailer the configuration asks for.
pub fn mailer(config: &Config) -> Result<Arc<dyn Mailer>, String> {
    Ok(match &config.smtp_url {
        Some(url) => Arc::new(mail::SmtpMailer::new(url, &config.mail_from)?),
        None => Arc::new(mail::LocalMailer::new(config.maildir.clone(), &config.mail_from)?),
    })
}

/// The file store the configuration asks for: an S3 bucket when configured,
/// else the local folder.
pub fn files(config: &Config) -> Result<Arc<dyn app::infra::ports::FileStore>, String> {
    Ok(match &config.s3 {
        Some(s3) => Arc::new(s3::S3Store::new(s3)?),
        None => Arc::new(app::infra::file_store::LocalFileStore::new(config.files_dir.clone())),
    })
}

/// The geocoder the configuration asks for: offline (communes from the npm
/// packages) unless the BAN is configured.
pub fn geocoder(config: &Config) -> Result<Arc<dyn app::infra::ports::Geocoder>, String> {
    Ok(match &config.ban_url {
        Some(url) => Arc::new(ban::BanGeocoder::new(url)?),
        None => Arc::new(app::infra::ports::OfflineGeocoder),
    })
}

/// The e-invoicing platform the configuration asks for: the AFNOR API when
/// configured, else the local folder.
pub fn einvoicing(config: &Config) -> Result<Arc<dyn app::infra::ports::EInvoicing>, String> {
    Ok(match &config.platform {
        Some(platform) => Arc::new(afnor::AfnorPlatform::new(platform.clone())?),
        None => Arc::new(app::infra::platform_local::LocalPlatform::new(
            config.einvoicing_dir.clone(),
        )),
    })
}

/// Leptos settings from the environment; hashed asset names are used when
/// cargo-leptos left a hash file next to the binary.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("comptoir").build());
    options.site_addr = config.site_addr;
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
    if hash_file.is_some_and(|f| f.exists()) {
        options.hash_files = true;
    }
    options
}

/// A started server.
pub struct Running {
    /// The bound address.
    pub addr: std::net::SocketAddr,
    /// Application state (tests use its database).
    pub state: AppState,
    /// Flip to `true` to stop.
    pub shutdown: watch::Sender<bool>,
    /// Resolves when the server and worker have stopped.
    pub done: tokio::task::JoinHandle<()>,
}

/// Starts the server on `listener`: migrations, demo data when asked, worker,
/// asset compression, HTTP. Returns once it accepts connections.
pub async fn start(config: Config, listener: TcpListener) -> Result<Running, String> {
    let db = open_database(&config).await?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let mut state = AppState::new(db, config.app_config(), crate::pdf::renderer());
    state.einvoicing = einvoicing(&config)?;
    state.geocoder = geocoder(&config)?;
    state.files = files(&config)?;
    if app::infra::db::is_postgres(&state.db) {
        // Live updates reach the pages served by every instance.
        state.live = app::infra::live::LiveBus::postgres(&state.db, shutdown_rx.clone());
    }
    if let Some(url) = &config.redis_url {
        state.limiter =
            app::infra::rate_limit::RateLimiter::new(std::sync::Arc::new(redis_limits::RedisCounters::new(url)?));
    }
    let empty = seed::is_empty(&state.db).await?;
    let should_seed = match config.demo_seed {
        DemoSeed::Always => true,
        DemoSeed::Never => false,
        DemoSeed::Auto => config.database_url.starts_with("sqlite") && empty,
    };
    if should_seed {
        seed::demo(&state).await?;
        tracing::info!("demo data loaded (see README for the demo accounts)");
    } else if empty {
        tracing::warn!(
            "no account yet: create the first platform admin with `server create-admin EMAIL \"FULL NAME\"` \
             (password from COMPTOIR_ADMIN_PASSWORD, or generated and printed)"
        );
    }
    if !state.config.secure_cookies && !state.config.is_local_http() {
        tracing::warn!("COMPTOIR_BASE_URL is not https: browsers will refuse the session cookie");
    }
    let mailer = mailer(&config)?;
    let leptos = leptos_options(&config);
    if leptos.hash_files {
        // Normally done at build time (`server precompress`); this catches
        // deployments that skipped it, without delaying start-up.
        let site_root = std::path::PathBuf::from(leptos.site_root.to_string());
        tokio::task::spawn_blocking(move || {
            let (count, errors) = assets::precompress(&site_root);
            for error in errors {
                tracing::warn!(%error, "asset not precompressed");
            }
            tracing::debug!(count, "assets precompressed");
        });
    }
    let worker = config
        .run_worker
        .then(|| tokio::spawn(worker::run(state.clone(), mailer, shutdown_rx.clone())));
    let dispatcher = config.run_dispatcher.then(|| {
        tokio::spawn(app::infra::dispatch::run(
            state.clone(),
            app::subscribers::all(),
            shutdown_rx.clone(),
        ))
    });
    tokio::spawn(scheduler::run(state.clone(), shutdown_rx.clone()));
    let metrics = telemetry::metrics_handle();
    if let Some(addr) = config.metrics_addr {
        metrics_listener(addr, metrics.clone(), shutdown_rx.clone()).await?;
    }
    let server_state = http::ServerState {
        leptos,
        app: state.clone(),
        metrics,
        shutdown: shutdown_rx.clone(),
        headers: headers::HeaderSettings {
            https: config.base_url.starts_with("https://"),
        },
        metrics_token: config.metrics_token.clone(),
    };
    let router = http::router(server_state);
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut stop = shutdown_rx.clone();
    let done = tokio::spawn(async move {
        // Server-rendered pages stream in several writes: without TCP_NODELAY,
        // Nagle's algorithm holds the last ones until the client's delayed ACK
        // (up to 40 ms).
        use axum::serve::ListenerExt;
        let listener = listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "TCP_NODELAY not set");
            }
        });
        let serve = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|v| *v).await;
        });
        if let Err(error) = serve.await {
            tracing::error!(%error, "server error");
        }
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        if let Some(dispatcher) = dispatcher {
            let _ = dispatcher.await;
        }
    });
    Ok(Running {
        addr,
        state,
        shutdown,
        done,
    })
}

/// Serves `/metrics` alone on a separate address (a private interface that
/// the monitoring system reaches and the internet does not).
async fn metrics_listener(
    addr: std::net::SocketAddr,
    handle: metrics_exporter_prometheus::PrometheusHandle,
    mut stop: watch::Receiver<bool>,
) -> Result<(), String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on COMPTOIR_METRICS_ADDR {addr}: {e}"))?;
    let router = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let handle = handle.clone();
            async move { http::metrics_text(&handle) }
        }),
    );
    tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = stop.wait_for(|v| *v).await;
        });
        if let Err(error) = serve.await {
            tracing::error!(%error, "metrics listener error");
        }
    });
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
