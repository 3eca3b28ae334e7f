//! `tools bench`: start time, idle memory, `/login` latency under load, then
//! the pipeline bars (`bench_pipeline`).
//! Prints figures; never fails on time.
//!
//! Run it from the repository root after `cargo leptos build --release`, so the
//! spawned servers find the compiled site (see docs/benchmarks.md).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

pub(crate) fn spawn(exe: &std::path::Path, db_url: &str, port: u16, args: &[&str]) -> Result<Child, String> {
    spawn_with(exe, db_url, port, args, &[])
}

/// `spawn` with extra environment variables.
pub(crate) fn spawn_with(
    exe: &std::path::Path,
    db_url: &str,
    port: u16,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<Child, String> {
    Command::new(exe)
        .args(args)
        .envs(env.iter().copied())
        .env("DATABASE_URL", db_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("COMPTOIR_DEMO_SEED", "never")
        .env("RUST_LOG", "warn")
        .env("COMPTOIR_MAILDIR", std::env::temp_dir().join("comptoir-bench-mail"))
        .env(
            "COMPTOIR_PA_DIR",
            std::env::temp_dir().join("comptoir-bench-einvoicing"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))
}

pub(crate) async fn wait_healthy(client: &reqwest::Client, port: u16, limit: Duration) -> Result<Duration, String> {
    let started = Instant::now();
    let url = format!("http://127.0.0.1:{port}/health");
    while started.elapsed() < limit {
        if let Ok(r) = client.get(&url).send().await
            && r.status().is_success()
        {
            return Ok(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Err("server did not become healthy".into())
}

/// A throw-away PostgreSQL database for a benchmark (`COMPTOIR_BENCH_POSTGRES_URL`,
/// by default the local server's `postgres` database, says where to create it).
pub(crate) struct TempPostgres {
    admin: sea_orm::DatabaseConnection,
    name: String,
    /// Where the benchmark connects.
    pub url: String,
}

impl TempPostgres {
    /// Creates it; `None` when PostgreSQL does not answer.
    pub async fn create(prefix: &str) -> Result<Option<TempPostgres>, String> {
        use sea_orm::ConnectionTrait;
        let admin_url = std::env::var("COMPTOIR_BENCH_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let Ok(admin) = sea_orm::Database::connect(&admin_url).await else {
            return Ok(None);
        };
        let name = format!("{prefix}_{}", std::process::id());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|e| e.to_string())?;
        let url = match admin_url.rsplit_once('/') {
            Some((head, _)) => format!("{head}/{name}"),
            None => return Err("COMPTOIR_BENCH_POSTGRES_URL must end with a database name".into()),
        };
        Ok(Some(TempPostgres { admin, name, url }))
    }

    /// Drops it.
    pub async fn drop(self) {
        use sea_orm::ConnectionTrait;
        let _ = self
            .admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .await;
    }
}

/// A same-origin form POST, as the browser sends server function calls.
pub(crate) fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    form: &[(&str, String)],
) -> reqwest::RequestBuilder {
    client
        .post(format!("{base}{path}"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .form(form)
}

/// A same-origin JSON POST (server functions taking whole documents).
pub(crate) fn post_json(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: &serde_json::Value,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{base}{path}"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .json(body)
}

/// A client with its own cookie jar, like one browser.
pub(crate) fn browser() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .cookie_store(true)
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())
}

/// Resident set size of a process, in KiB.
pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The server binary the benchmarks start: `COMPTOIR_SERVER_BIN`, else the
/// `server` beside this program (both built with the `server-release` profile).
pub fn server_binary() -> Result<std::path::PathBuf, String> {
    let exe = match std::env::var_os("COMPTOIR_SERVER_BIN") {
        Some(path) => std::path::PathBuf::from(path),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("server"),
    };
    if exe.is_file() {
        Ok(exe)
    } else {
        Err(format!(
            "no server binary at {} (set COMPTOIR_SERVER_BIN, or run ./scripts/bench.sh)",
            exe.display()
        ))
    }
}

/// Runs every measurement and prints a report.
pub async fn run() -> Result<(), String> {
    let exe = server_binary()?;
    let dir = std::env::temp_dir().join(format!("comptoir-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db_url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!(
        "Comptoir bench · {} · {cores} core(s) · {}",
        chrono::Utc::now().format("%Y-%m-%d"),
        exe.display()
    );

    let status = Command::new(&exe)
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &db_url)
        .env("RUST_LOG", "warn")
        .status();
    if !status.map(|s| s.success()).unwrap_or(false) {
        return Err("could not prepare the bench database".into());
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("memory") {
        let result = crate::bench_memory::run(&exe, &dir).await;
        let _ = std::fs::remove_dir_all(&dir);
        return result;
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("soak") {
        let result = crate::bench_soak::run(&exe, &dir).await;
        let _ = std::fs::remove_dir_all(&dir);
        return result;
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("photos") {
        let _ = std::fs::remove_dir_all(&dir);
        return crate::bench_photos::run();
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("quotes") {
        let _ = std::fs::remove_dir_all(&dir);
        return crate::bench_quotes::run();
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("invoices") {
        let _ = std::fs::remove_dir_all(&dir);
        return crate::bench_quotes::run_invoice().map(|path| println!("  last PDF: {}", path.display()));
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("fec") {
        let result = crate::bench_fec::run(&dir).await;
        let _ = std::fs::remove_dir_all(&dir);
        return result;
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("dashboard") {
        let result = crate::bench_dashboard::run(&exe, &dir).await;
        let _ = std::fs::remove_dir_all(&dir);
        return result;
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("market") {
        let result = crate::bench_market::run(&exe, &dir).await;
        let _ = std::fs::remove_dir_all(&dir);
        return result;
    }
    if std::env::var("COMPTOIR_BENCH_ONLY").as_deref() == Ok("pipeline") {
        let result = crate::bench_pipeline::run(&exe, &dir).await;
        if std::env::var_os("COMPTOIR_BENCH_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        return result;
    }
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .map_err(|e| e.to_string())?;

    // 1. Start to healthy on an existing database.
    let mut starts = Vec::new();
    let mut server = None;
    for round in 0..7 {
        let port = free_port()?;
        let mut child = spawn(&exe, &db_url, port, &["serve"])?;
        let elapsed = wait_healthy(&client, port, Duration::from_secs(30)).await?;
        starts.push(elapsed);
        if round < 6 {
            let _ = child.kill();
            let _ = child.wait();
        } else {
            server = Some((child, port));
        }
    }
    starts.sort();
    let (mut child, port) = server.ok_or("no server")?;
    println!("\n[start] spawn → /health 200, existing SQLite database, 7 runs");
    println!(
        "  median {}   min {}   max {}   (bar: < 1 s)",
        ms(starts[3]),
        ms(starts[0]),
        ms(starts[6])
    );

    // 2. Idle memory.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let idle = rss_kib(child.id()).unwrap_or(0);
    println!(
        "\n[memory] resident set size after 4 s idle: {:.1} MB   (bar: < 60 MB)",
        idle as f64 / 1024.0
    );

    // 3. /login under 16 concurrent connections.
    let url = format!("http://127.0.0.1:{port}/login");
    for _ in 0..200 {
        let _ = client.get(&url).send().await.map_err(|e| e.to_string())?.bytes().await;
    }
    let total = 8000usize;
    let concurrency = 16usize;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .no_gzip()
                .no_brotli()
                .build()
                .expect("client");
            let mut latencies = Vec::with_capacity(total / concurrency);
            for _ in 0..total / concurrency {
                let t = Instant::now();
                let ok = match client.get(&url).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    latencies.push(t.elapsed());
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())?);
    }
    let wall = started.elapsed();
    latencies.sort();
    println!(
        "\n[ssr] GET /login, {concurrency} concurrent connections, {} requests",
        latencies.len()
    );
    println!(
        "  p50 {}   p95 {}   p99 {}   max {}   {:.0} req/s   (bar: p95 < 10 ms)",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0)),
        latencies.len() as f64 / wall.as_secs_f64()
    );
    if latencies.len() < total {
        println!("  {} request(s) failed", total - latencies.len());
    }

    // What a browser downloads for a page is measured in a real browser, where
    // the lazy WASM chunks load: `node end2end/tools/weight.mjs /login`.

    let _ = child.kill();
    let _ = child.wait();

    // 4. Quote PDFs, then the invoice's Factur-X.
    crate::bench_quotes::run()?;
    crate::bench_quotes::run_invoice()?;
    crate::bench_fec::run(&dir).await?;

    // 5. Memory an account can make the server hold.
    crate::bench_memory::run(&exe, &dir).await?;

    // 6. The pipeline bars, on SQLite and PostgreSQL.
    let result = crate::bench_pipeline::run(&exe, &dir).await;
    // 7. The dashboard bars (200,000 prospects), on SQLite and PostgreSQL.
    let result = match result {
        Ok(()) => crate::bench_dashboard::run(&exe, &dir).await,
        e => e,
    };
    // 8. The marketplace: geocoding, routing among 20,000 profiles, /demande's weight.
    let result = match result {
        Ok(()) => crate::bench_market::run(&exe, &dir).await,
        e => e,
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}
