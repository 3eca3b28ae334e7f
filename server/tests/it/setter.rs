//! The DM-setter feed and the coach dashboard: events posted over HTTP with
//! an API key, every KPI checked against a recomputation from raw rows,
//! all-or-nothing batches, replays, revoked keys, the prospects in the
//! pipeline, and the admin's « create a coach » flow.

use crate::support::{Browser, PASSWORD, TestApp, spawn_app};
use app::dashboard::Period;
use app::domain::kpi::Estimates;
use app::infra::entity::{deal, setter_lead, setter_message, stage, workspace};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::bench_dashboard::to_json;
use server::coach_gen::{Rng, prospect};
use uuid::Uuid;

pub(crate) async fn coach(app: &TestApp, email: &str, name: &str) -> (Browser, String, Uuid) {
    let browser = app.owner(email, name, "coach").await;
    let key = browser.call("create_api_key", &[("name", "n8n")]).await.ok();
    let secret = key["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("cpt_"));
    let ws = workspace::Entity::find()
        .filter(workspace::Column::Name.eq(name))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    (browser, secret, ws)
}

pub(crate) async fn post(app: &TestApp, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/v1/setter/events", app.base))
        .json(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn shown_kpis(browser: &Browser, period: Period) -> Vec<(String, Option<f64>)> {
    let d = browser.call("fetch_dashboard", &[("period", period.key())]).await.ok();
    d["coach"]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["key"].as_str().unwrap().to_string(), k["value"].as_f64()))
        .collect()
}

async fn assert_exact(app: &TestApp, browser: &Browser, ws: Uuid, est: &Estimates) {
    let today = app::infra::time::paris_day(app::infra::time::now());
    for period in Period::ALL {
        let shown = shown_kpis(browser, period).await;
        assert_eq!(shown.len(), 35);
        let expected = server::kpi_check::recompute(&app.state.db, ws, period, est, today)
            .await
            .unwrap();
        let wrong = server::kpi_check::differences(&shown, &expected);
        assert!(wrong.is_empty(), "{period:?}: {wrong:#?}");
    }
}

#[tokio::test]
async fn every_kpi_equals_a_recomputation_from_raw_rows() {
    let app = spawn_app().await;
    let (browser, key, ws) = coach(&app, "lea@coaching.test", "Léa Coaching").await;
    browser
        .call(
            "save_coach_settings",
            &[
                ("lead_magnet_pct", "70"),
                ("no_show_pct", "20"),
                ("ai_efficiency_pct", "90"),
                ("minutes_per_message", "4"),
                ("monthly_cost", "300"),
            ],
        )
        .await
        .ok();
    let est = Estimates {
        lead_magnet_pct: 70,
        no_show_pct: 20,
        ai_efficiency_pct: 90,
        minutes_per_message: 4,
        monthly_cost_cents: 30_000,
    };
    // 250 generated prospects over 120 days (sequences, replies, funnels)…
    let now = app::infra::time::now();
    let mut rng = Rng::new(7);
    let mut events: Vec<Value> = Vec::new();
    for n in 0..250 {
        events.extend(prospect(&mut rng, n, now, 120).iter().map(to_json));
    }
    // …and a hand-written one: created today, answers message 1, books a call, wins.
    // Its events span 50 minutes, squeezed when the Paris day began less than
    // an hour ago so that they all fall on today (this failed between 00:00
    // and 00:50, Paris time).
    let midnight = {
        use chrono::TimeZone;
        let day = app::infra::time::paris_day(now);
        chrono_tz::Europe::Paris
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let since_midnight = (now - midnight).num_seconds() as f64;
    let scale = ((since_midnight - 30.0) / 3000.0).clamp(0.001, 1.0);
    let t = |minutes: i64| {
        let seconds = (minutes as f64 * 60.0 * scale).round() as i64;
        app::infra::time::iso(now - chrono::TimeDelta::seconds(seconds))
    };
    events.extend([
        json!({"type": "lead_upserted", "instagram_id": "hand-1", "username": "camille.roux", "first_name": "Camille",
            "last_name": "Roux", "age": 31, "gender": "female", "job_title": "Infirmière", "source": "story",
            "email": "camille@exemple.fr", "at": t(50)}),
        json!({"type": "message_sent", "instagram_id": "hand-1", "external_id": "h-m1", "message_number": 1, "text": "Salut !", "at": t(45)}),
        json!({"type": "message_received", "instagram_id": "hand-1", "external_id": "h-m2", "text": "Oui !", "at": t(40)}),
        json!({"type": "status_changed", "instagram_id": "hand-1", "external_id": "h-s1", "status": "call_booked", "at": t(20)}),
        json!({"type": "status_changed", "instagram_id": "hand-1", "external_id": "h-s2", "status": "won", "deal_value": 997, "at": t(5)}),
    ]);
    let total = events.len();
    for chunk in events.chunks(400) {
        let (status, body) = post(&app, Some(&key), &json!({ "events": chunk })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert!(total > 1500, "enough events: {total}");
    assert_exact(&app, &browser, ws, &est).await;

    // The hand-written prospect is in the figures of today.
    let today = shown_kpis(&browser, Period::Days7).await;
    let get = |k: &str| today.iter().find(|(key, _)| key == k).unwrap().1.unwrap();
    assert!(get("leads_today") >= 1.0);
    assert!(get("revenue") >= 99_700.0);

    // Every prospect joined the coach pipeline; the won one is in « Gagné » with its value.
    let leads = setter_lead::Entity::find()
        .filter(setter_lead::Column::WorkspaceId.eq(ws))
        .count(&app.state.db)
        .await
        .unwrap();
    let deals = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!((leads, deals), (251, 251));
    let hand = setter_lead::Entity::find()
        .filter(setter_lead::Column::InstagramId.eq("hand-1"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let d = deal::Entity::find_by_id(hand.deal_id.unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let s = stage::Entity::find_by_id(d.stage_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.name.as_str(), d.value_cents), ("Gagné", 99_700));
    assert!(
        hand.qualified_at.is_some() && hand.call_proposed_at.is_some(),
        "booking implies the steps before"
    );

    // The page itself: 35 tiles with their raw values, and the charts' data.
    let page = browser.get("/app/dashboard?period=90").await;
    assert_eq!(page.status, StatusCode::OK);
    // The coach pack's 35 tiles, then the owner pack's 6.
    assert_eq!(page.body.matches("data-testid=\"kpi\"").count(), 41);
    for (key, _) in shown_kpis(&browser, Period::Days90).await {
        assert!(page.body.contains(&format!("data-kpi=\"{key}\"")), "tile {key}");
    }
    assert!(page.body.contains("Entonnoir") && page.body.contains("Meilleurs moments"));
    app.stop().await;
}

#[tokio::test]
async fn a_bad_batch_gets_field_errors_and_writes_nothing() {
    let app = spawn_app().await;
    let (_browser, key, ws) = coach(&app, "lea@coaching.test", "Léa Coaching").await;
    let (status, body) = post(
        &app,
        Some(&key),
        &json!({"events": [
            {"type": "lead_upserted", "instagram_id": "1", "first_name": "Ana"},
            {"type": "lead_upserted", "instagram_id": "2", "age": 7, "gender": "robot"},
            {"type": "message_sent", "instagram_id": "1", "external_id": "m1"},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["events[1].age"][0].as_str().unwrap().contains("13"));
    assert!(body["fields"]["events[1].gender"].is_array());
    assert!(body["fields"]["events[2].message_number"].is_array());
    // A valid event about an unknown prospect rolls the whole batch back.
    let (status, body) = post(
        &app,
        Some(&key),
        &json!({"events": [
            {"type": "lead_upserted", "instagram_id": "1", "first_name": "Ana"},
            {"type": "message_received", "instagram_id": "nobody", "external_id": "m9"},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["events[1].instagram_id"].is_array(), "{body}");
    let (status, _) = post(&app, Some(&key), &json!({"nope": 1})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let stored = setter_lead::Entity::find()
        .filter(setter_lead::Column::WorkspaceId.eq(ws))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing written");
    app.stop().await;
}

#[tokio::test]
async fn replays_are_ignored_and_revoked_keys_are_refused() {
    let app = spawn_app().await;
    let (browser, key, ws) = coach(&app, "lea@coaching.test", "Léa Coaching").await;
    let batch = json!({"events": [
        {"type": "lead_upserted", "instagram_id": "1", "first_name": "Ana", "gender": "female", "age": 25},
        {"type": "message_sent", "instagram_id": "1", "external_id": "m1", "message_number": 1, "text": "Salut"},
        {"type": "message_received", "instagram_id": "1", "external_id": "m2", "text": "Hello"},
        {"type": "status_changed", "instagram_id": "1", "external_id": "s1", "status": "engaged"},
    ]});
    let (status, first) = post(&app, Some(&key), &batch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["applied"]["leads_created"], 1);
    let (status, again) = post(&app, Some(&key), &batch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["applied"]["duplicates"], 3, "{again}");
    let messages = setter_message::Entity::find()
        .filter(setter_message::Column::WorkspaceId.eq(ws))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(messages, 2);
    let k = shown_kpis(&browser, Period::Days7).await;
    let get = |name: &str| k.iter().find(|(key, _)| key == name).unwrap().1;
    assert_eq!(get("total_leads"), Some(1.0));
    assert_eq!(get("response_rate_msg1"), Some(100.0));
    assert_eq!(get("engaged_leads"), Some(1.0));
    assert_eq!(get("avg_age"), Some(25.0));

    // A late report of an older change counts for the funnel but does not
    // replace the current status.
    let earlier = app::infra::time::iso(app::infra::time::now() - chrono::TimeDelta::hours(2));
    let late = json!({"events": [{"type": "status_changed", "instagram_id": "1", "external_id": "s0",
        "status": "follow_up", "at": earlier}]});
    assert_eq!(post(&app, Some(&key), &late).await.0, StatusCode::OK);
    let k = shown_kpis(&browser, Period::Days7).await;
    let get = |name: &str| k.iter().find(|(key, _)| key == name).unwrap().1;
    assert_eq!((get("engaged_leads"), get("leads_follow_up")), (Some(1.0), Some(0.0)));
    let today = app::infra::time::paris_day(app::infra::time::now());
    let expected = server::kpi_check::recompute(&app.state.db, ws, Period::Days7, &Estimates::default(), today)
        .await
        .unwrap();
    assert!(server::kpi_check::differences(&k, &expected).is_empty());

    // No key, a wrong key, a revoked key: 401, nothing written.
    assert_eq!(post(&app, None, &batch).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(post(&app, Some("cpt_nope"), &batch).await.0, StatusCode::UNAUTHORIZED);
    let keys = browser.call("list_api_keys", &[]).await.ok();
    let id = keys[0]["id"].as_str().unwrap().to_string();
    assert!(keys[0]["last_used_at"].is_string());
    browser.call("revoke_api_key", &[("id", &id)]).await.ok();
    assert_eq!(post(&app, Some(&key), &batch).await.0, StatusCode::UNAUTHORIZED);

    // Members cannot manage keys; settings are checked.
    let member = app
        .invite_and_join(&browser, "sam@coaching.test", "member", "Sam Martin")
        .await;
    assert_eq!(member.call("list_api_keys", &[]).await.status, StatusCode::FORBIDDEN);
    let bad = browser
        .call(
            "save_coach_settings",
            &[
                ("lead_magnet_pct", "140"),
                ("no_show_pct", "17"),
                ("ai_efficiency_pct", "94"),
                ("minutes_per_message", "3"),
                ("monthly_cost", "0"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.error().field_message("lead_magnet_pct").is_some());
    app.stop().await;
}

#[tokio::test]
async fn the_admin_creates_a_coach_who_gets_a_magic_link() {
    let app = spawn_app().await;
    server::seed::create_platform_admin(&app.state.db, "ines@comptoir.test", "Inès Laurent", PASSWORD)
        .await
        .unwrap();
    let admin = app.browser();
    admin.sign_in("ines@comptoir.test", PASSWORD).await.ok();
    let args = [
        ("name", "Hugo Lefèvre"),
        ("email", "hugo@coach.test"),
        ("workspace_name", ""),
        ("specialty", "musculation"),
    ];
    admin.call("create_coach", &args).await.ok();
    let again = admin.call("create_coach", &args).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.error().field_message("email").is_some());
    let link = app.link_in_email("hugo@coach.test", "/auth/magic/").await;
    let coach = app.browser();
    let token = link.rsplit('/').next().unwrap();
    coach.call("consume_magic_link", &[("token", token)]).await.ok();
    let me = coach.call("current_user", &[]).await.ok();
    assert_eq!(me["workspace"]["name"], "Hugo Lefèvre Coaching");
    assert_eq!(me["workspace"]["pack"], "coach");
    let dashboard = coach.call("fetch_dashboard", &[]).await.ok();
    assert_eq!(dashboard["coach"]["has_data"], false);
    // Nobody else may create coaches.
    assert_eq!(coach.call("create_coach", &args).await.status, StatusCode::NOT_FOUND);
    app.stop().await;
}
