//! Subcommands of the server binary.

use crate::config::Config;
use crate::{seed, telemetry};

const USAGE: &str = "Usage: server [COMMAND]

Commands:
  serve                 run the web server and the job worker (default)
  migrate               apply database migrations and exit
  seed --demo           load the demo workspaces and accounts (idempotent)
  create-admin EMAIL NAME
                        create a platform admin (password from COMPTOIR_ADMIN_PASSWORD,
                        or generated and printed)
  verify-events [WORKSPACE_ID]
                        recompute the audit hash chains; exit 1 at the first broken link
  precompress           write brotli and gzip copies of the compiled assets (build step)
  geocode POSTCODE COMMUNE [ADDRESS]
                        print `lat lon source` for a place, as routing locates it

Benchmarks and data generators are another program: `tools` (see README).

Configuration comes from environment variables (see README).";

/// Runs a command line; returns the process exit code.
pub async fn run(args: Vec<String>) -> i32 {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("configuration error: {message}");
            return 2;
        }
    };
    telemetry::init_logs(config.log_format);
    let command = args.first().map(String::as_str).unwrap_or("serve");
    let result = match command {
        "serve" => serve(config).await,
        "migrate" => crate::open_database(&config)
            .await
            .map(|_| println!("migrations applied")),
        "seed" if args.get(1).map(String::as_str) == Some("--demo") => seed_demo(config).await,
        "create-admin" => create_admin(config, args.get(1), args.get(2)).await,
        "verify-events" => return verify_events(config, args.get(1)).await,
        "precompress" => {
            let site_root = crate::leptos_options(&config).site_root.to_string();
            let (count, errors) = crate::assets::precompress(std::path::Path::new(&site_root));
            println!("{count} asset(s) compressed under {site_root}");
            if errors.is_empty() {
                Ok(())
            } else {
                Err(errors.join("\n"))
            }
        }
        "geocode" => geocode(&config, args.get(1), args.get(2), args.get(3)).await,
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    let base_url = config.base_url.clone();
    let running = crate::start(config, listener).await?;
    tracing::info!(addr = %running.addr, url = %base_url, "Comptoir is listening");
    crate::shutdown_signal().await;
    tracing::info!("shutting down");
    let _ = running.shutdown.send(true);
    let _ = running.done.await;
    Ok(())
}

async fn seed_demo(config: Config) -> Result<(), String> {
    let db = crate::open_database(&config).await?;
    let state = app::infra::AppState::new(db, config.app_config(), crate::pdf::renderer());
    seed::demo(&state).await?;
    println!("demo data loaded");
    Ok(())
}

async fn create_admin(config: Config, email: Option<&String>, name: Option<&String>) -> Result<(), String> {
    let (Some(email), Some(name)) = (email, name) else {
        return Err("usage: server create-admin EMAIL \"FULL NAME\"".into());
    };
    let db = crate::open_database(&config).await?;
    let (password, generated) = match std::env::var("COMPTOIR_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (app::infra::crypto::random_token()[..20].to_string(), true),
    };
    seed::create_platform_admin(&db, email, name, &password).await?;
    if generated {
        println!("platform admin {email} created; password: {password}");
    } else {
        println!("platform admin {email} created");
    }
    Ok(())
}

async fn verify_events(config: Config, workspace: Option<&String>) -> i32 {
    let db = match crate::open_database(&config).await {
        Ok(db) => db,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let only = match workspace.map(|w| w.parse::<uuid::Uuid>()) {
        None => None,
        Some(Ok(id)) => Some(app::domain::WorkspaceId(id)),
        Some(Err(e)) => {
            eprintln!("error: workspace id: {e}");
            return 2;
        }
    };
    match app::infra::events::verify(&db, only).await {
        Ok(report) => match report.first_break {
            None => {
                println!(
                    "ok: {} chain(s), {} event(s), every link verified",
                    report.chains, report.events
                );
                0
            }
            Some(b) => {
                println!(
                    "BROKEN: chain {} at event #{} ({}): {}",
                    b.workspace_id,
                    b.seq,
                    b.event_id
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "missing row".into()),
                    b.reason
                );
                1
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// `geocode POSTCODE COMMUNE [ADDRESS]`: the point routing would use.
async fn geocode(
    config: &Config,
    postcode: Option<&String>,
    commune: Option<&String>,
    address: Option<&String>,
) -> Result<(), String> {
    let (Some(postcode), Some(commune)) = (postcode, commune) else {
        return Err(format!("geocode needs a postcode and a commune\n\n{USAGE}"));
    };
    let index = app::infra::communes::index()?;
    let found = index.find(postcode, commune).map_err(|e| e.message())?;
    let located = crate::geocoder(config)?
        .locate(found, address.map(String::as_str).unwrap_or_default())
        .await
        .unwrap_or_else(|_| app::infra::ports::Located {
            point: found.point,
            source: found.source.as_str().into(),
        });
    println!("{:.5} {:.5} {}", located.point.lat, located.point.lon, located.source);
    Ok(())
}
