//! `COMPTOIR_BENCH_ONLY=soak tools bench`: mixed use at a steady rate for a
//! long time (`COMPTOIR_SOAK_SECONDS`, one hour by default; 20 requests/s,
//! `COMPTOIR_SOAK_RATE`) against a spawned release server on SQLite with the
//! demo data: board moves and renders, quotes created, sent, opened and
//! signed in the portal, coach dashboards, DM-setter batches. Prints the
//! server's resident set size over time (bar: < 150 MB at the end), the
//! request count, errors and latencies. Never fails on the figures.

use crate::bench::{browser, free_port, ms, percentile, post, post_json, rss_kib, spawn_with, wait_healthy};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

const DEMO_PASSWORD: &str = server::seed::DEMO_PASSWORD;

/// A quote on its way from draft to signature.
enum QuoteStep {
    Create,
    Save(String),
    Send(String),
    Open(String),
    Sign(String),
}

struct Soak {
    base: String,
    artisan: reqwest::Client,
    coach: reqwest::Client,
    portal: reqwest::Client,
    api_key: String,
    stages: Vec<String>,
    cards: Vec<String>,
    db: sea_orm::DatabaseConnection,
    quotes: Mutex<VecDeque<QuoteStep>>,
    latencies: Mutex<Vec<Duration>>,
    errors: Mutex<Vec<String>>,
    counter: std::sync::atomic::AtomicU64,
}

