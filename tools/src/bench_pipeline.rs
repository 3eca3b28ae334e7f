//! `tools bench`, pipeline part: a workspace with 100,000 deals, one pipeline
//! of which has 2,000 open deals (the 98,000 others are closed, the worst case
//! for the won and lost columns' counts and totals). Measures, over real HTTP
//! against a spawned release server, on SQLite and on PostgreSQL:
//!
//! - the board's server render (`GET /app/pipeline`, signed in), and
//! - a move persisted with its event (`POST /api/move_deal`, the board's call).
//!
//! Prints figures; never fails on time.

use crate::bench::{free_port, ms, percentile, post, spawn, wait_healthy};
use app::domain::{StageKind, TradePack, WorkspaceId};
use app::infra::entity::{deal, event, lead, member, pipeline, stage};
use app::infra::events::Actor;
use app::infra::{AppState, Write, crypto, db, time};
use app::pipeline::LeadSource;
use chrono::TimeDelta;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder};
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

const DEALS: usize = 100_000;
const OPEN: usize = 2_000;
const EMAIL: &str = "bench@comptoir.test";
const PASSWORD: &str = "Bench-Pipeline-2026";
const RENDERS: usize = 200;
const MOVES: usize = 500;

const FIRST: [&str; 12] = [
    "Karim", "Sophie", "Lucas", "Nathalie", "Hugo", "Camille", "Mehdi", "Élodie", "Thomas", "Inès", "Julien", "Chloé",
];
const LAST: [&str; 12] = [
    "Benali",
    "Bernard",
    "Rousseau",
    "Girard",
    "Lefèvre",
    "Morel",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Garnier",
    "Faure",
];
const CITIES: [(&str, &str); 8] = [
    ("Lyon", "69003"),
    ("Villeurbanne", "69100"),
    ("Caluire-et-Cuire", "69300"),
    ("Vénissieux", "69200"),
    ("Bron", "69500"),
    ("Écully", "69130"),
    ("Oullins", "69600"),
    ("Tassin-la-Demi-Lune", "69160"),
];
const NEEDS: [&str; 4] = [
    "Fuite sous l'évier de la cuisine, le meuble est gonflé, intervention rapide souhaitée.",
    "Remplacement d'un chauffe-eau électrique de 200 L au sous-sol, accès facile.",
    "Salle de bains à refaire : douche à l'italienne, WC suspendu, meuble vasque.",
    "Radiateurs froids en haut de la maison, purge et équilibrage du circuit.",
];

/// A tiny deterministic generator (the same data and moves on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What the measurements need to know about the generated workspace.
struct Fixture {
    pipeline_id: Uuid,
    stage_names: Vec<String>,
    /// Open columns: stage id and deal ids in board order.
    open: Vec<(Uuid, Vec<Uuid>)>,
}

