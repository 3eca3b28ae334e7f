//! `COMPTOIR_BENCH_ONLY=memory tools bench`: what an account can make the
//! server hold, measured on a spawned release server (its resident set size
//! read from `/proc`):
//!
//! - 1,000 distinct draft previews rendered in a row (RSS after − before;
//!   bar < 50 MB), then the same draft asked for 1,000 times (cache);
//! - a 194 KB PNG declaring 40000×40000 pixels uploaded as a logo;
//! - a burst of parallel password sign-ins (peak and settled RSS).
//!
//! Prints figures; never fails on them.

use crate::bench::{browser, free_port, ms, percentile, post, post_json, rss_kib, spawn_with, wait_healthy};
use base64::Engine;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

const PREVIEWS: usize = 1_000;
const PASSWORD: &str = "Bench-Memoire-2026";

fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

async fn json_of(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let reply = request.send().await.map_err(|e| e.to_string())?;
    let status = reply.status();
    let body = reply.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {body}"));
    }
    serde_json::from_str(&body).map_err(|e| e.to_string())
}

/// Signs up an owner, makes a complete draft; returns the client and the quote id.
async fn draft(base: &str) -> Result<(reqwest::Client, String, Value), String> {
    let client = browser()?;
    let form = [
        ("name", "Julien Martin".to_string()),
        ("email", "julien@bench-memoire.test".to_string()),
        ("password", PASSWORD.to_string()),
        ("workspace_name", "Plomberie Martin".to_string()),
        ("pack", "artisan".to_string()),
        ("consent", "on".to_string()),
    ];
    json_of(post(&client, base, "/api/sign_up", &form)).await?;
    let id = json_of(post(&client, base, "/api/create_quote", &[])).await?;
    let id = id.as_str().ok_or("no quote id")?.to_string();
    let draft = serde_json::to_value(server::seed::quotes::sample_draft("modern", 12)).map_err(|e| e.to_string())?;
    Ok((client, id, draft))
}

async fn save(client: &reqwest::Client, base: &str, id: &str, draft: &Value) -> Result<(), String> {
    json_of(post_json(
        client,
        base,
        "/api/save_quote",
        &json!({ "id": id, "draft": draft }),
    ))
    .await
    .map(|_| ())
}

async fn preview(client: &reqwest::Client, base: &str, id: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let reply = client
        .get(format!("{base}/app/quotes/{id}/pdf"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !reply.status().is_success() {
        return Err(format!("preview answered {}", reply.status()));
    }
    reply.bytes().await.map_err(|e| e.to_string())?;
    Ok(started.elapsed())
}

/// Runs the memory measurements on SQLite.
pub async fn run(exe: &Path, dir: &Path) -> Result<(), String> {
    let db_url = format!("sqlite://{}/memory.db?mode=rwc", dir.display());
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    // Relaxed limits: this measures memory, not the preview budget.
    let env = [
        ("COMPTOIR_RATE_LIMIT_FACTOR", "1000"),
        ("COMPTOIR_BASE_URL", base.as_str()),
    ];
    let mut child = spawn_with(exe, &db_url, port, &["serve"], &env)?;
    let pid = child.id();
    wait_healthy(&reqwest::Client::new(), port, Duration::from_secs(30)).await?;
    let result = measure(&base, pid).await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

async fn measure(base: &str, pid: u32) -> Result<(), String> {
    let rss = || rss_kib(pid).unwrap_or(0);
    let (client, id, mut draft) = draft(base).await?;
    // Warm-up: fonts, template, first allocations.
    for n in 0..20 {
        draft["title"] = json!(format!("Échauffement {n}"));
        save(&client, base, &id, &draft).await?;
        preview(&client, base, &id).await?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = rss();
    let mut renders = Vec::with_capacity(PREVIEWS);
    let mut peak = before;
    for n in 0..PREVIEWS {
        draft["title"] = json!(format!("Rénovation de la salle de bains n° {n}"));
        save(&client, base, &id, &draft).await?;
        renders.push(preview(&client, base, &id).await?);
        if n % 50 == 0 {
            peak = peak.max(rss());
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss();
    renders.sort();
    println!("\n[memory · previews] {PREVIEWS} distinct draft previews in a row (12-line quote)");
    println!(
        "  RSS before {}   after {}   after − before {:+.1} MB   peak {}   (bar: < 50 MB)",
        mb(before),
        mb(after),
        (after as f64 - before as f64) / 1024.0,
        mb(peak)
    );
    println!(
        "  render p50 {}   p95 {}   max {}",
        ms(percentile(&renders, 0.5)),
        ms(percentile(&renders, 0.95)),
        ms(percentile(&renders, 1.0))
    );
    let mut cached = Vec::with_capacity(PREVIEWS);
    for _ in 0..PREVIEWS {
        cached.push(preview(&client, base, &id).await?);
    }
    cached.sort();
    println!(
        "  the same draft {PREVIEWS} more times (cache): p50 {}   p95 {}   RSS {}",
        ms(percentile(&cached, 0.5)),
        ms(percentile(&cached, 0.95)),
        mb(rss())
    );

    // A decompression bomb as a logo.
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend(40_000u32.to_be_bytes());
    png.extend(40_000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png.resize(194 * 1024, 0);
    let image = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    let before = rss();
    let started = Instant::now();
    let reply = post_json(&client, base, "/api/upload_logo", &json!({ "image": image }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = reply.status();
    println!(
        "\n[memory · logo] 194 KB PNG declaring 40000×40000: HTTP {} in {}, RSS {} → {}",
        status.as_u16(),
        ms(started.elapsed()),
        mb(before),
        mb(rss())
    );

    // A burst of password sign-ins (argon2id, 19 MiB each).
    let before = rss();
    let burst = 64;
    let sampler = {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let handle = tokio::spawn(async move {
            let mut peak = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid).unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak
        });
        (stop, handle)
    };
    let started = Instant::now();
    let sign_ins = (0..burst).map(|_| async {
        let client = browser()?;
        let form = [
            ("email", "julien@bench-memoire.test".to_string()),
            ("password", PASSWORD.to_string()),
        ];
        json_of(post(&client, base, "/api/sign_in", &form)).await.map(|_| ())
    });
    let results = futures::future::join_all(sign_ins).await;
    let wall = started.elapsed();
    sampler.0.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.1.await.map_err(|e| e.to_string())?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    println!(
        "\n[memory · sign-ins] {burst} parallel password sign-ins: {} ok in {:.2} s; RSS before {}   peak {}   5 s later {}",
        results.iter().filter(|r| r.is_ok()).count(),
        wall.as_secs_f64(),
        mb(before),
        mb(peak),
        mb(rss())
    );
    Ok(())
}