async fn signed_in(base: &str, email: &str) -> Result<reqwest::Client, String> {
    let client = browser()?;
    let form = [("email", email.to_string()), ("password", DEMO_PASSWORD.to_string())];
    let reply = post(&client, base, "/api/sign_in", &form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !reply.status().is_success() {
        return Err(format!("sign-in of {email} refused: {}", reply.status()));
    }
    Ok(client)
}

async fn body(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let reply = request.send().await.map_err(|e| e.to_string())?;
    let status = reply.status();
    let text = reply.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {}", text.chars().take(200).collect::<String>()));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

impl Soak {
    fn next(&self) -> u64 {
        self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    async fn board_move(&self) -> Result<(), String> {
        let n = self.next() as usize;
        let card = &self.cards[n % self.cards.len()];
        let stage = &self.stages[(n / 7) % self.stages.len()];
        let form = [("deal_id", card.clone()), ("stage_id", stage.clone())];
        body(post(&self.artisan, &self.base, "/api/move_deal", &form))
            .await
            .map(|_| ())
    }

    async fn board_page(&self) -> Result<(), String> {
        // HTML: only the status matters.
        body(self.artisan.get(format!("{}/app/pipeline", self.base)))
            .await
            .map(|_| ())
    }

    async fn dashboard(&self) -> Result<(), String> {
        let period = ["7", "30", "90", "all"][self.next() as usize % 4];
        let form = [("period", period.to_string())];
        body(post(&self.coach, &self.base, "/api/fetch_dashboard", &form))
            .await
            .map(|_| ())
    }

    async fn setter_batch(&self) -> Result<(), String> {
        let n = self.next();
        let ig = format!("soak-{n}");
        let events = json!({ "events": [
            { "type": "lead_upserted", "instagram_id": ig, "first_name": "Prospect", "last_name": format!("N°{n}"),
              "age": 20 + n % 40, "gender": if n.is_multiple_of(2) { "female" } else { "male" }, "source": "story" },
            { "type": "message_sent", "instagram_id": ig, "external_id": format!("{ig}-m1"), "message_number": 1, "text": "Salut !" },
            { "type": "message_received", "instagram_id": ig, "external_id": format!("{ig}-m2"), "text": "Oui, dis-m'en plus" },
            { "type": "message_sent", "instagram_id": ig, "external_id": format!("{ig}-m3"), "message_number": 2, "text": "Top" },
            { "type": "status_changed", "instagram_id": ig, "external_id": format!("{ig}-s1"), "status": "qualified" }
        ]});
        let request = self
            .coach
            .post(format!("{}/api/v1/setter/events", self.base))
            .bearer_auth(&self.api_key)
            .json(&events);
        body(request).await.map(|_| ())
    }

    async fn quote_step(&self) -> Result<(), String> {
        let step = self.quotes.lock().await.pop_front().unwrap_or(QuoteStep::Create);
        let next = match step {
            QuoteStep::Create => {
                let id = body(post(&self.artisan, &self.base, "/api/create_quote", &[])).await?;
                QuoteStep::Save(id.as_str().ok_or("no id")?.to_string())
            }
            QuoteStep::Save(id) => {
                let n = self.next();
                let mut draft =
                    serde_json::to_value(server::seed::quotes::sample_draft("modern", 8)).map_err(|e| e.to_string())?;
                draft["title"] = json!(format!("Rénovation n° {n}"));
                draft["client"]["email"] = json!(format!("client-{n}@soak.test"));
                body(post_json(
                    &self.artisan,
                    &self.base,
                    "/api/save_quote",
                    &json!({ "id": id, "draft": draft }),
                ))
                .await?;
                QuoteStep::Send(id)
            }
            QuoteStep::Send(id) => {
                body(post(
                    &self.artisan,
                    &self.base,
                    "/api/send_quote",
                    &[("id", id.clone())],
                ))
                .await?;
                let token = self.portal_token(&id).await?;
                QuoteStep::Open(token)
            }
            QuoteStep::Open(token) => {
                let reply = self
                    .portal
                    .get(format!("{}/portal/{token}", self.base))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !reply.status().is_success() {
                    return Err(format!("portal answered {}", reply.status()));
                }
                reply.bytes().await.map_err(|e| e.to_string())?;
                QuoteStep::Sign(token)
            }
            QuoteStep::Sign(token) => {
                let form = [
                    ("token", token),
                    ("signer_name", "Claire Dubois".to_string()),
                    ("signer_email", "claire@soak.test".to_string()),
                    ("accepted", "true".to_string()),
                    ("signature_png", SIGNATURE.to_string()),
                ];
                body(post(&self.portal, &self.base, "/api/sign_quote", &form)).await?;
                return Ok(());
            }
        };
        self.quotes.lock().await.push_back(next);
        Ok(())
    }

    /// The portal token of a sent quote, read from its email like a client would.
    async fn portal_token(&self, quote_id: &str) -> Result<String, String> {
        use app::infra::entity::{email, quote};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let id: uuid::Uuid = quote_id.parse().map_err(|_| "bad id")?;
        let q = quote::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no quote")?;
        let mail = email::Entity::find()
            .filter(email::Column::ToAddress.eq(q.client_email))
            .order_by_desc(email::Column::CreatedAt)
            .one(&self.db)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no email")?;
        let start = mail.body_text.find("/portal/").ok_or("no portal link")? + "/portal/".len();
        Ok(mail.body_text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect())
    }

    async fn one(self: Arc<Self>) {
        let pick = self.next() % 20;
        let started = Instant::now();
        let result = match pick {
            0..=5 => self.board_move().await,
            6..=8 => self.board_page().await,
            9..=11 => self.dashboard().await,
            12..=14 => self.setter_batch().await,
            _ => self.quote_step().await,
        };
        let elapsed = started.elapsed();
        match result {
            Ok(()) => self.latencies.lock().await.push(elapsed),
            Err(error) => self.errors.lock().await.push(error),
        }
    }
}

/// A small real PNG (a stroke), as the signature pad sends it.
const SIGNATURE: &str = concat!(
    "data:image/png;base64,",
    include_str!("../../server/tests/it/fixtures/signature.b64")
);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Runs the soak on a fresh SQLite database with the demo data.
pub async fn run(exe: &Path, dir: &Path) -> Result<(), String> {
    let seconds = env_number("COMPTOIR_SOAK_SECONDS", 3600);
    let rate = env_number("COMPTOIR_SOAK_RATE", 20).max(1);
    let db_path = dir.join("soak.db");
    let db_url = format!("sqlite://{}?mode=rwc", db_path.display());
    let seeded = Command::new(exe)
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &db_url)
        .env("RUST_LOG", "warn")
        .status()
        .map_err(|e| e.to_string())?;
    if !seeded.success() {
        return Err("could not seed the soak database".into());
    }
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mailbox = dir.join("soak-mail");
    let env = [
        ("COMPTOIR_BASE_URL", base.as_str()),
        ("COMPTOIR_MAIL_PER_HOUR", "1000000"),
        ("COMPTOIR_MAIL_PER_DAY", "1000000"),
        ("COMPTOIR_RATE_LIMIT_FACTOR", "1000"),
        ("COMPTOIR_MAILDIR", mailbox.to_str().unwrap_or("soak-mail")),
    ];
    let mut child = spawn_with(exe, &db_url, port, &["serve"], &env)?;
    let pid = child.id();
    wait_healthy(&reqwest::Client::new(), port, Duration::from_secs(30)).await?;
    let result = soak(&base, &db_url, pid, seconds, rate).await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

async fn soak(base: &str, db_url: &str, pid: u32, seconds: u64, rate: u64) -> Result<(), String> {
    let artisan = signed_in(base, "artisan@comptoir.test").await?;
    let coach = signed_in(base, "coach@comptoir.test").await?;
    let key = body(post(
        &coach,
        base,
        "/api/create_api_key",
        &[("name", "Soak".to_string())],
    ))
    .await?;
    let board = body(post(&artisan, base, "/api/fetch_board", &[])).await?;
    let mut stages = Vec::new();
    let mut cards = Vec::new();
    for column in board["columns"].as_array().ok_or("no columns")? {
        if column["stage"]["kind"] == "open" {
            stages.push(column["stage"]["id"].as_str().unwrap_or_default().to_string());
            for card in column["cards"].as_array().into_iter().flatten() {
                cards.push(card["id"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    if stages.is_empty() || cards.is_empty() {
        return Err("the demo board has no open cards".into());
    }
    let soak = Arc::new(Soak {
        base: base.to_string(),
        artisan,
        coach,
        portal: browser()?,
        api_key: key["secret"].as_str().ok_or("no key")?.to_string(),
        stages,
        cards,
        db: app::infra::db::connect(db_url, 2).await.map_err(|e| e.to_string())?,
        quotes: Mutex::new(VecDeque::new()),
        latencies: Mutex::new(Vec::new()),
        errors: Mutex::new(Vec::new()),
        counter: std::sync::atomic::AtomicU64::new(0),
    });
    println!("\n[soak] {seconds} s of mixed use at {rate} requests/s (SQLite, demo data)");
    println!("  minute   RSS       requests   errors");
    let started = Instant::now();
    let rss_start = rss_kib(pid).unwrap_or(0);
    let mut rss_max = rss_start;
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let in_flight = Arc::new(tokio::sync::Semaphore::new(16));
    let mut next_report = Duration::ZERO;
    while started.elapsed() < Duration::from_secs(seconds) {
        ticker.tick().await;
        if let Ok(permit) = in_flight.clone().try_acquire_owned() {
            let soak = soak.clone();
            tokio::spawn(async move {
                soak.one().await;
                drop(permit);
            });
        } else {
            soak.errors
                .lock()
                .await
                .push("client saturated (16 requests in flight)".into());
        }
        if started.elapsed() >= next_report {
            let rss = rss_kib(pid).unwrap_or(0);
            rss_max = rss_max.max(rss);
            println!(
                "  {:>6}   {:>6.1} MB   {:>8}   {}",
                next_report.as_secs() / 60,
                rss as f64 / 1024.0,
                soak.latencies.lock().await.len(),
                soak.errors.lock().await.len()
            );
            next_report += Duration::from_secs(300.min(seconds.max(1)));
        }
    }
    let _ = in_flight.acquire_many(16).await;
    let rss_end = rss_kib(pid).unwrap_or(0);
    let mut latencies = soak.latencies.lock().await.clone();
    latencies.sort();
    let errors = soak.errors.lock().await.clone();
    println!(
        "  end: RSS {:.1} MB (start {:.1}, max {:.1})   (bar: < 150 MB at the end)",
        rss_end as f64 / 1024.0,
        rss_start as f64 / 1024.0,
        rss_max.max(rss_end) as f64 / 1024.0
    );
    println!(
        "  {} requests ok, {} errors; latency p50 {}   p95 {}   p99 {}   max {}",
        latencies.len(),
        errors.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0))
    );
    for error in errors.iter().take(10) {
        println!("  error: {error}");
    }
    Ok(())
}
