//! `tools bench`, dashboard part (COMPTOIR_BENCH_ONLY=dashboard), on SQLite
//! then on PostgreSQL when it answers:
//!
//! - a coach with `COMPTOIR_BENCH_LEADS` prospects (default 200,000, about
//!   eleven messages each) generated through the feed's own code path;
//! - the 35 KPIs for each period, server-side (p50/p95 of 100 runs), and the
//!   whole dashboard (KPIs, top lists, follow-ups, chart options);
//! - PostgreSQL: `REFRESH MATERIALIZED VIEW` of the seed's
//!   `coach_dashboard_kpis` view on the same rows, for comparison;
//! - ingestion over HTTP (a spawned server, batches of 500 events) into a
//!   fresh coach, then the KPIs checked against a recomputation from raw rows.
//!
//! Prints figures; never fails on time.

use crate::bench::{free_port, ms, percentile, spawn, wait_healthy};
use crate::data::to_json;
use app::dashboard::{Period, coach};
use app::domain::kpi::Estimates;
use app::infra::{AppState, db, time};
use migrations::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;
use server::seed::coach::{Rng, generate, prospect};
use std::path::Path;
use std::time::{Duration, Instant};

/// The seed's materialised view, on our tables (what pg_cron would refresh every 5 minutes).
const SEED_VIEW: &str = "CREATE MATERIALIZED VIEW coach_dashboard_kpis AS
SELECT l.workspace_id AS coach_id,
  COUNT(*) AS total_leads,
  COUNT(*) FILTER (WHERE l.created_at >= date_trunc('day', now())) AS leads_today,
  COUNT(*) FILTER (WHERE l.created_at >= now() - interval '7 days') AS leads_week,
  (SELECT COUNT(*) FROM setter_messages m WHERE m.workspace_id = l.workspace_id AND m.direction = 'out') AS total_messages_sent,
  COUNT(*) FILTER (WHERE l.status = 'new') AS new_leads,
  COUNT(*) FILTER (WHERE l.status = 'engaged') AS engaged_leads,
  COUNT(*) FILTER (WHERE l.status = 'qualified') AS qualified_leads,
  COUNT(*) FILTER (WHERE l.status = 'call_proposed') AS calls_proposed,
  COUNT(*) FILTER (WHERE l.status = 'call_booked') AS calls_booked,
  COUNT(*) FILTER (WHERE l.status = 'won') AS leads_won,
  COUNT(*) FILTER (WHERE l.status = 'lost') AS leads_lost,
  COUNT(*) FILTER (WHERE l.status = 'follow_up') AS leads_relance,
  AVG(l.msgs_out + l.msgs_in) AS avg_messages_per_lead,
  AVG(EXTRACT(EPOCH FROM (l.call_booked_at - l.created_at)) / 60) AS avg_time_to_action_minutes,
  SUM(l.deal_value_cents) AS total_revenue,
  COUNT(*) FILTER (WHERE l.gender = 'male') AS male_count,
  COUNT(*) FILTER (WHERE l.gender = 'female') AS female_count,
  AVG(l.age) AS avg_age,
  now() AS last_updated
FROM setter_leads l GROUP BY l.workspace_id";

fn line(label: &str, times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "  {label:<28} p50 {} · p95 {} · max {}",
        ms(percentile(times, 0.5)),
        ms(percentile(times, 0.95)),
        ms(*times.last().unwrap_or(&Duration::ZERO))
    )
}

