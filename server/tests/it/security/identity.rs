//! Who is at the keyboard: a fresh install has no public admin, the client
//! address comes from our proxy, second factors are single-use and bounded
//! per account, `next` never leaves the site.

use crate::support::{Options, PASSWORD, spawn_app, spawn_app_with};
use reqwest::StatusCode;

/// The code of the next 30-second step.
fn next_code(secret: &str) -> String {
    app::auth::totp::code_at(secret, chrono::Utc::now().timestamp() as u64 + 30).unwrap()
}

#[tokio::test]
async fn a_fresh_install_has_no_demo_account_unless_asked() {
    // What `server serve` does with no COMPTOIR_DEMO_SEED.
    assert_eq!(server::config::demo_seed(None), Ok(server::config::DemoSeed::Never));
    assert_eq!(
        server::config::demo_seed(Some("auto")),
        Ok(server::config::DemoSeed::Auto)
    );
    let app = spawn_app().await;
    let reply = app.browser().sign_in("admin@comptoir.test", "Comptoir-Demo-2026").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    app.stop().await;
}

#[tokio::test]
async fn after_sign_in_next_is_resolved_as_a_browser_would_and_stays_here() {
    let app = spawn_app().await;
    app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    for (next, expected) in [
        ("/\t/evil.example", "/app"),
        ("/\\evil.example", "/app"),
        ("\n//evil.example", "/app"),
        ("https://evil.example/app", "/app"),
        ("/.//evil.example", "/app"),
        ("/app/..//evil.example", "/app"),
        ("/app/quotes?status=sent", "/app/quotes?status=sent"),
    ] {
        let reply = app
            .browser()
            .call(
                "sign_in",
                &[("email", "julien@martin.test"), ("password", PASSWORD), ("next", next)],
            )
            .await
            .ok();
        assert_eq!(reply["SignedIn"]["redirect"], expected, "next = {next:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn behind_our_proxy_the_client_ip_is_the_one_it_appended() {
    let app = spawn_app_with(Options {
        strict_rate_limits: true,
        proxy_hops: 1,
        ..Options::default()
    })
    .await;
    let browser = app.browser();
    // The attacker writes a new address in X-Forwarded-For on every attempt;
    // our proxy appends the real one (198.51.100.7).
    let mut limited = false;
    for attempt in 0..40 {
        let reply = browser
            .client
            .post(format!("{}/api/sign_in", app.base))
            .header("origin", &app.base)
            .header("x-forwarded-for", format!("10.9.{attempt}.1, 198.51.100.7"))
            .form(&[
                ("email", format!("nobody{attempt}@test.fr")),
                ("password", "wrong".into()),
            ])
            .send()
            .await
            .unwrap();
        if reply.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            assert!(attempt >= 30, "limited after {attempt} attempts");
            break;
        }
    }
    assert!(limited, "per-IP limit bypassed by a client-written X-Forwarded-For");
    // IPv6: the whole /64 shares a budget.
    let mut limited = false;
    for attempt in 0..40 {
        let reply = browser
            .client
            .post(format!("{}/api/sign_in", app.base))
            .header("origin", &app.base)
            .header("x-forwarded-for", format!("2001:db8:7:7:{attempt:x}::1"))
            .form(&[("email", format!("v6-{attempt}@test.fr")), ("password", "wrong".into())])
            .send()
            .await
            .unwrap();
        if reply.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "one /64 must not get a budget per address");
    app.stop().await;
}

#[tokio::test]
async fn totp_guesses_are_bounded_per_account_across_sign_ins() {
    let app = spawn_app_with(Options {
        strict_rate_limits: true,
        ..Options::default()
    })
    .await;
    let owner = app.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    owner.enable_totp().await;
    let mut refused_with_limit = false;
    // Each password sign-in opens a new pending session with its own
    // per-session budget (10); the account's (20) must hold across them.
    'outer: for round in 0..5 {
        let browser = app.browser();
        browser.sign_in("claire@compta.test", PASSWORD).await.ok();
        for guess in 0..10 {
            let reply = browser
                .call(
                    "verify_second_factor",
                    &[("code", &format!("{:06}", round * 10 + guess))],
                )
                .await;
            if reply.status == StatusCode::TOO_MANY_REQUESTS {
                // 20 an account (the enrolment's own code counted one).
                assert!(round * 10 + guess >= 19, "limited early at {}", round * 10 + guess);
                refused_with_limit = true;
                break 'outer;
            }
        }
    }
    assert!(refused_with_limit, "a new sign-in bought a new budget of guesses");
    app.stop().await;
}

