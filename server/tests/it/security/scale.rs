//! Two server instances on one database, as behind a load balancer: rate
//! limits hold across them, live updates reach pages served by the other,
//! a job runs once, a scheduled tick runs once.

use crate::pipeline::{move_to, stage_id};
use crate::support::{Browser, Options, PASSWORD, TestApp, on_postgres, spawn_app_with};
use reqwest::StatusCode;
use std::time::Duration;

/// A second instance on the first one's database.
async fn second(first: &TestApp, strict: bool) -> TestApp {
    spawn_app_with(Options {
        database_url: Some(first.database_url.clone()),
        strict_rate_limits: strict,
        ..Options::default()
    })
    .await
}

/// The same browser (cookies are per host, not per port) talking to `app`.
fn on(browser: &Browser, app: &TestApp) -> Browser {
    Browser {
        client: browser.client.clone(),
        base: app.base.clone(),
    }
}

#[tokio::test]
async fn a_rate_limit_hit_on_one_instance_holds_on_the_other() {
    let a = spawn_app_with(Options {
        strict_rate_limits: true,
        ..Options::default()
    })
    .await;
    let b = second(&a, true).await;
    a.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    for _ in 0..8 {
        let reply = a.browser().sign_in("claire@compta.test", "not-the-password").await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let through_b = b.browser().sign_in("claire@compta.test", PASSWORD).await;
    assert_eq!(through_b.status, StatusCode::TOO_MANY_REQUESTS, "{}", through_b.body);
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn with_redis_the_counters_are_shared_there() {
    if std::net::TcpStream::connect("127.0.0.1:6379").is_err() {
        eprintln!("Redis not reachable on 127.0.0.1:6379: skipped");
        return;
    }
    let redis = Some("redis://127.0.0.1:6379/0".to_string());
    let a = spawn_app_with(Options {
        strict_rate_limits: true,
        redis_url: redis.clone(),
        ..Options::default()
    })
    .await;
    let b = spawn_app_with(Options {
        database_url: Some(a.database_url.clone()),
        strict_rate_limits: true,
        redis_url: redis,
        ..Options::default()
    })
    .await;
    // Keys live in Redis beyond this test: a fresh address per run, and the
    // client address's budget reset (the suite runs once per database, and
    // again on a developer's machine, within the same 15-minute windows).
    for key in ["signin-ip:127.0.0.1", "signup:127.0.0.1"] {
        a.state.limiter.reset(key).await;
    }
    let email = format!("redis-{}@compta.test", uuid::Uuid::now_v7().simple());
    a.owner(&email, "Cabinet Moreau", "sales").await;
    for _ in 0..8 {
        let reply = a.browser().sign_in(&email, "not-the-password").await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        b.browser().sign_in(&email, PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Nothing went to the database's counters.
    use sea_orm::{ConnectionTrait, Statement};
    let db = &a.state.db;
    let rows = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM rate_limits",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(rows, 0);
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn a_card_moved_through_one_instance_appears_live_on_the_other() {
    if !on_postgres() {
        // SQLite is the single-process deployment; instances share updates
        // through PostgreSQL's LISTEN/NOTIFY (this test runs there).
        return;
    }
    let a = spawn_app_with(Options::default()).await;
    let b = second(&a, false).await;
    let owner = a.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let card = owner.create_lead("Mme Claire Dubois", "Plomberie", "2 500").await;
    let deal = card.id.to_string();
    let mut stream = on(&owner, &b)
        .client
        .get(format!("{}/app/live", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let board = owner.board().await;
    move_to(&owner, card.id, stage_id(&board, "En contact"), None, None)
        .await
        .unwrap();
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !received.contains(&deal) && tokio::time::Instant::now() < deadline {
        if let Ok(Ok(Some(chunk))) = tokio::time::timeout(Duration::from_millis(300), stream.chunk()).await {
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    assert!(
        received.contains("event: board") && received.contains(&deal),
        "{received}"
    );
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn each_job_runs_once_across_instances() {
    let a = spawn_app_with(Options::default()).await;
    let b = second(&a, false).await;
    let owner = a.owner("sophie@atelier.test", "Atelier", "workshop").await;
    let invitees: Vec<String> = (0..16).map(|n| format!("ouvrier{n}@atelier.test")).collect();
    for email in &invitees {
        owner
            .call("invite_member", &[("email", email.as_str()), ("role", "member")])
            .await
            .ok();
    }
    for email in &invitees {
        a.email_to(email).await;
    }
    use app::infra::entity::email;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let rows = email::Entity::find()
        .filter(email::Column::ToAddress.is_in(invitees.clone()))
        .all(&a.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), invitees.len());
    assert!(rows.iter().all(|r| r.attempts == 1), "a message delivered twice");
    let files = |app: &TestApp| {
        std::fs::read_dir(app.dir.join("mailbox"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    // One .eml per invitation plus the owner's address proof, across both mailboxes.
    assert_eq!(files(&a) + files(&b), invitees.len() + 1);
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn a_scheduled_tick_runs_on_one_instance() {
    let a = spawn_app_with(Options::default()).await;
    let b = second(&a, false).await;
    // A moment no background scheduler has reached.
    let later = chrono::Utc::now() + chrono::TimeDelta::days(400);
    let (ran_a, ran_b) = futures::join!(
        server::scheduler::run_due(&a.state, "instance-a", later),
        server::scheduler::run_due(&b.state, "instance-b", later),
    );
    let mut all: Vec<&str> = ran_a.iter().chain(ran_b.iter()).copied().collect();
    all.sort();
    let mut expected: Vec<&str> = server::scheduler::TASKS.iter().map(|t| t.name).collect();
    expected.sort();
    assert_eq!(all, expected, "every task once: a ran {ran_a:?}, b ran {ran_b:?}");
    b.stop().await;
    a.stop().await;
}
