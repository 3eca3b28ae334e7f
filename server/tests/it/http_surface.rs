//! HTTP-level behaviour: health, metrics, page guard, CSRF defence, error
//! statuses, security headers, 404 page.

use crate::support::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn health_reports_the_database_and_503_when_it_is_gone() {
    let app = spawn_app().await;
    let browser = app.browser();
    let ok = browser.get("/health").await;
    assert_eq!(ok.status, StatusCode::OK);
    let body: serde_json::Value = ok.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        ok.headers.contains_key("x-request-id"),
        "every response carries a request id"
    );

    app.state.db.clone().close().await.unwrap();
    let down = browser.get("/health").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(down.json::<serde_json::Value>()["database"], "unreachable");
    app.stop().await;
}

#[tokio::test]
async fn metrics_are_exposed_for_prometheus_behind_a_token() {
    let app = crate::support::spawn_app_with(crate::support::Options {
        metrics_token: Some("scrape-secret-0123456789".into()),
        ..Default::default()
    })
    .await;
    let browser = app.browser();
    browser.get("/login").await;
    assert_eq!(browser.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    let wrong = browser
        .client
        .get(format!("{}/metrics", app.base))
        .bearer_auth("scrape-secret-0123456788")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let metrics = crate::support::Reply::read(
        browser
            .client
            .get(format!("{}/metrics", app.base))
            .bearer_auth("scrape-secret-0123456789")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.body.contains("comptoir_http_requests_total"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("comptoir_http_request_duration_seconds"));
    app.stop().await;
}

#[tokio::test]
async fn pages_are_guarded_and_rendered_on_the_server() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let root = visitor.get("/").await;
    assert_eq!(root.status, StatusCode::SEE_OTHER);
    assert_eq!(root.headers["location"], "/login");
    let admin = visitor.get("/admin").await;
    assert_eq!(admin.headers["location"], "/login?next=/admin");
    let login = visitor.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("<html lang=\"fr\""));
    assert!(login.body.contains("Connexion"));
    assert!(login.body.contains("rel=\"manifest\""));
    assert_eq!(login.headers["content-type"], "text/html; charset=utf-8");

    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let home = owner.get("/app").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Plomberie Martin"), "server-rendered with data");
    assert_eq!(owner.get("/").await.headers["location"], "/app");
    let missing = owner.get("/app/nope/nothing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Page introuvable"));
    app.stop().await;
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let url = format!("{}/api/invite_member", app.base);
    for (header, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let reply = owner
            .client
            .post(&url)
            .header(header, value)
            .form(&[("email", "x@evil.example"), ("role", "owner")])
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::FORBIDDEN, "{header}: {value}");
    }
    let members = owner.call("list_members", &[]).await.ok();
    assert!(members["invitations"].as_array().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn errors_carry_their_status_and_no_internals() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let unauthenticated = visitor.call("list_members", &[]).await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unauthenticated.error(), app::AppError::Unauthenticated);
    let malformed = app
        .owner("hugo@alforis.test", "Alforis", "sales")
        .await
        .call("remove_member", &[("member_id", "not-a-uuid")])
        .await;
    assert!(malformed.status.is_client_error(), "{}", malformed.status);
    assert!(
        !malformed.body.to_lowercase().contains("uuid"),
        "no parser internals: {}",
        malformed.body
    );
    app.stop().await;
}

#[tokio::test]
async fn responses_carry_security_and_cache_headers() {
    let app = spawn_app().await;
    let page = app.browser().get("/login").await;
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    assert_eq!(page.headers["cache-control"], "no-store");
    app.stop().await;
}
