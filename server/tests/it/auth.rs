//! Sign-up, sign-in, sign-out, magic links, password reset, TOTP, rate limits.

use crate::support::{Options, PASSWORD, spawn_app, spawn_app_with, totp_now};
use app::infra::entity::{event, member, pipeline, session, stage, user, workspace};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn sign_up_creates_the_user_the_workspace_its_pipeline_and_a_session() {
    let app = spawn_app().await;
    let browser = app.browser();
    let reply = browser
        .call(
            "sign_up",
            &[
                ("name", "  Julien   Martin "),
                ("email", "Julien@Plomberie-Martin.FR"),
                ("password", PASSWORD),
                ("workspace_name", "Plomberie Martin"),
                ("pack", "artisan"),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let cookie = reply
        .headers
        .get("set-cookie")
        .expect("session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("comptoir_session="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "plain-http localhost keeps cookies usable");

    let db = &app.state.db;
    let u = user::Entity::find().one(db).await.unwrap().expect("user");
    assert_eq!(u.email, "julien@plomberie-martin.fr");
    assert_eq!(u.name, "Julien Martin");
    assert!(u.password_hash.as_deref().unwrap().starts_with("$argon2id$"));
    assert_eq!(u.consent_version, app::auth::CONSENT_VERSION);
    let ws = workspace::Entity::find().one(db).await.unwrap().expect("workspace");
    assert_eq!(ws.pack, app::domain::TradePack::Artisan);
    let m = member::Entity::find().one(db).await.unwrap().expect("membership");
    assert_eq!(m.role, app::domain::Role::Owner);
    assert_eq!(pipeline::Entity::find().count(db).await.unwrap(), 1);
    let stages: Vec<String> = stage::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(stages, ["Nouveau", "En contact", "Devis", "Gagné", "Perdu"]);
    let actions: Vec<String> = event::Entity::find()
        .filter(event::Column::WorkspaceId.eq(ws.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for expected in [
        "workspace.created",
        "member.added",
        "pipeline.created",
        "user.signed_up",
        "session.signed_in",
    ] {
        assert!(
            actions.contains(&expected.to_string()),
            "missing {expected} in {actions:?}"
        );
    }
    let consent = event::Entity::find()
        .filter(event::Column::Action.eq("user.signed_up"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(consent.after_json.unwrap().contains(app::auth::CONSENT_VERSION));

    let me = browser.call("current_user", &[]).await.ok();
    assert_eq!(me["email"], "julien@plomberie-martin.fr");
    assert_eq!(me["workspace"]["name"], "Plomberie Martin");
    assert_eq!(me["workspace"]["role"], "owner");
    app.stop().await;
}

#[tokio::test]
async fn sign_up_reports_every_bad_field_and_saves_nothing() {
    let app = spawn_app().await;
    let reply = app
        .browser()
        .call(
            "sign_up",
            &[
                ("name", " "),
                ("email", "julien@"),
                ("password", "court"),
                ("workspace_name", "X"),
                ("pack", "plumber"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = reply.error();
    for field in ["name", "email", "password", "workspace_name", "pack", "consent"] {
        assert!(
            error.field_message(field).is_some(),
            "no message for {field}: {error:?}"
        );
    }
    assert_eq!(user::Entity::find().count(&app.state.db).await.unwrap(), 0);
    assert_eq!(workspace::Entity::find().count(&app.state.db).await.unwrap(), 0);
    app.stop().await;
}

#[tokio::test]
async fn an_address_can_only_sign_up_once() {
    let app = spawn_app().await;
    app.owner("lea@coaching.test", "Léa Coaching", "coach").await;
    let reply = app
        .browser()
        .call(
            "sign_up",
            &[
                ("name", "Léa"),
                ("email", "LEA@coaching.test"),
                ("password", PASSWORD),
                ("workspace_name", "Autre"),
                ("pack", "coach"),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.error().field_message("email").unwrap().contains("existe déjà"));
    app.stop().await;
}

#[tokio::test]
async fn sign_in_and_sign_out() {
    let app = spawn_app().await;
    app.owner("sophie@atelier.test", "Thermolaquage", "workshop").await;
    let browser = app.browser();
    let wrong = browser.sign_in("sophie@atelier.test", "pas-le-bon-mot").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.error().field_message("password").unwrap(),
        "Adresse e-mail ou mot de passe incorrect."
    );
    let unknown = browser.sign_in("personne@atelier.test", PASSWORD).await;
    assert_eq!(unknown.error(), wrong.error(), "same answer for unknown accounts");

    let ok = browser.sign_in("Sophie@Atelier.test", PASSWORD).await.ok();
    assert_eq!(ok["SignedIn"]["redirect"], "/app");
    assert_eq!(browser.get("/app").await.status, StatusCode::OK);
    assert_eq!(
        browser.get("/login").await.status,
        StatusCode::SEE_OTHER,
        "signed-in users skip the login page"
    );

    browser.call("sign_out", &[]).await.ok();
    let after = browser.get("/app/members").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.headers["location"], "/login?next=/app/members");
    assert_eq!(browser.call("list_members", &[]).await.status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn sign_in_redirects_only_inside_the_site() {
    let app = spawn_app().await;
    app.owner("hugo@alforis.test", "Alforis", "sales").await;
    let browser = app.browser();
    let reply = browser
        .call(
            "sign_in",
            &[
                ("email", "hugo@alforis.test"),
                ("password", PASSWORD),
                ("next", "/app/audit"),
            ],
        )
        .await
        .ok();
    assert_eq!(reply["SignedIn"]["redirect"], "/app/audit");
    let evil = app
        .browser()
        .call(
            "sign_in",
            &[
                ("email", "hugo@alforis.test"),
                ("password", PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await
        .ok();
    assert_eq!(evil["SignedIn"]["redirect"], "/app");
    app.stop().await;
}

#[tokio::test]
async fn magic_links_sign_in_once_and_never_reveal_accounts() {
    let app = spawn_app().await;
    app.owner("karim@plomberie.test", "Plomberie", "artisan").await;
    let browser = app.browser();
    browser
        .call("request_magic_link", &[("email", "karim@plomberie.test")])
        .await
        .ok();
    browser
        .call("request_magic_link", &[("email", "nobody@plomberie.test")])
        .await
        .ok();
    let link = app.link_in_email("karim@plomberie.test", "/auth/magic/").await;
    let token = link.rsplit('/').next().unwrap().to_string();

    // Opening the page does not consume the link (mail scanners prefetch links).
    assert_eq!(
        browser.get(&format!("/auth/magic/{token}")).await.status,
        StatusCode::OK
    );
    let info = browser.call("magic_link_info", &[("token", &token)]).await.ok();
    assert_eq!(info["email"], "karim@plomberie.test");

    let signed = browser.call("consume_magic_link", &[("token", &token)]).await.ok();
    assert_eq!(signed["SignedIn"]["redirect"], "/app");
    assert_eq!(
        browser.call("current_user", &[]).await.ok()["email"],
        "karim@plomberie.test"
    );

    let again = app.browser().call("consume_magic_link", &[("token", &token)]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "single use");
    let forged = app
        .browser()
        .call("consume_magic_link", &[("token", "forged-token")])
        .await;
    assert_eq!(forged.status, StatusCode::CONFLICT);
    app.stop().await;
}

#[tokio::test]
async fn expired_magic_links_are_refused() {
    let app = spawn_app().await;
    app.owner("lucas@atelier.test", "Atelier", "workshop").await;
    app.browser()
        .call("request_magic_link", &[("email", "lucas@atelier.test")])
        .await
        .ok();
    let link = app.link_in_email("lucas@atelier.test", "/auth/magic/").await;
    let token = link.rsplit('/').next().unwrap().to_string();
    use app::infra::entity::auth_token;
    use sea_orm::sea_query::Expr;
    auth_token::Entity::update_many()
        .col_expr(
            auth_token::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::TimeDelta::minutes(1)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    let reply = app.browser().call("consume_magic_link", &[("token", &token)]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.error().to_string().contains("plus valable"));
    app.stop().await;
}

#[tokio::test]
async fn password_reset_closes_every_session_and_notifies() {
    let app = spawn_app().await;
    let first = app.owner("nadia@alforis.test", "Alforis", "sales").await;
    let second = app.browser();
    second.sign_in("nadia@alforis.test", PASSWORD).await.ok();

    let stranger = app.browser();
    stranger
        .call("request_password_reset", &[("email", "nadia@alforis.test")])
        .await
        .ok();
    let link = app.link_in_email("nadia@alforis.test", "/auth/reset/").await;
    let token = link.rsplit('/').next().unwrap().to_string();
    let weak = stranger
        .call("reset_password", &[("token", &token), ("password", "court")])
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.error().field_message("password").is_some());
    stranger
        .call(
            "reset_password",
            &[("token", &token), ("password", "Nouveau-Secret-2026")],
        )
        .await
        .ok();

    assert_eq!(
        first.call("current_user", &[]).await.ok(),
        serde_json::Value::Null,
        "old sessions are closed"
    );
    assert_eq!(second.call("current_user", &[]).await.ok(), serde_json::Value::Null);
    assert_eq!(
        app.browser().sign_in("nadia@alforis.test", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.browser()
        .sign_in("nadia@alforis.test", "Nouveau-Secret-2026")
        .await
        .ok();
    let reuse = stranger
        .call(
            "reset_password",
            &[("token", &token), ("password", "Encore-Un-Autre-2026")],
        )
        .await;
    assert_eq!(reuse.status, StatusCode::CONFLICT);
    let notice = app.email_to("nadia@alforis.test").await;
    assert!(notice.contains("a été modifié"), "{notice}");
    app.stop().await;
}

/// The next step's code: accepted within the one-step drift tolerance, and
/// newer than the code just used for enrolment (which cannot be replayed).
fn code_next(secret: &str) -> String {
    app::auth::totp::code_at(secret, chrono::Utc::now().timestamp() as u64 + 30).unwrap()
}

#[tokio::test]
async fn totp_enrolment_then_sign_in_with_a_code_or_a_recovery_code() {
    let app = spawn_app().await;
    let owner = app.owner("lea@coaching.test", "Léa Coaching", "coach").await;
    let setup = owner
        .call("start_totp_enrolment", &[("password", crate::support::PASSWORD)])
        .await
        .ok();
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    let bad = owner.call("confirm_totp_enrolment", &[("code", "000000")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes = owner
        .call("confirm_totp_enrolment", &[("code", &totp_now(&secret))])
        .await
        .ok();
    let codes: Vec<String> = serde_json::from_value(codes).unwrap();
    assert_eq!(codes.len(), 10);

    // Password alone is not enough any more.
    let browser = app.browser();
    let step = browser.sign_in("lea@coaching.test", PASSWORD).await.ok();
    assert_eq!(step, serde_json::json!("SecondFactor"));
    assert_eq!(browser.get("/app").await.headers["location"], "/login/totp");
    assert_eq!(browser.call("list_members", &[]).await.status, StatusCode::UNAUTHORIZED);
    let wrong = browser.call("verify_second_factor", &[("code", "123456")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = code_next(&secret);
    let signed = browser.call("verify_second_factor", &[("code", &code)]).await;
    assert_eq!(signed.ok()["SignedIn"]["redirect"], "/app");
    // A code that worked cannot be replayed in another browser.
    let replayer = app.browser();
    replayer.sign_in("lea@coaching.test", PASSWORD).await.ok();
    assert_eq!(
        replayer.call("verify_second_factor", &[("code", &code)]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    browser.call("list_members", &[]).await.ok();

    // A recovery code works once.
    let other = app.browser();
    other.sign_in("lea@coaching.test", PASSWORD).await.ok();
    other.call("verify_second_factor", &[("code", &codes[0])]).await.ok();
    let third = app.browser();
    third.sign_in("lea@coaching.test", PASSWORD).await.ok();
    assert_eq!(
        third.call("verify_second_factor", &[("code", &codes[0])]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let used = event::Entity::find()
        .filter(event::Column::Action.eq("user.recovery_code_used"))
        .count(&app.state.db)
        .await;
    assert_eq!(used.unwrap(), 1);

    // Turning it off needs the password.
    assert_eq!(
        owner.call("disable_totp", &[("password", "faux")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    owner.call("disable_totp", &[("password", PASSWORD)]).await.ok();
    assert_eq!(
        app.browser().sign_in("lea@coaching.test", PASSWORD).await.ok()["SignedIn"]["redirect"],
        "/app"
    );
    app.stop().await;
}

#[tokio::test]
async fn magic_links_also_ask_for_the_second_factor() {
    let app = spawn_app().await;
    let owner = app.owner("thomas@alforis.test", "Alforis", "sales").await;
    owner.enable_totp().await;
    let browser = app.browser();
    browser
        .call("request_magic_link", &[("email", "thomas@alforis.test")])
        .await
        .ok();
    let link = app.link_in_email("thomas@alforis.test", "/auth/magic/").await;
    let token = link.rsplit('/').next().unwrap().to_string();
    let step = browser.call("consume_magic_link", &[("token", &token)]).await.ok();
    assert_eq!(step, serde_json::json!("SecondFactor"));
    assert_eq!(browser.call("current_user", &[]).await.ok(), serde_json::Value::Null);
    app.stop().await;
}

#[tokio::test]
async fn owners_must_enrol_when_the_workspace_requires_it() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let refused = owner
        .call(
            "update_workspace_settings",
            &[("name", "Plomberie Martin"), ("require_owner_totp", "on")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot require what you do not use"
    );
    owner.enable_totp().await;
    owner
        .call(
            "update_workspace_settings",
            &[("name", "Plomberie Martin"), ("require_owner_totp", "on")],
        )
        .await
        .ok();

    // A second owner without TOTP is held at the door.
    let partner = app
        .invite_and_join(&owner, "associe@martin.test", "owner", "Paul Martin")
        .await;
    let me = partner.call("current_user", &[]).await.ok();
    assert_eq!(me["must_enroll_totp"], true);
    let blocked = partner.call("list_members", &[]).await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    assert_eq!(blocked.error(), app::AppError::SecondFactorRequired);
    partner.enable_totp().await;
    partner.call("list_members", &[]).await.ok();
    // And the owner cannot switch it off while the workspace requires it.
    assert_eq!(
        owner.call("disable_totp", &[("password", PASSWORD)]).await.status,
        StatusCode::CONFLICT
    );
    app.stop().await;
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account() {
    let app = spawn_app_with(Options {
        strict_rate_limits: true,
        ..Options::default()
    })
    .await;
    app.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    let browser = app.browser();
    let mut last = None;
    for _ in 0..9 {
        last = Some(browser.sign_in("claire@compta.test", "mauvais-mot-de-passe").await);
    }
    let last = last.unwrap();
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.headers.contains_key("retry-after"));
    assert!(matches!(last.error(), app::AppError::RateLimited { .. }));
    // Even the right password waits: the account is protected, not the guesser rewarded.
    assert_eq!(
        browser.sign_in("claire@compta.test", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let sessions = session::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(sessions, 1, "only the sign-up session exists");
    app.stop().await;
}

#[tokio::test]
async fn magic_link_requests_are_rate_limited() {
    let app = spawn_app_with(Options {
        strict_rate_limits: true,
        ..Options::default()
    })
    .await;
    let browser = app.browser();
    for _ in 0..5 {
        browser
            .call("request_magic_link", &[("email", "anyone@test.fr")])
            .await
            .ok();
    }
    assert_eq!(
        browser
            .call("request_magic_link", &[("email", "anyone@test.fr")])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        browser
            .call("request_password_reset", &[("email", "anyone@test.fr")])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.stop().await;
}