async fn measure(exe: &Path, label: &str, db_url: &str, leads: u64) -> Result<(), String> {
    let database = db::connect(db_url, 4).await.map_err(|e| e.to_string())?;
    Migrator::up(&database, None).await.map_err(|e| e.to_string())?;
    let state = AppState::new(
        database.clone(),
        app::infra::AppConfig::local("http://127.0.0.1"),
        server::pdf::renderer(),
    );
    let ws = server::seed::coach::new_coach_workspace(&state, "coach-bench@comptoir.test", "Coach Bench").await?;
    println!("\n[dashboard · {label}] generating {leads} prospects over 365 days through the feed's code path…");
    let g = generate(&state, ws, leads, 365, 1).await?;
    println!("  {g} (in-process, batches of 500 prospects)");
    let postgres = db::is_postgres(&database);
    if postgres {
        database
            .execute_unprepared("ANALYZE")
            .await
            .map_err(|e| e.to_string())?;
    }
    let est = Estimates {
        monthly_cost_cents: 50_000,
        ..Estimates::default()
    };
    println!("  35 KPIs, server-side (sum of the period's daily rows), 5 warm-up + 100 runs per period:");
    for period in Period::ALL {
        for _ in 0..5 {
            coach::kpis(&database, ws, period, &est)
                .await
                .map_err(|e| e.to_string())?;
        }
        let mut times = Vec::new();
        for _ in 0..100 {
            let start = Instant::now();
            let (k, rows, _) = coach::kpis(&database, ws, period, &est)
                .await
                .map_err(|e| e.to_string())?;
            times.push(start.elapsed());
            assert_eq!(k.len(), 35);
            let _ = rows;
        }
        println!(
            "{}   (bar: p95 < 50 ms)",
            line(&format!("KPIs {}", period.label()), &mut times)
        );
    }
    println!("  Whole dashboard (KPIs + top lists + follow-ups + 7 chart options), 30 runs per period:");
    for period in Period::ALL {
        let mut times = Vec::new();
        for _ in 0..30 {
            let start = Instant::now();
            coach::dashboard(&database, ws, period, est.clone())
                .await
                .map_err(|e| e.to_string())?;
            times.push(start.elapsed());
        }
        println!("{}", line(&format!("dashboard {}", period.label()), &mut times));
    }
    if postgres {
        let start = Instant::now();
        database
            .execute_unprepared(SEED_VIEW)
            .await
            .map_err(|e| e.to_string())?;
        let create = start.elapsed();
        let mut times = Vec::new();
        for _ in 0..3 {
            let start = Instant::now();
            database
                .execute_unprepared("REFRESH MATERIALIZED VIEW coach_dashboard_kpis")
                .await
                .map_err(|e| e.to_string())?;
            times.push(start.elapsed());
        }
        println!(
            "  seed's materialised view coach_dashboard_kpis (22 figures, all time only): created in {}, {}",
            ms(create),
            line("REFRESH MATERIALIZED VIEW", &mut times).trim()
        );
    }
    ingest_over_http(exe, &state, db_url).await?;
    database.close().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Posts generated events to a spawned server, then checks the KPIs.
async fn ingest_over_http(exe: &Path, state: &AppState, db_url: &str) -> Result<(), String> {
    let ws = server::seed::coach::new_coach_workspace(state, "coach-http@comptoir.test", "Coach HTTP").await?;
    let (_, secret) = app::setter::keys::insert(&state.db, ws, "bench", None, false)
        .await
        .map_err(|e| e.to_string())?;
    let port = free_port()?;
    let mut child = spawn(exe, db_url, port, &["serve"])?;
    let client = reqwest::Client::new();
    wait_healthy(&client, port, Duration::from_secs(60)).await?;
    let now = time::now();
    let mut rng = Rng::new(42);
    let mut batches = Vec::new();
    let mut pending: Vec<serde_json::Value> = Vec::new();
    for n in 0..12_000u64 {
        for e in prospect(&mut rng, 9_000_000_000 + n, now, 90) {
            pending.push(to_json(&e));
        }
        if pending.len() >= 500 {
            batches.push(serde_json::json!({ "events": std::mem::take(&mut pending) }));
        }
    }
    if !pending.is_empty() {
        batches.push(serde_json::json!({ "events": pending }));
    }
    let total: usize = batches.iter().map(|b| b["events"].as_array().map_or(0, Vec::len)).sum();
    let url = format!("http://127.0.0.1:{port}/api/v1/setter/events");
    // This machine's PostgreSQL runs with autovacuum off: without statistics
    // on a never-analysed table the planner picks scans (the replay check took
    // ~70 ms a batch). Do what autovacuum would: analyse the tables the feed
    // writes every `COMPTOIR_BENCH_ANALYSE_SECS` (default 60, autovacuum's
    // naptime; 0 = never) beside the ingestion, in the measured time but
    // without blocking the client.
    let postgres = db::is_postgres(&state.db);
    let every = std::env::var("COMPTOIR_BENCH_ANALYSE_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(60);
    let (stop_analyse, mut stopped) = tokio::sync::watch::channel(false);
    let analyser = (postgres && every > 0).then(|| {
        let db = state.db.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(every)) => {}
                    _ = stopped.changed() => return,
                }
                let sql = format!("ANALYZE {}", server::seed::coach::FEED_TABLES);
                if let Err(e) = db.execute_unprepared(&sql).await {
                    eprintln!("  ANALYZE failed: {e}");
                }
            }
        })
    });
    let start = Instant::now();
    let mut times = Vec::new();
    let posted: Result<(), String> = async {
        for body in &batches {
            let t = Instant::now();
            let response = client
                .post(&url)
                .bearer_auth(&secret)
                .json(body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                return Err(format!("ingestion refused: {status} {text}"));
            }
            times.push(t.elapsed());
        }
        Ok(())
    }
    .await;
    let elapsed = start.elapsed();
    let _ = stop_analyse.send(true);
    if let Some(analyser) = analyser {
        let _ = analyser.await;
    }
    let _ = child.kill();
    let _ = child.wait();
    posted?;
    println!(
        "  HTTP ingestion: {total} events in {} batches in {:.1} s = {:.0} events/s sustained (bars: ≥ 2,000/s on SQLite, ≥ 10,000/s on PostgreSQL){}",
        batches.len(),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        match (postgres, every) {
            (false, _) => String::new(),
            (true, 0) => "; no ANALYZE during the run".to_string(),
            (true, n) => format!("; ANALYZE every {n} s beside it"),
        }
    );
    println!("{}", line("one batch of ~500 events", &mut times));
    let est = Estimates::default();
    let today = app::infra::time::paris_day(time::now());
    let mut wrong = Vec::new();
    for period in Period::ALL {
        let (kpis, _, _) = coach::kpis(&state.db, ws, period, &est)
            .await
            .map_err(|e| e.to_string())?;
        let shown: Vec<(String, Option<f64>)> = kpis.into_iter().map(|k| (k.key, k.value)).collect();
        let expected = crate::kpi_check::recompute(&state.db, ws, period, &est, today).await?;
        wrong.extend(crate::kpi_check::differences(&shown, &expected));
    }
    if wrong.is_empty() {
        println!("  KPIs after ingestion: all 35 × 4 periods equal the recomputation from raw rows");
    } else {
        println!(
            "  KPIs after ingestion DIFFER from raw rows:\n    {}",
            wrong.join("\n    ")
        );
    }
    Ok(())
}

/// Runs on SQLite, then on PostgreSQL when it answers.
pub async fn run(exe: &Path, dir: &Path) -> Result<(), String> {
    let leads: u64 = std::env::var("COMPTOIR_BENCH_LEADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let sqlite = format!("sqlite://{}/dashboard.db?mode=rwc", dir.display());
    measure(exe, "SQLite", &sqlite, leads).await?;
    let Some(pg) = crate::bench::TempPostgres::create("comptoir_dash").await? else {
        println!("\n[dashboard · PostgreSQL] not reachable: skipped");
        return Ok(());
    };
    let result = measure(exe, "PostgreSQL", &pg.url, leads).await;
    pg.drop().await;
    result
}
