//! The write envelope and the domain-event outbox: a committed change is
//! stored with its events and delivered to the subscribers after commit (open
//! boards and dashboards), a refused change leaves nothing to deliver, and an
//! event committed by a process killed before it could dispatch is delivered
//! once, after restart.

use crate::pipeline::{move_to, stage_id};
use crate::support::{Browser, Options, TestApp, spawn_app, spawn_app_with};
use app::AppError;
use app::domain::DealId;
use app::infra::entity::domain_event;
use app::pipeline::BoardChange;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::time::Duration;

async fn events_of_kind(app: &TestApp, kind: &str) -> Vec<domain_event::Model> {
    domain_event::Entity::find()
        .filter(domain_event::Column::Kind.eq(kind))
        .order_by_asc(domain_event::Column::OccurredAt)
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn all_events(app: &TestApp) -> Vec<domain_event::Model> {
    domain_event::Entity::find()
        .order_by_asc(domain_event::Column::OccurredAt)
        .all(&app.state.db)
        .await
        .unwrap()
}

/// Waits until every stored event has been dispatched.
async fn until_dispatched(app: &TestApp) -> Vec<domain_event::Model> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let rows = all_events(app).await;
        if rows.iter().all(|r| r.dispatched_at.is_some()) || tokio::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn new_deal(owner: &Browser) -> DealId {
    owner.create_lead("Mme Claire Dubois", "Plomberie", "2 500").await.id
}

#[tokio::test]
async fn a_move_reaches_open_boards_and_dashboards_through_the_outbox() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let deal = new_deal(&owner).await;
    let created = until_dispatched(&app).await;
    let kinds: Vec<&str> = created.iter().map(|r| r.kind.as_str()).collect();
    assert!(
        kinds.contains(&"lead_received") && kinds.contains(&"deal_created"),
        "{kinds:?}"
    );

    let mut live = app.state.live.subscribe();
    let board = owner.board().await;
    let contacted = stage_id(&board, "En contact");
    move_to(&owner, deal, contacted, None, None).await.unwrap();

    let (mut board_update, mut kpi_nudge) = (None, false);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while (board_update.is_none() || !kpi_nudge) && tokio::time::Instant::now() < deadline {
        if let Ok(Ok(update)) = tokio::time::timeout(Duration::from_millis(200), live.recv()).await {
            match update.topic.as_str() {
                "board" => board_update = Some(update),
                "kpi" => kpi_nudge = true,
                _ => {}
            }
        }
    }
    let update = board_update.expect("the board heard of the move");
    let change: BoardChange = serde_json::from_str(&update.payload).unwrap();
    assert_eq!(change.cards[0].id, deal);
    assert_eq!(change.cards[0].stage_id, contacted);
    assert!(kpi_nudge, "dashboards are told to refetch");

    let moved = events_of_kind(&app, "deal_moved").await;
    assert_eq!(moved.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&moved[0].payload).unwrap();
    assert_eq!(payload["deal"], deal.to_string());
    assert_eq!(payload["to"], contacted.to_string());
    let settled = until_dispatched(&app).await;
    assert!(settled.iter().all(|r| r.deliveries == 1), "each delivered once");
    app.stop().await;
}

#[tokio::test]
async fn a_refused_change_stores_and_publishes_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let deal = new_deal(&owner).await;
    let before = until_dispatched(&app).await.len();
    let mut live = app.state.live.subscribe();
    let board = owner.board().await;
    // A loss needs a reason: the rules refuse, the envelope rolls back.
    let refused = move_to(&owner, deal, stage_id(&board, "Perdu"), None, None).await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    assert_eq!(all_events(&app).await.len(), before);
    let heard = tokio::time::timeout(Duration::from_millis(2500), live.recv()).await;
    assert!(heard.is_err(), "nothing published: {heard:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_win_on_the_board_emits_the_win_the_sibling_loss_and_the_job() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let deal = new_deal(&owner).await;
    let board = owner.board().await;
    move_to(&owner, deal, stage_id(&board, "Gagné"), None, None)
        .await
        .unwrap();
    let rows = until_dispatched(&app).await;
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert!(
        kinds.contains(&"deal_won") && kinds.contains(&"job_opened"),
        "{kinds:?}"
    );
    app.stop().await;
}

/// A `server serve` process on `database_url` that never dispatches.
struct Child {
    process: std::process::Child,
    base: String,
    dir: std::path::PathBuf,
}

async fn serve_without_dispatch(database_url: &str) -> Child {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = std::env::temp_dir().join(format!("comptoir-child-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let process = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("COMPTOIR_BASE_URL", &base)
        .env("COMPTOIR_MAILDIR", dir.join("mailbox"))
        .env("COMPTOIR_DEMO_SEED", "never")
        .env("COMPTOIR_DISPATCH", "false")
        .env("COMPTOIR_WORKER", "false")
        .env("COMPTOIR_RATE_LIMIT_FACTOR", "1000")
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("server binary starts");
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/health")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "child server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Child { process, base, dir }
}

#[tokio::test]
async fn an_event_committed_before_a_crash_is_delivered_once_after_restart() {
    // The first instance commits but never dispatches, like a process that
    // dies right after its commit.
    let first = spawn_app_with(Options {
        no_dispatch: true,
        ..Options::default()
    })
    .await;
    let owner = first.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let deal = new_deal(&owner).await;
    let contacted = stage_id(&owner.board().await, "En contact");

    // A real process moves the card, then is killed (SIGKILL) before any dispatch.
    let mut child = serve_without_dispatch(&first.database_url).await;
    let through_child = Browser {
        client: owner.client.clone(),
        base: child.base.clone(),
    };
    move_to(&through_child, deal, contacted, None, None).await.unwrap();
    child.process.kill().unwrap();
    child.process.wait().unwrap();
    let _ = std::fs::remove_dir_all(&child.dir);
    let moved = events_of_kind(&first, "deal_moved").await;
    assert_eq!(moved.len(), 1);
    assert!(moved[0].dispatched_at.is_none() && moved[0].deliveries == 0);

    // Restart: the new instance delivers what was left, once.
    let again = || {
        spawn_app_with(Options {
            database_url: Some(first.database_url.clone()),
            ..Options::default()
        })
    };
    let restarted = again().await;
    let rows = until_dispatched(&restarted).await;
    assert!(rows.iter().all(|r| r.dispatched_at.is_some()), "all dispatched");
    let moved = events_of_kind(&restarted, "deal_moved").await;
    assert_eq!(moved[0].deliveries, 1);
    restarted.stop().await;

    // Another restart delivers nothing again.
    let later = again().await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let moved = events_of_kind(&later, "deal_moved").await;
    assert_eq!(moved[0].deliveries, 1, "delivered once");
    later.stop().await;
    first.stop().await;
}
