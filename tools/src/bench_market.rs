//! `tools bench`, marketplace part (`COMPTOIR_BENCH_ONLY=market`):
//!
//! - offline geocoding: load time, coverage of communes and population by
//!   source, and the time to check and locate a postcode + commune (p50/p95
//!   over 20,000 pairs drawn by population);
//! - routing one request among 20,000 artisan profiles (10 trades, bases
//!   drawn by population, three required documents each, 5 % expired): the
//!   candidates' query and the decision, p50/p95 over 500 requests, on SQLite
//!   then PostgreSQL;
//! - `/demande` on a first visit: bytes transferred (compressed) for the
//!   page, its script and icon, from a spawned release server.
//!
//! Prints figures; never fails on time.

use crate::bench::{TempPostgres, free_port, ms, percentile, spawn, wait_healthy};
use app::domain::TradePack;
use app::domain::documents::{DocumentFacts, DocumentKind, DocumentStatus, routable_span};
use app::domain::geo::Point;
use app::infra::communes::Communes;
use app::infra::entity::{artisan_document, artisan_profile, artisan_trade, member, user, workspace};
use app::infra::{db, time};
use chrono::Days;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use std::time::{Duration, Instant};
use uuid::Uuid;

const PROFILES: usize = 20_000;
const PER_WORKSPACE: usize = 4;
const REQUESTS: usize = 500;
const PAIRS: usize = 20_000;

/// A tiny deterministic generator (xorshift), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Communes weighted by population: a draw lands where people live.
struct Draw<'a> {
    communes: Vec<&'a app::infra::communes::Commune>,
    cumulative: Vec<u64>,
}

impl<'a> Draw<'a> {
    fn new(index: &'a Communes) -> Draw<'a> {
        let communes: Vec<_> = index
            .all()
            .iter()
            .filter(|c| c.current && !c.postcodes.is_empty() && c.population > 0)
            .collect();
        let mut total = 0;
        let cumulative = communes
            .iter()
            .map(|c| {
                total += c.population;
                total
            })
            .collect();
        Draw { communes, cumulative }
    }
    fn pick(&self, rng: &mut Rng) -> &'a app::infra::communes::Commune {
        let total = *self.cumulative.last().unwrap_or(&1);
        let at = rng.next() % total;
        let i = self.cumulative.partition_point(|c| *c <= at);
        self.communes[i.min(self.communes.len() - 1)]
    }
}

fn geocoding(index: &Communes, loaded: Duration) {
    let current: Vec<_> = index.all().iter().filter(|c| c.current).collect();
    let people: u64 = current.iter().map(|c| c.population).sum();
    println!(
        "\n[geocoding] {} communes ({} current), {} postcodes, index built in {}",
        index.all().len(),
        current.len(),
        index.postcodes(),
        ms(loaded)
    );
    for (source, n, pop) in index.coverage() {
        println!(
            "  {:<10} {:>6} communes ({:>5.1} %)   {:>5.1} % of the population",
            source.as_str(),
            n,
            100.0 * n as f64 / current.len() as f64,
            100.0 * pop as f64 / people as f64
        );
    }
    let draw = Draw::new(index);
    let mut rng = Rng(0x5eed);
    let pairs: Vec<(String, String)> = (0..PAIRS)
        .map(|_| {
            let c = draw.pick(&mut rng);
            (c.postcodes[rng.below(c.postcodes.len())].clone(), c.name.to_uppercase())
        })
        .collect();
    let mut times = Vec::with_capacity(PAIRS);
    let mut unresolved = 0;
    for (postcode, name) in &pairs {
        let t = Instant::now();
        if index.find(postcode, name).is_err() {
            unresolved += 1;
        }
        times.push(t.elapsed());
    }
    times.sort();
    let every = index
        .all()
        .iter()
        .filter(|c| c.current)
        .flat_map(|c| c.postcodes.iter().map(move |p| (p, &c.name)))
        .filter(|(p, n)| index.find(p, n).is_err())
        .count();
    println!(
        "  check + locate a postcode and commune (upper-cased), {PAIRS} pairs by population: p50 {}   p95 {}   max {}   (bar: p95 < 1 ms); unresolved {unresolved}; every current (postcode, commune) pair: {every} unresolved",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[times.len() - 1])
    );
}

