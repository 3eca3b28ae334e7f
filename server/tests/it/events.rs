//! The audit trail: every mutation recorded, hash-chained per workspace,
//! tampering detected by the page's check and by the CLI.

use crate::support::{Browser, spawn_app};
use app::audit::api::{ListEvents, VerifyAuditChain};
use app::infra::entity::event;
use app::workspace::api::{InviteMember, UpdateWorkspaceSettings};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

fn events_query() -> ListEvents {
    ListEvents {
        before_seq: None,
        action: None,
        actor: None,
        from: None,
        to: None,
    }
}

async fn invite(owner: &Browser, email: &str) {
    owner
        .run(InviteMember {
            email: email.into(),
            role: "member".into(),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn events_are_listed_filtered_and_verified() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    invite(&owner, "karim@martin.test").await;
    owner
        .run(UpdateWorkspaceSettings {
            name: "Plomberie Martin & Fils".into(),
            require_owner_totp: None,
        })
        .await
        .unwrap();

    let page = owner.run(events_query()).await.unwrap();
    let rows = &page.rows;
    assert_eq!(rows[0].action_id, "workspace.settings_changed", "newest first");
    assert_eq!(
        rows[0].summary.as_deref(),
        Some("Plomberie Martin & Fils · 2FA propriétaires facultative")
    );
    assert!(rows[0].ip.as_deref().unwrap().starts_with("127.0.0.1"));
    let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] == w[1] + 1),
        "contiguous sequence {seqs:?}"
    );

    let filtered = owner
        .run(ListEvents {
            action: Some("invitation.created".into()),
            ..events_query()
        })
        .await
        .unwrap();
    assert_eq!(filtered.rows.len(), 1);
    assert_eq!(filtered.rows[0].summary.as_deref(), Some("karim@martin.test · Membre"));
    // The filter takes Paris days: a UTC date would be yesterday after 23:00 UTC.
    let today = app::infra::time::paris_day(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string();
    let dated = owner
        .run(ListEvents {
            from: Some(today.clone()),
            to: Some(today),
            ..events_query()
        })
        .await
        .unwrap();
    assert_eq!(dated.rows.len(), rows.len());
    let bad_date = owner
        .run(ListEvents {
            from: Some("21/11/2026".into()),
            ..events_query()
        })
        .await
        .expect_err("not a date");
    assert!(bad_date.field_message("from").is_some(), "{bad_date:?}");

    let report = owner.run(VerifyAuditChain {}).await.unwrap();
    assert!(report.first_break.is_none());
    assert_eq!(report.events as usize, rows.len());
    app.stop().await;
}

#[tokio::test]
async fn altering_or_deleting_an_event_breaks_the_chain_at_that_event() {
    let app = spawn_app().await;
    let owner = app.owner("sophie@atelier.test", "Atelier", "workshop").await;
    for i in 0..3 {
        invite(&owner, &format!("op{i}@atelier.test")).await;
    }
    let db = &app.state.db;
    let events = event::Entity::find()
        .order_by_asc(event::Column::Seq)
        .all(db)
        .await
        .unwrap();
    let target = events
        .iter()
        .find(|e| e.action == "invitation.created")
        .unwrap()
        .clone();
    // Someone with database access rewrites history.
    event::Entity::update_many()
        .col_expr(
            event::Column::AfterJson,
            Expr::value(r#"{"email":"pirate@evil.test","role":"owner"}"#),
        )
        .filter(event::Column::Id.eq(target.id))
        .exec(db)
        .await
        .unwrap();
    let report = owner.run(VerifyAuditChain {}).await.unwrap();
    let broken = report.first_break.expect("the change is detected");
    assert_eq!(broken.seq, target.seq);
    assert!(broken.reason.contains("modifié"), "{}", broken.reason);

    // The command line says the same, with a failing exit code.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("verify-events")
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("at event #{}", target.seq)), "{stdout}");

    // Deleting a later event is reported too, once the first break is repaired.
    event::Entity::update_many()
        .col_expr(event::Column::AfterJson, Expr::value(target.after_json.clone()))
        .filter(event::Column::Id.eq(target.id))
        .exec(db)
        .await
        .unwrap();
    let last = events.iter().rfind(|e| e.workspace_id == target.workspace_id).unwrap();
    let victim = events
        .iter()
        .find(|e| e.workspace_id == target.workspace_id && e.seq == last.seq - 1)
        .unwrap();
    event::Entity::delete_by_id(victim.id).exec(db).await.unwrap();
    let report = app::infra::events::verify(db, Some(app::domain::WorkspaceId(target.workspace_id)))
        .await
        .unwrap();
    let broken = report.first_break.expect("deletion detected");
    assert_eq!(broken.seq, victim.seq);
    assert!(broken.reason.contains("manquant"));
    app.stop().await;
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = spawn_app().await;
    let owner = app.owner("thomas@alforis.test", "Alforis", "sales").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let owner = owner.clone();
        tasks.push(tokio::spawn(async move {
            invite(&owner, &format!("commercial{i}@alforis.test")).await
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = app::infra::events::verify(&app.state.db, None).await.unwrap();
    assert!(report.first_break.is_none(), "{report:?}");
    let invites = event::Entity::find()
        .filter(event::Column::Action.eq("invitation.created"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(invites.len(), 24);
    app.stop().await;
}