async fn populate(state: &AppState) -> Result<Fixture, String> {
    let err = |e: sea_orm::DbErr| e.to_string();
    let database = &state.db;
    let hash = crypto::hash_password(PASSWORD)?;
    let txn = Write::system(state, "Julien Martin", None)
        .await
        .map_err(|e| e.to_string())?;
    let owner = server::seed::find_or_create_user(&txn, EMAIL, "Julien Martin", &hash, false).await?;
    txn.act_as(Actor {
        user_id: Some(owner.id),
        ..Actor::system("Julien Martin")
    });
    let ws = app::workspace::service::create_workspace(&txn, &owner, "Plomberie Bench", TradePack::Artisan)
        .await
        .map_err(|e| e.to_string())?;
    let mut members = vec![
        member::Entity::find()
            .filter(member::Column::WorkspaceId.eq(ws.id))
            .one(&txn)
            .await
            .map_err(err)?
            .ok_or("owner membership missing")?
            .id,
    ];
    for (i, name) in ["Karim Benali", "Léa Fontaine", "Yanis Robin"].iter().enumerate() {
        let person =
            server::seed::find_or_create_user(&txn, &format!("equipe{i}@bench.test"), name, &hash, false).await?;
        app::workspace::service::add_member(&txn, WorkspaceId(ws.id), &person, app::domain::Role::Member)
            .await
            .map_err(|e| e.to_string())?;
    }
    members.extend(
        member::Entity::find()
            .filter(member::Column::WorkspaceId.eq(ws.id))
            .filter(member::Column::Id.ne(members[0]))
            .all(&txn)
            .await
            .map_err(err)?
            .into_iter()
            .map(|m| m.id),
    );
    let pipe = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(ws.id))
        .order_by_asc(pipeline::Column::Position)
        .one(&txn)
        .await
        .map_err(err)?
        .ok_or("no pipeline")?;
    let stages = stage::Entity::find()
        .filter(stage::Column::PipelineId.eq(pipe.id))
        .order_by_asc(stage::Column::Position)
        .all(&txn)
        .await
        .map_err(err)?;
    txn.commit().await.map_err(|e| e.to_string())?;

    let open: Vec<&stage::Model> = stages.iter().filter(|s| s.kind == StageKind::Open).collect();
    let closed: Vec<&stage::Model> = stages.iter().filter(|s| s.kind != StageKind::Open).collect();
    let trades = TradePack::Artisan.trades();
    let reasons = TradePack::Artisan.lost_reasons();
    let now = time::now();
    let mut rng = Lcg(2026);
    let mut columns: Vec<(Uuid, Vec<Uuid>)> = open.iter().map(|s| (s.id, Vec::new())).collect();
    let txn = db::begin_write(database).await.map_err(err)?;
    let chunk = 1_000;
    for start in (0..DEALS).step_by(chunk) {
        let mut leads = Vec::with_capacity(chunk);
        let mut deals = Vec::with_capacity(chunk);
        for i in start..(start + chunk).min(DEALS) {
            let is_open = i < OPEN;
            // Open deals are recent; closed ones spread over three years.
            let hours = if is_open {
                rng.below(24 * 30)
            } else {
                rng.below(24 * 365 * 3)
            } as i64;
            let created = now - TimeDelta::hours(hours);
            let (city, postcode) = CITIES[rng.below(CITIES.len())];
            let name = format!("{} {}", FIRST[rng.below(FIRST.len())], LAST[rng.below(LAST.len())]);
            let budget = 300 + rng.below(15_000) as i64;
            let l = lead::Model {
                id: Uuid::now_v7(),
                workspace_id: ws.id,
                contact_name: name,
                phone: (i % 7 != 3).then(|| format!("06 {:02} {:02} {:02} {:02}", i % 97, i % 89, i % 83, i % 79)),
                email: (i % 3 != 1).then(|| format!("client{i}@exemple.fr")),
                address: (i % 2 == 0).then(|| format!("{} rue Garibaldi", 1 + i % 180)),
                postcode: Some(postcode.into()),
                city: Some(city.into()),
                latitude: None,
                longitude: None,
                trade: trades[i % trades.len()].to_string(),
                description: NEEDS[i % NEEDS.len()].into(),
                budget_cents: (i % 4 != 2).then_some(budget * 100),
                source: [LeadSource::Phone, LeadSource::Form, LeadSource::Referral][i % 3],
                request_id: None,
                created_at: created,
                updated_at: created,
            };
            let (target, position) = if is_open {
                let c = i % open.len();
                (open[c], (columns[c].1.len() + 1) as f64 * 1024.0)
            } else {
                (closed[i % closed.len()], (i as f64) * 1024.0)
            };
            let d = deal::Model {
                id: Uuid::now_v7(),
                workspace_id: ws.id,
                lead_id: l.id,
                pipeline_id: pipe.id,
                stage_id: target.id,
                owner_member_id: Some(members[i % members.len()]),
                value_cents: budget * 100,
                position,
                assigned_at: created,
                first_contact_at: (target.position > 0).then(|| created + TimeDelta::hours(2)),
                quote_sent_at: None,
                closed_at: (!is_open).then(|| created + TimeDelta::hours(48)),
                lost_reason: (target.kind == StageKind::Lost).then(|| reasons[i % reasons.len()].to_string()),
                created_at: created,
                updated_at: created,
            };
            if is_open {
                columns[i % open.len()].1.push(d.id);
            }
            leads.push(l.into_active_model());
            deals.push(d.into_active_model());
        }
        lead::Entity::insert_many(leads).exec(&txn).await.map_err(err)?;
        deal::Entity::insert_many(deals).exec(&txn).await.map_err(err)?;
    }
    txn.commit().await.map_err(err)?;
    Ok(Fixture {
        pipeline_id: pipe.id,
        stage_names: open.iter().map(|s| s.name.clone()).collect(),
        open: columns,
    })
}

/// Sends `n` requests one after the other; the latencies of the successful
/// ones (body read), sorted, and how many failed.
async fn timed(n: usize, request: impl Fn() -> reqwest::RequestBuilder) -> Result<(Vec<Duration>, usize), String> {
    let mut latencies = Vec::with_capacity(n);
    let mut failed = 0;
    for _ in 0..n {
        let t = Instant::now();
        let r = request().send().await.map_err(|e| e.to_string())?;
        let ok = r.status().is_success();
        let _ = r.bytes().await;
        if ok {
            latencies.push(t.elapsed());
        } else {
            failed += 1;
        }
    }
    latencies.sort();
    Ok((latencies, failed))
}