#[tokio::test]
async fn a_code_and_a_recovery_code_are_single_use_under_concurrency() {
    let app = spawn_app().await;
    let owner = app.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    let secret = owner.enable_totp().await;
    // The enrolment spent the current step: the next step's code (accepted
    // within the one-step drift) is fresh.
    let code = next_code(&secret);
    let mut pending = Vec::new();
    for _ in 0..4 {
        let b = app.browser();
        b.sign_in("claire@compta.test", PASSWORD).await.ok();
        pending.push(b);
    }
    let args = [("code", code.as_str())];
    let replies = futures::future::join_all(pending.iter().map(|b| b.call("verify_second_factor", &args))).await;
    let winners = replies.iter().filter(|r| r.status.is_success()).count();
    assert_eq!(
        winners,
        1,
        "one code, one sign-in: {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    app.stop().await;
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_under_concurrency() {
    let app = spawn_app().await;
    let owner = app.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    let secret = owner.call("start_totp_enrolment", &[("password", PASSWORD)]).await.ok()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let codes = owner
        .call(
            "confirm_totp_enrolment",
            &[("code", &crate::support::totp_now(&secret))],
        )
        .await
        .ok();
    let recovery = codes[0].as_str().unwrap().to_string();
    let mut pending = Vec::new();
    for _ in 0..4 {
        let b = app.browser();
        b.sign_in("claire@compta.test", PASSWORD).await.ok();
        pending.push(b);
    }
    let args = [("code", recovery.as_str())];
    let replies = futures::future::join_all(pending.iter().map(|b| b.call("verify_second_factor", &args))).await;
    let statuses: Vec<StatusCode> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn the_mailbox_owner_takes_back_an_account_registered_with_their_address() {
    let app = spawn_app().await;
    // The squatter signs up with the victim's address, sets a second factor,
    // and keeps a session.
    let squatter = app.unverified_owner("victim@corp.test", "Piège", "sales").await;
    squatter.enable_totp().await;
    // The victim's mailbox gets the proof link: opening it outside the
    // squatter's session confirms nothing for them.
    let proof = app.link_in_email("victim@corp.test", "/auth/verify/").await;
    let token = proof.rsplit('/').next().unwrap().to_string();
    let refused = app.browser().call("confirm_email", &[("token", &token)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    // The victim signs in with a link mailed to the address: the squatter's
    // sessions, password and second factor are gone.
    let victim = app.browser();
    victim
        .call("request_magic_link", &[("email", "victim@corp.test")])
        .await
        .ok();
    let link = app.link_in_email("victim@corp.test", "/auth/magic/").await;
    let magic = link.rsplit('/').next().unwrap().to_string();
    let outcome = victim.call("consume_magic_link", &[("token", &magic)]).await.ok();
    assert!(outcome["SignedIn"].is_object(), "no second factor asked: {outcome}");
    assert_eq!(squatter.call("current_user", &[]).await.ok(), serde_json::Value::Null);
    let replay = app.browser().sign_in("victim@corp.test", PASSWORD).await;
    assert_eq!(
        replay.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the squatter's password is gone"
    );
    let me = victim.call("current_user", &[]).await.ok();
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["totp_enabled"], false);
    app.stop().await;
}

#[tokio::test]
async fn create_admin_takes_over_an_account_that_holds_the_address() {
    let app = spawn_app().await;
    let squatter = app.unverified_owner("ops@comptoir.test", "Piège", "sales").await;
    server::seed::create_platform_admin(&app.state.db, "ops@comptoir.test", "Opérateur", "Operateur-Secret-2026")
        .await
        .unwrap();
    assert_eq!(squatter.call("current_user", &[]).await.ok(), serde_json::Value::Null);
    assert_eq!(
        app.browser().sign_in("ops@comptoir.test", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let admin = app.browser();
    admin.sign_in("ops@comptoir.test", "Operateur-Secret-2026").await.ok();
    assert_eq!(admin.call("current_user", &[]).await.ok()["is_platform_admin"], true);
    app.stop().await;
}

#[tokio::test]
async fn an_account_without_a_password_sets_one_before_a_second_factor() {
    let app = spawn_app().await;
    let admin = app.platform_admin("ines@comptoir.test").await;
    admin
        .call(
            "create_coach",
            &[
                ("name", "Léa Dubois"),
                ("email", "lea@coach.test"),
                ("workspace_name", "Léa Coaching"),
                ("specialty", "Remise en forme"),
            ],
        )
        .await
        .ok();
    let link = app.link_in_email("lea@coach.test", "/auth/magic/").await;
    let coach = app.browser();
    coach
        .call("consume_magic_link", &[("token", link.rsplit('/').next().unwrap())])
        .await
        .ok();
    let refused = coach.call("start_totp_enrolment", &[("password", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("mot de passe"), "{}", refused.body);
    app.stop().await;
}

#[tokio::test]
async fn changing_the_second_factor_asks_for_the_password() {
    let app = spawn_app().await;
    let owner = app.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    let refused = owner.call("start_totp_enrolment", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let wrong = owner
        .call("start_totp_enrolment", &[("password", "not-the-password")])
        .await;
    assert!(wrong.error().field_message("password").is_some(), "{}", wrong.body);
    let secret = owner.enable_totp().await;
    // Re-enrolling (a stolen session replacing the factor) and disabling need it too.
    let again = owner.call("start_totp_enrolment", &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = owner.call("disable_totp", &[("password", "")]).await;
    assert_eq!(off.status, StatusCode::UNPROCESSABLE_ENTITY);
    owner
        .call("disable_totp", &[("password", &next_code(&secret))])
        .await
        .ok();
    app.stop().await;
}
