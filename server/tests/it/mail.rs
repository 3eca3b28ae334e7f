//! Email through the job outbox: SMTP delivery to a real SMTP server, retries
//! with backoff, giving up, and the local mailbox of a fresh install.

use crate::support::smtp::SmtpSink;
use crate::support::{Options, spawn_app, spawn_app_with};
use app::infra::entity::{email, queue_job};
use app::outbox::EmailStatus;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn wait_for<F: Fn() -> bool>(check: F) {
    for _ in 0..400 {
        if check() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("condition not met in time");
}

#[tokio::test]
async fn smtp_delivers_the_magic_link_and_forgets_the_secret() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(Options {
        smtp_url: Some(sink.url.clone()),
        ..Options::default()
    })
    .await;
    app.unverified_owner("lea@coaching.test", "Léa Coaching", "coach").await;
    // The address-proof message of the sign-up goes first.
    wait_for(|| !sink.received().is_empty()).await;
    app.browser()
        .call("request_magic_link", &[("email", "lea@coaching.test")])
        .await
        .ok();
    wait_for(|| sink.received().len() > 1).await;
    let message = sink.received().remove(1);
    assert_eq!(message.to, vec!["<lea@coaching.test>".to_string()]);
    assert!(
        message.data.contains("Subject: Votre lien de connexion Comptoir"),
        "{}",
        message.data
    );
    assert!(message.data.contains("/auth/magic/"));
    assert!(message.data.contains("multipart/alternative"));

    let row = loop {
        let row = email::Entity::find()
            .filter(email::Column::Kind.eq(app::outbox::EmailKind::MagicLink))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        if row.status == EmailStatus::Sent {
            break row;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(row.transport.as_deref(), Some("smtp"));
    assert!(row.body_text.is_empty(), "sign-in links are not kept once delivered");
    app.stop().await;
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff_then_given_up() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(Options {
        smtp_url: Some(sink.url.clone()),
        ..Options::default()
    })
    .await;
    let owner = app
        .unverified_owner("julien@martin.test", "Plomberie Martin", "artisan")
        .await;
    // The address-proof message goes first; the owner is then vouched for.
    wait_for(|| !sink.received().is_empty()).await;
    app.mark_verified("julien@martin.test").await;
    let proof = email::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    sink.refuse_next(1);
    owner
        .call("invite_member", &[("email", "karim@martin.test"), ("role", "member")])
        .await
        .ok();
    let db = app.state.db.clone();

    // First attempt refused: the job is rescheduled a few seconds later.
    let retried = loop {
        let j = queue_job::Entity::find()
            .filter(queue_job::Column::Status.eq(queue_job::QueueStatus::Queued))
            .one(&db)
            .await
            .unwrap();
        if let Some(j) = j.filter(|j| j.attempts == 1) {
            break j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(retried.last_error.as_deref().unwrap().contains("SMTP"));
    assert!(retried.run_at > retried.updated_at, "retry is in the future");
    let invitation = || email::Entity::find().filter(email::Column::Id.ne(proof.id));
    let row = invitation().one(&db).await.unwrap().unwrap();
    assert_eq!(row.status, EmailStatus::Queued);
    assert_eq!(row.attempts, 1);

    // Bring the retry forward instead of waiting for the backoff.
    queue_job::Entity::update_many()
        .col_expr(queue_job::Column::RunAt, Expr::value(chrono::Utc::now()))
        .exec(&db)
        .await
        .unwrap();
    app.state.queue_wakeup.notify_one();
    wait_for(|| sink.received().len() > 1).await;
    let sent = loop {
        let row = invitation().one(&db).await.unwrap().unwrap();
        if row.status == EmailStatus::Sent {
            break row;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(sent.attempts, 2);

    // A message that keeps failing is marked failed after its last attempt.
    sink.refuse_next(100);
    owner
        .call("invite_member", &[("email", "hugo@martin.test"), ("role", "member")])
        .await
        .ok();
    let second = loop {
        let rows = email::Entity::find()
            .filter(email::Column::ToAddress.eq("hugo@martin.test"))
            .all(&db)
            .await
            .unwrap();
        if let Some(r) = rows.into_iter().next() {
            break r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    for _ in 0..20 {
        queue_job::Entity::update_many()
            .col_expr(queue_job::Column::RunAt, Expr::value(chrono::Utc::now()))
            .filter(queue_job::Column::Status.eq(queue_job::QueueStatus::Queued))
            .exec(&db)
            .await
            .unwrap();
        app.state.queue_wakeup.notify_one();
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
        let row = email::Entity::find_by_id(second.id).one(&db).await.unwrap().unwrap();
        if row.status == EmailStatus::Failed {
            assert_eq!(row.attempts, app::infra::queue::DEFAULT_MAX_ATTEMPTS);
            let dead = queue_job::Entity::find()
                .filter(queue_job::Column::Status.eq(queue_job::QueueStatus::Dead))
                .all(&db)
                .await
                .unwrap();
            assert_eq!(dead.len(), 1);
            app.stop().await;
            return;
        }
    }
    panic!("the message was never given up");
}

#[tokio::test]
async fn the_outbox_shows_a_workspace_its_own_mail_with_personal_links_masked() {
    let app = spawn_app().await;
    let owner = app.owner("sophie@atelier.test", "Atelier", "workshop").await;
    owner
        .call("invite_member", &[("email", "lucas@atelier.test"), ("role", "member")])
        .await
        .ok();
    app.email_to("lucas@atelier.test").await;
    let page = owner.call("list_outbox", &[]).await.ok();
    assert_eq!(page["local_transport"], true);
    let rows = page["rows"].as_array().unwrap();
    // The owner's own sign-up mail (address proof) is platform mail: not here.
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["to"], "lucas@atelier.test");
    assert_eq!(row["status"], "sent");
    assert_eq!(row["transport"], "local");
    let detail = owner
        .call("get_email", &[("id", row["id"].as_str().unwrap())])
        .await
        .ok();
    assert!(detail["links"].as_array().unwrap().is_empty(), "{detail}");
    let body = detail["body_text"].as_str().unwrap();
    assert!(
        body.contains("[lien personnel masqué]") && !body.contains("/invite/"),
        "{body}"
    );
    // The platform admin reads it whole: on the local transport this page is
    // how mail is delivered.
    let admin = app.platform_admin("ines@comptoir.test").await;
    let detail = admin
        .call("get_email", &[("id", row["id"].as_str().unwrap())])
        .await
        .ok();
    let link = detail["links"][0].as_str().unwrap();
    assert!(link.starts_with(&format!("{}/invite/", app.base)), "{link}");
    let files: Vec<_> = std::fs::read_dir(app.dir.join("mailbox")).unwrap().collect();
    assert_eq!(files.len(), 2, "an .eml file per message (address proof, invitation)");

    // Status filter and search.
    let sent = owner.call("list_outbox", &[("status", "sent")]).await.ok();
    assert_eq!(sent["rows"].as_array().unwrap().len(), 1);
    let none = owner.call("list_outbox", &[("status", "failed")]).await.ok();
    assert!(none["rows"].as_array().unwrap().is_empty());
    let found = owner.call("list_outbox", &[("search", "LUCAS")]).await.ok();
    assert_eq!(found["rows"].as_array().unwrap().len(), 1, "search ignores case");
    let by_subject = owner.call("list_outbox", &[("search", "vous INVITE")]).await.ok();
    assert_eq!(
        by_subject["rows"].as_array().unwrap().len(),
        1,
        "search covers the subject"
    );
    app.stop().await;
}

#[tokio::test]
async fn members_have_no_outbox_and_nobody_reads_mail_for_being_its_addressee() {
    let app = spawn_app().await;
    let owner = app.owner("thomas@alforis.test", "Alforis", "sales").await;
    let hugo = app.invite_and_join(&owner, "hugo@alforis.test", "member", "Hugo").await;
    owner
        .call("invite_member", &[("email", "nadia@alforis.test"), ("role", "member")])
        .await
        .ok();
    app.email_to("nadia@alforis.test").await;
    assert_eq!(hugo.call("list_outbox", &[]).await.status, StatusCode::FORBIDDEN);
    let nadia_mail = owner.call("list_outbox", &[("search", "nadia")]).await.ok()["rows"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        hugo.call("get_email", &[("id", &nadia_mail)]).await.status,
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}