async fn sign_in(port: u16) -> Result<reqwest::Client, String> {
    let client = crate::bench::browser()?;
    let base = format!("http://127.0.0.1:{port}");
    let form = [("email", EMAIL.to_string()), ("password", PASSWORD.to_string())];
    let reply = post(&client, &base, "/api/sign_in", &form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !reply.status().is_success() {
        return Err(format!("bench sign-in refused: {}", reply.status()));
    }
    Ok(client)
}

async fn measure(exe: &Path, label: &str, db_url: &str) -> Result<(), String> {
    let started = Instant::now();
    let database = db::connect(db_url, 4).await.map_err(|e| e.to_string())?;
    Migrator::up(&database, None).await.map_err(|e| e.to_string())?;
    let state = AppState::new(
        database.clone(),
        app::infra::AppConfig::local(""),
        server::pdf::renderer(),
    );
    let mut fixture = populate(&state).await?;
    if db::is_postgres(&database) {
        // What autovacuum's analyze does after a bulk load, so that the planner
        // knows the tables' sizes.
        database
            .execute_unprepared("ANALYZE")
            .await
            .map_err(|e| e.to_string())?;
    }
    println!(
        "\n[pipeline · {label}] {DEALS} deals in one workspace, {OPEN} open in the pipeline shown ({}), generated in {:.1} s",
        fixture.stage_names.join(" / "),
        started.elapsed().as_secs_f64()
    );

    let port = free_port()?;
    let mut child = spawn(exe, db_url, port, &["serve"])?;
    let health = reqwest::Client::new();
    wait_healthy(&health, port, Duration::from_secs(60)).await?;
    let client = sign_in(port).await?;
    let base = format!("http://127.0.0.1:{port}");

    // Board render.
    let url = format!("{base}/app/pipeline?pipeline={}", fixture.pipeline_id);
    let mut bytes = 0;
    for _ in 0..50 {
        let r = client.get(&url).send().await.map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("board answered {}", r.status()));
        }
        bytes = r.bytes().await.map_err(|e| e.to_string())?.len();
    }
    let (renders, _) = timed(RENDERS, || client.get(&url)).await?;
    println!(
        "  board SSR  GET /app/pipeline, {} sequential requests, {:.0} KB of HTML",
        renders.len(),
        bytes as f64 / 1024.0
    );
    println!(
        "    p50 {}   p90 {}   p95 {}   max {}   (bar: p95 < 50 ms)",
        ms(percentile(&renders, 0.5)),
        ms(percentile(&renders, 0.9)),
        ms(percentile(&renders, 0.95)),
        ms(percentile(&renders, 1.0))
    );

    // Sorted by lead score: every open card's score is computed on each read.
    let scored = format!("{url}&sort=score");
    let (by_score, _) = timed(RENDERS / 2, || client.get(&scored)).await?;
    println!(
        "    sorted by score (?sort=score, all {OPEN} open scores computed): p50 {}   p95 {}",
        ms(percentile(&by_score, 0.5)),
        ms(percentile(&by_score, 0.95))
    );

    // The board's data alone (the server function the page calls), to tell
    // database time from rendering time.
    let form = [("pipeline", fixture.pipeline_id.to_string())];
    let (data, _) = timed(RENDERS, || post(&client, &base, "/api/fetch_board", &form)).await?;
    println!(
        "    the default view's data alone (POST /api/fetch_board): p50 {}   p95 {}",
        ms(percentile(&data, 0.5)),
        ms(percentile(&data, 0.95))
    );

    // Moves, as the board sends them: a card between two others of a column.
    let events_before = event::Entity::find()
        .count(&database)
        .await
        .map_err(|e| e.to_string())?;
    // The moves are planned first (random card, column and place), then sent.
    let mut rng = Lcg(7);
    let mut forms = Vec::with_capacity(MOVES);
    for _ in 0..MOVES {
        let from = rng.below(fixture.open.len());
        if fixture.open[from].1.is_empty() {
            continue;
        }
        let index = rng.below(fixture.open[from].1.len());
        let card = fixture.open[from].1.remove(index);
        let to = rng.below(fixture.open.len());
        let at = rng.below(fixture.open[to].1.len() + 1);
        let (stage_id, cards) = &mut fixture.open[to];
        let before = at.checked_sub(1).map(|i| cards[i].to_string());
        let after = cards.get(at).map(Uuid::to_string);
        cards.insert(at, card);
        let mut form = vec![("deal_id", card.to_string()), ("stage_id", stage_id.to_string())];
        form.extend(before.map(|b| ("before_id", b)));
        form.extend(after.map(|a| ("after_id", a)));
        forms.push(form);
    }
    let next = std::cell::Cell::new(0);
    let (moves, refused) = timed(forms.len(), || {
        let form = &forms[next.replace(next.get() + 1)];
        post(&client, &base, "/api/move_deal", form)
    })
    .await?;
    let events_after = event::Entity::find()
        .count(&database)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "  move       POST /api/move_deal, {} sequential moves ({} refused), {} events written",
        moves.len(),
        refused,
        events_after - events_before
    );
    println!(
        "    p50 {}   p95 {}   max {}   (bar: p95 < 15 ms)",
        ms(percentile(&moves, 0.5)),
        ms(percentile(&moves, 0.95)),
        ms(percentile(&moves, 1.0))
    );
    let _ = child.kill();
    let _ = child.wait();
    database.close().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Runs the pipeline measurements on SQLite, then on PostgreSQL when it answers.
pub async fn run(exe: &Path, dir: &Path) -> Result<(), String> {
    let sqlite = format!("sqlite://{}/pipeline.db?mode=rwc", dir.display());
    measure(exe, "SQLite", &sqlite).await?;

    let Some(pg) = crate::bench::TempPostgres::create("comptoir_bench").await? else {
        println!("\n[pipeline · PostgreSQL] not reachable: skipped");
        return Ok(());
    };
    let result = measure(exe, "PostgreSQL", &pg.url).await;
    pg.drop().await;
    result
}
