//! Memory an account could make the server hold: decompression bombs as
//! logos, draft previews rendered without end, password hashes without
//! bound, and paging numbers that overflow.

use crate::support::quotes::ready_quote;
use crate::support::{Options, PASSWORD, spawn_app, spawn_app_with};
use base64::Engine;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};

/// A 194 KB PNG whose header declares 40000×40000 pixels (6.4 GB decoded).
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend(40_000u32.to_be_bytes());
    png.extend(40_000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png.resize(194 * 1024, 0);
    png
}

#[tokio::test]
async fn a_logo_declaring_too_many_pixels_is_refused_before_decoding() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let image = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png_bomb())
    );
    let refused = owner
        .call_json("upload_logo", &serde_json::json!({ "image": image }))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.error().field_message("logo").unwrap().contains("40000 × 40000"));

    // A bomb stored before this check existed is never handed to typst.
    let id = ready_quote(&owner, None, "claire@example.fr").await;
    let ws = owner.call("current_user", &[]).await.ok()["workspace"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ws: uuid::Uuid = ws.parse().unwrap();
    let (file_id, _) = {
        let txn = app::infra::db::begin_write(&app.state.db).await.unwrap();
        let stored = app::infra::files::store(&txn, ws, "logo", "image/png", "logo.png", png_bomb())
            .await
            .unwrap();
        txn.commit().await.unwrap();
        stored
    };
    let db = &app.state.db;
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        app::infra::db::numbered(
            db,
            "UPDATE business_profiles SET logo_file_id = $1 WHERE workspace_id = $2",
        ),
        [file_id.into(), ws.into()],
    ))
    .await
    .unwrap();
    let preview = owner.get(&format!("/app/quotes/{id}/pdf")).await;
    assert_eq!(preview.status, StatusCode::OK);
    app.stop().await;
}

async fn preview_count(app: &crate::support::TestApp, user_id: &str) -> i64 {
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            app::infra::db::numbered(db, "SELECT count FROM rate_limits WHERE key = $1"),
            [format!("preview:{user_id}").into()],
        ))
        .await
        .unwrap();
    row.map(|r| r.try_get::<i32>("", "count").unwrap() as i64).unwrap_or(0)
}

#[tokio::test]
async fn unchanged_previews_come_from_the_cache_and_renders_are_limited() {
    let app = spawn_app_with(Options {
        strict_rate_limits: true,
        ..Options::default()
    })
    .await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let user_id = owner.call("current_user", &[]).await.ok()["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let id = ready_quote(&owner, None, "claire@example.fr").await;
    let first = owner.get(&format!("/app/quotes/{id}/pdf")).await;
    assert_eq!(first.status, StatusCode::OK);
    for _ in 0..10 {
        let again = owner.get(&format!("/app/quotes/{id}/pdf")).await;
        assert_eq!(again.body, first.body, "same draft, same bytes");
    }
    assert_eq!(
        preview_count(&app, &user_id).await,
        1,
        "ten cached previews, one render"
    );

    // Spend the budget: a changed draft is refused, the cached one still served.
    let db = &app.state.db;
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        app::infra::db::numbered(db, "UPDATE rate_limits SET count = 60 WHERE key = $1"),
        [format!("preview:{user_id}").into()],
    ))
    .await
    .unwrap();
    let other = ready_quote(&owner, None, "paul@example.fr").await;
    let limited = owner.get(&format!("/app/quotes/{other}/pdf")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(owner.get(&format!("/app/quotes/{id}/pdf")).await.status, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn password_hashes_wait_their_turn() {
    let app = spawn_app().await;
    app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let cores = app::infra::crypto::concurrent_hashes();
    assert_eq!(app.state.hashing.available_permits(), cores);
    let hashing = app.state.hashing.clone();
    let watcher = tokio::spawn(async move {
        let mut lowest = usize::MAX;
        for _ in 0..400 {
            lowest = lowest.min(hashing.available_permits());
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        lowest
    });
    let sign_ins = (0..4 * cores).map(|_| {
        let browser = app.browser();
        async move { browser.sign_in("julien@martin.test", PASSWORD).await.status }
    });
    let statuses = futures::future::join_all(sign_ins).await;
    assert!(statuses.iter().all(|s| s.is_success()), "{statuses:?}");
    assert_eq!(
        watcher.await.unwrap(),
        0,
        "every permit was in use: hashes were bounded"
    );
    assert_eq!(app.state.hashing.available_permits(), cores);
    app.stop().await;
}

#[tokio::test]
async fn paging_numbers_that_would_overflow_are_refused() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let reply = owner.call("list_quotes", &[("page", "18446744073709551615")]).await;
    assert!(reply.status.is_client_error(), "{} {}", reply.status, reply.body);
    let board = owner.board().await;
    // Raw form fields: the typed call could not even express these offsets.
    let stage = board.columns[0].stage.id.to_string();
    for offset in ["18446744073709551615", "4294967295", "-1"] {
        let reply = owner
            .call("fetch_more_cards", &[("stage_id", &stage), ("offset", offset)])
            .await;
        assert!(
            reply.status.is_client_error(),
            "{offset}: {} {}",
            reply.status,
            reply.body
        );
    }
    assert!(owner.call("list_quotes", &[("page", "2")]).await.status.is_success());
    app.stop().await;
}