async fn populate(database: &sea_orm::DatabaseConnection, index: &Communes) -> Result<(), String> {
    let err = |e: sea_orm::DbErr| e.to_string();
    let trades = TradePack::Artisan.trades();
    let draw = Draw::new(index);
    let mut rng = Rng(0xa871);
    let now = time::now();
    let today = time::paris_day(now);
    for chunk in 0..PROFILES / 500 {
        let (mut spaces, mut users, mut members, mut profiles, mut rows, mut docs) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for k in 0..500 {
            let i = chunk * 500 + k;
            let ws = Uuid::from_u128(0xb000_0000 + (i / PER_WORKSPACE) as u128);
            if i % PER_WORKSPACE == 0 {
                spaces.push(workspace::ActiveModel {
                    id: Set(ws),
                    name: Set(format!("Entreprise {}", i / PER_WORKSPACE)),
                    pack: Set(TradePack::Artisan),
                    slug: Set(Some(format!("entreprise-{}", i / PER_WORKSPACE))),
                    require_owner_totp: Set(false),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
            let u = user::Model::new_account(&format!("artisan{i}@bench.test"), &format!("Artisan {i}"), None, false);
            let m = Uuid::now_v7();
            members.push(member::ActiveModel {
                id: Set(m),
                workspace_id: Set(ws),
                user_id: Set(u.id),
                role: Set(app::domain::Role::Member),
                created_at: Set(now),
            });
            users.push(u);
            let c = draw.pick(&mut rng);
            let radius = 10 + rng.below(50) as i32;
            profiles.push(artisan_profile::ActiveModel {
                member_id: Set(m),
                workspace_id: Set(ws),
                phone: Set("0600000000".into()),
                address: Set(String::new()),
                postcode: Set(c.postcodes[0].clone()),
                city: Set(c.name.clone()),
                insee: Set(c.insee.clone()),
                latitude: Set(c.point.lat),
                longitude: Set(c.point.lon),
                geo_source: Set(c.source.as_str().into()),
                radius_km: Set(radius),
                weekly_capacity: Set(5 + rng.below(10) as i32),
                available: Set(rng.below(10) != 0),
                member_score: Set(Some(rng.below(101) as i16)),
                response_hours: Set(Some(rng.below(72) as f64)),
                acceptance_rate: Set(Some(rng.below(101) as f64 / 100.0)),
                routable_from: Set(None),
                routable_until: Set(None),
                routable_checked_on: Set(None),
                updated_at: Set(now),
            });
            let first = rng.below(trades.len());
            for t in 0..1 + rng.below(3) {
                rows.push(artisan_trade::ActiveModel {
                    trade: Set(trades[(first + t) % trades.len()].into()),
                    member_id: Set(m),
                    workspace_id: Set(ws),
                    latitude: Set(c.point.lat),
                    longitude: Set(c.point.lon),
                    radius_km: Set(radius),
                });
            }
            let expired = rng.below(20) == 0;
            let mut facts = Vec::new();
            for kind in DocumentKind::REQUIRED {
                let ends = if expired && kind == DocumentKind::Decennale {
                    today - Days::new(3)
                } else {
                    today + Days::new(100)
                };
                facts.push(DocumentFacts {
                    kind,
                    status: DocumentStatus::Approved,
                    starts_on: today - Days::new(100),
                    ends_on: ends,
                });
                docs.push(artisan_document::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    workspace_id: Set(ws),
                    member_id: Set(m),
                    kind: Set(kind),
                    insurer: Set(String::new()),
                    policy_number: Set(String::new()),
                    cover: Set(String::new()),
                    rge_domains: Set(String::new()),
                    starts_on: Set(today - Days::new(100)),
                    ends_on: Set(ends),
                    file_key: Set(String::new()),
                    file_name: Set(String::new()),
                    content_type: Set(String::new()),
                    size: Set(0),
                    sha256: Set(String::new()),
                    status: Set(DocumentStatus::Approved),
                    reject_reason: Set(None),
                    reviewed_by: Set(None),
                    reviewed_at: Set(None),
                    reminded_days: Set(None),
                    created_at: Set(now),
                });
            }
            // As a review stores it.
            let span = routable_span(&facts, today);
            if let Some(p) = profiles.last_mut() {
                p.routable_from = Set(span.map(|s| s.0));
                p.routable_until = Set(span.map(|s| s.1));
                p.routable_checked_on = Set(Some(today));
            }
        }
        let txn = db::begin_write(database).await.map_err(err)?;
        if !spaces.is_empty() {
            workspace::Entity::insert_many(spaces)
                .exec_without_returning(&txn)
                .await
                .map_err(err)?;
        }
        for u in &users {
            app::auth::service::insert_user(&txn, u)
                .await
                .map_err(|e| e.to_string())?;
        }
        member::Entity::insert_many(members)
            .exec_without_returning(&txn)
            .await
            .map_err(err)?;
        artisan_profile::Entity::insert_many(profiles)
            .exec_without_returning(&txn)
            .await
            .map_err(err)?;
        artisan_trade::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .map_err(err)?;
        for part in docs.chunks(500) {
            artisan_document::Entity::insert_many(part.to_vec())
                .exec_without_returning(&txn)
                .await
                .map_err(err)?;
        }
        txn.commit().await.map_err(err)?;
    }
    Ok(())
}

async fn routing(label: &str, url: &str, index: &Communes) -> Result<(), String> {
    let started = Instant::now();
    let database = db::connect(url, 4).await.map_err(|e| e.to_string())?;
    Migrator::up(&database, None).await.map_err(|e| e.to_string())?;
    populate(&database, index).await?;
    if db::is_postgres(&database) {
        database
            .execute_unprepared("ANALYZE")
            .await
            .map_err(|e| e.to_string())?;
    }
    println!(
        "\n[routing · {label}] {PROFILES} artisan profiles ({} workspaces, 10 trades, 3 documents each) generated in {:.1} s",
        PROFILES / PER_WORKSPACE,
        started.elapsed().as_secs_f64()
    );
    let draw = Draw::new(index);
    let mut rng = Rng(0x10ad);
    let trades = TradePack::Artisan.trades();
    let now = time::now();
    let (mut times, mut candidates, mut picked) = (Vec::new(), 0usize, 0usize);
    for _ in 0..REQUESTS {
        let c = draw.pick(&mut rng);
        let trade = trades[rng.below(trades.len())];
        let site = Point {
            lat: c.point.lat,
            lon: c.point.lon,
        };
        let t = Instant::now();
        let found = app::marketplace::routing::candidates(&database, trade, site, now)
            .await
            .map_err(|e| e.to_string())?;
        let verdicts = app::domain::routing::route(trade, site, &found, 3);
        times.push(t.elapsed());
        candidates += found.len();
        picked += verdicts.iter().filter(|v| v.picked).count();
    }
    times.sort();
    println!(
        "  route one request (candidates of the trade within 200 km, documents, week's load, decision), {REQUESTS} requests drawn by population: p50 {}   p95 {}   max {}   (bar: p95 < 20 ms); {:.0} candidates and {:.2} picked per request",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[times.len() - 1]),
        candidates as f64 / REQUESTS as f64,
        picked as f64 / REQUESTS as f64
    );
    database.close().await.map_err(|e| e.to_string())
}

async fn form_weight(exe: &std::path::Path, dir: &std::path::Path) -> Result<(), String> {
    let db_url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let port = free_port()?;
    let mut child = spawn(exe, &db_url, port, &["serve"])?;
    let client = reqwest::Client::builder()
        .gzip(true)
        .brotli(true)
        .build()
        .map_err(|e| e.to_string())?;
    wait_healthy(&client, port, Duration::from_secs(30)).await?;
    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .map_err(|e| e.to_string())?;
    let mut total = 0usize;
    let mut parts = Vec::new();
    for path in ["/demande", "/demande.js", "/icons/icon.svg"] {
        let response = raw
            .get(format!("http://127.0.0.1:{port}{path}"))
            .header("accept-encoding", "br, gzip")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let bytes = response.bytes().await.map_err(|e| e.to_string())?.len();
        total += bytes;
        parts.push(format!("{path} {:.1} KB", bytes as f64 / 1024.0));
    }
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "\n[/demande] first visit, compressed: {:.1} KB in all ({})   (bar: ≤ 150 KB; no WASM, one 1 KB script)",
        total as f64 / 1024.0,
        parts.join(", ")
    );
    Ok(())
}

/// Runs the marketplace measurements.
pub async fn run(exe: &std::path::Path, dir: &std::path::Path) -> Result<(), String> {
    let t = Instant::now();
    let index = Communes::load(&app::infra::communes::data_dir())?;
    let loaded = t.elapsed();
    geocoding(&index, loaded);
    routing(
        "SQLite",
        &format!("sqlite://{}/market.db?mode=rwc", dir.display()),
        &index,
    )
    .await?;
    if let Some(pg) = TempPostgres::create("comptoir_bench_market").await? {
        let result = routing("PostgreSQL", &pg.url, &index).await;
        pg.drop().await;
        result?;
    }
    form_weight(exe, dir).await
}
