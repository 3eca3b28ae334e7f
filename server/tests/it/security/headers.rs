//! Response headers: a CSP whose only inline scripts are the page's own
//! (nonce), HSTS and `__Host-` cookies over https, isolation headers, no
//! metrics for strangers, the public API described.

use crate::support::{Options, PASSWORD, spawn_app, spawn_app_with};
use reqwest::StatusCode;

#[tokio::test]
async fn pages_carry_a_nonce_csp_that_covers_every_inline_script() {
    let app = spawn_app().await;
    for path in ["/login", "/signup", "/auth/forgot"] {
        let page = app.browser().get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        let csp = page.headers["content-security-policy"].to_str().unwrap().to_string();
        let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!scripts.contains("'unsafe-inline'"), "{csp}");
        let nonce = scripts
            .split_whitespace()
            .find_map(|t| t.strip_prefix("'nonce-").and_then(|t| t.strip_suffix('\'')))
            .unwrap_or_else(|| panic!("no nonce in {csp}"));
        let inline = page.body.matches("<script").count() - page.body.matches("<script src").count();
        let tagged = page.body.matches(&format!("nonce=\"{nonce}\"")).count();
        assert!(
            inline > 0 && tagged >= inline,
            "{path}: {inline} inline scripts, {tagged} with the nonce"
        );
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"));
        // A new page, a new nonce.
        let again = app.browser().get(path).await;
        assert_ne!(
            again.headers["content-security-policy"],
            page.headers["content-security-policy"]
        );
        for header in [
            "cross-origin-opener-policy",
            "permissions-policy",
            "x-content-type-options",
            "x-frame-options",
        ] {
            assert!(page.headers.contains_key(header), "{path}: {header}");
        }
        assert!(
            !page.headers.contains_key("strict-transport-security"),
            "not over plain http"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_only_and_hsts_is_on() {
    let app = spawn_app_with(Options {
        base_url: Some("https://crm.example.fr".into()),
        ..Options::default()
    })
    .await;
    app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let page = app.browser().get("/login").await;
    assert!(
        page.headers["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("upgrade-insecure-requests"));
    // The browser would send Origin https://crm.example.fr; this test client
    // speaks plain http to the same server, so it names itself.
    let reply = app
        .browser()
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", "julien@martin.test"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = reply.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-comptoir_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("; Path=/") && !cookie.contains("Domain"));
    app.stop().await;
}

#[tokio::test]
async fn metrics_can_live_on_their_own_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let app = spawn_app_with(Options {
        metrics_addr: Some(addr),
        ..Options::default()
    })
    .await;
    app.browser().get("/login").await;
    let private = reqwest::get(format!("http://{addr}/metrics")).await.unwrap();
    assert_eq!(private.status(), StatusCode::OK);
    assert!(private.text().await.unwrap().contains("comptoir_http_requests_total"));
    assert_eq!(app.browser().get("/metrics").await.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn metrics_are_not_public_and_the_api_is_described() {
    let app = spawn_app().await;
    assert_eq!(app.browser().get("/metrics").await.status, StatusCode::NOT_FOUND);
    let doc = app.browser().get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc: serde_json::Value = doc.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'));
    assert!(doc["paths"]["/api/v1/setter/events"]["post"].is_object());
    app.stop().await;
}
