//! The DM-setter feed and the coach dashboard: events posted over HTTP with
//! an API key, every KPI checked against a recomputation from raw rows,
//! all-or-nothing batches, replays, revoked keys, the prospects in the
//! pipeline, and the admin's « create a coach » flow.

use crate::support::{Browser, PASSWORD, TestApp, spawn_app};
use app::AppError;
use app::admin::api::CreateCoach;
use app::auth::api::{ConsumeMagicLink, CurrentUser};
use app::dashboard::Period;
use app::dashboard::api::FetchDashboard;
use app::dashboard::api::SaveCoachSettings;
use app::domain::kpi::Estimates;
use app::infra::entity::{deal, setter_lead, setter_message, stage, workspace};
use app::setter::api::{CreateApiKey, ListApiKeys, RevokeApiKey};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::seed::coach::{Rng, prospect};
use tools::data::to_json;
use uuid::Uuid;

pub(crate) async fn coach(app: &TestApp, email: &str, name: &str) -> (Browser, String, Uuid) {
    let browser = app.owner(email, name, "coach").await;
    let secret = browser.run(CreateApiKey { name: "n8n".into() }).await.unwrap().secret;
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
    let dashboard = browser
        .run(FetchDashboard {
            period: Some(period.key().into()),
        })
        .await
        .unwrap();
    dashboard
        .coach
        .unwrap()
        .kpis
        .into_iter()
        .map(|k| (k.key, k.value))
        .collect()
}

async fn assert_exact(app: &TestApp, browser: &Browser, ws: Uuid, est: &Estimates) {
    let today = app::infra::time::paris_day(app::infra::time::now());
    for period in Period::ALL {
        let shown = shown_kpis(browser, period).await;
        assert_eq!(shown.len(), 35);
        let expected = tools::kpi_check::recompute(&app.state.db, ws, period, est, today)
            .await
            .unwrap();
        let wrong = tools::kpi_check::differences(&shown, &expected);
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

/// The 35 KPIs of every period, for comparison.
async fn all_periods(browser: &Browser) -> Vec<(Period, Vec<(String, Option<f64>)>)> {
    let mut out = Vec::new();
    for period in Period::ALL {
        out.push((period, shown_kpis(browser, period).await));
    }
    out
}

#[tokio::test]
async fn a_reply_is_credited_by_time_not_by_arrival() {
    let app = spawn_app().await;
    let (browser, key, _ws) = coach(&app, "lea@coaching.test", "Léa Coaching").await;
    let now = app::infra::time::now();
    let at = |minutes: i64| app::infra::time::iso(now - chrono::TimeDelta::minutes(minutes));
    // Message 1, then a reply…
    let first = json!({"events": [
        {"type": "lead_upserted", "instagram_id": "1", "first_name": "Ana", "at": at(90)},
        {"type": "message_sent", "instagram_id": "1", "external_id": "m1", "message_number": 1, "at": at(60)},
        {"type": "message_received", "instagram_id": "1", "external_id": "r1", "at": at(30)},
    ]});
    assert_eq!(post(&app, Some(&key), &first).await.0, StatusCode::OK);
    let k = shown_kpis(&browser, Period::Days7).await;
    let get = |k: &[(String, Option<f64>)], name: &str| k.iter().find(|(key, _)| key == name).unwrap().1;
    assert_eq!(get(&k, "response_rate_msg1"), Some(100.0));
    // …then, in a later request (an n8n retry), message 2, sent before the
    // reply: the reply answers message 2.
    let late = json!({"events": [
        {"type": "message_sent", "instagram_id": "1", "external_id": "m2", "message_number": 2, "at": at(40)},
    ]});
    assert_eq!(post(&app, Some(&key), &late).await.0, StatusCode::OK);
    let k = shown_kpis(&browser, Period::Days7).await;
    assert_eq!(
        (get(&k, "response_rate_msg1"), get(&k, "response_rate_msg2")),
        (Some(0.0), Some(100.0))
    );
    // A corrected win: the latest reported value stands, whatever the order.
    let wins = json!({"events": [
        {"type": "status_changed", "instagram_id": "1", "external_id": "w2", "status": "won", "deal_value": 1200, "at": at(10)},
        {"type": "status_changed", "instagram_id": "1", "external_id": "w1", "status": "won", "deal_value": 997, "at": at(20)},
    ]});
    assert_eq!(post(&app, Some(&key), &wins).await.0, StatusCode::OK);
    let k = shown_kpis(&browser, Period::Days7).await;
    assert_eq!((get(&k, "leads_won"), get(&k, "revenue")), (Some(1.0), Some(120_000.0)));
    app.stop().await;
}

/// Adds `n` to a counter of one day's aggregate row.
async fn add_to_day(app: &TestApp, ws: Uuid, column: &str, day: chrono::NaiveDate, n: i64) {
    use sea_orm::ConnectionTrait;
    let db = &app.state.db;
    let (n_, ws_, day_) = if crate::support::on_postgres() {
        ("$1", "$2", "$3")
    } else {
        ("?", "?", "?")
    };
    let sql = format!("UPDATE setter_daily SET {column} = {column} + {n_} WHERE workspace_id = {ws_} AND day = {day_}");
    let done = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [n.into(), ws.into(), day.into()],
        ))
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "{column} on {day}");
}

#[tokio::test]
async fn the_migration_credits_existing_replies_and_wins_by_time() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::sea_query::Expr;
    let app = spawn_app().await;
    let (browser, key, ws) = coach(&app, "lea@coaching.test", "Léa Coaching").await;
    let now = app::infra::time::now();
    let at = |minutes: i64| now - chrono::TimeDelta::minutes(minutes);
    let iso = |minutes: i64| app::infra::time::iso(at(minutes));
    let events = json!({"events": [
        {"type": "lead_upserted", "instagram_id": "1", "first_name": "Ana", "at": iso(90)},
        {"type": "message_sent", "instagram_id": "1", "external_id": "m1", "message_number": 1, "at": iso(60)},
        {"type": "message_received", "instagram_id": "1", "external_id": "r1", "at": iso(30)},
        {"type": "message_sent", "instagram_id": "1", "external_id": "m2", "message_number": 2, "at": iso(40)},
        {"type": "status_changed", "instagram_id": "1", "external_id": "w1", "status": "won", "deal_value": 997, "at": iso(20)},
        {"type": "status_changed", "instagram_id": "1", "external_id": "w2", "status": "won", "deal_value": 1200, "at": iso(10)},
    ]});
    assert_eq!(post(&app, Some(&key), &events).await.0, StatusCode::OK);
    // The data as the rules before this release left it: the reply credited
    // to the message that had arrived (m1), the win worth its first report.
    let db = &app.state.db;
    let r1 = setter_message::Entity::find()
        .filter(setter_message::Column::ExternalId.eq("r1"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    for (id, replied) in [("m1", Some(r1.sent_at)), ("m2", None)] {
        setter_message::Entity::update_many()
            .col_expr(setter_message::Column::RepliedAt, Expr::value(replied))
            .filter(setter_message::Column::WorkspaceId.eq(ws))
            .filter(setter_message::Column::ExternalId.eq(id))
            .exec(db)
            .await
            .unwrap();
    }
    let day = app::infra::time::paris_day;
    add_to_day(&app, ws, "m1_replied", day(at(60)), 1).await;
    add_to_day(&app, ws, "m2_replied", day(at(40)), -1).await;
    setter_lead::Entity::update_many()
        .col_expr(setter_lead::Column::DealValueCents, Expr::value(Some(99_700i64)))
        .filter(setter_lead::Column::WorkspaceId.eq(ws))
        .exec(db)
        .await
        .unwrap();
    add_to_day(&app, ws, "revenue_cents", day(at(20)), -20_300).await;
    let get = |k: &[(String, Option<f64>)], name: &str| k.iter().find(|(key, _)| key == name).unwrap().1;
    let k = shown_kpis(&browser, Period::Days7).await;
    assert_eq!(
        (
            get(&k, "response_rate_msg1"),
            get(&k, "response_rate_msg2"),
            get(&k, "revenue")
        ),
        (Some(100.0), Some(0.0), Some(99_700.0)),
        "the old rules' figures"
    );

    // The migration, run again (down to before it, then up), credits them by time.
    // Every migration since, then it.
    let since = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261130_000008_setter_cohorts")
        .expect("the cohorts migration");
    Migrator::down(db, Some(since as u32 + 1)).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .iter()
            .any(|m| m.name() == "m20261130_000008_setter_cohorts"),
        "the cohorts migration was undone"
    );
    Migrator::up(db, None).await.unwrap();
    let k = shown_kpis(&browser, Period::Days7).await;
    assert_eq!(
        (
            get(&k, "response_rate_msg1"),
            get(&k, "response_rate_msg2"),
            get(&k, "revenue")
        ),
        (Some(0.0), Some(100.0), Some(120_000.0))
    );
    // And the cohort counters it filled give the funnel rates of the raw rows.
    assert_exact(&app, &browser, ws, &Estimates::default()).await;
    assert_eq!(get(&k, "call_conversion_rate"), Some(100.0));
    app.stop().await;
}

#[tokio::test]
async fn the_kpis_do_not_depend_on_the_order_events_arrive_in() {
    let app = spawn_app().await;
    let now = app::infra::time::now();
    let mut rng = Rng::new(11);
    let mut leads: Vec<Value> = Vec::new();
    let mut rest: Vec<Value> = Vec::new();
    for n in 0..120 {
        for e in prospect(&mut rng, n, now, 45) {
            match e {
                app::setter::payload::SetterEvent::Lead(_) => leads.push(to_json(&e)),
                _ => rest.push(to_json(&e)),
            }
        }
    }
    // Corrected wins, reported in both orders.
    for (i, lead) in leads.iter().take(6).enumerate() {
        let id = lead["instagram_id"].as_str().unwrap();
        let t = |m: i64| app::infra::time::iso(now - chrono::TimeDelta::minutes(m));
        rest.push(
            json!({"type": "status_changed", "instagram_id": id, "external_id": format!("fix-{i}-a"),
            "status": "won", "deal_value": 500 + i * 10, "at": t(300)}),
        );
        rest.push(
            json!({"type": "status_changed", "instagram_id": id, "external_id": format!("fix-{i}-b"),
            "status": "won", "deal_value": 800 + i * 10, "at": t(200)}),
        );
    }
    assert!(rest.len() > 800, "enough events: {}", rest.len());

    // In time order, in one workspace; shuffled, in random batches with
    // replays (an n8n retry sends a batch again), in three others. Prospects
    // are announced first: an event about an unknown prospect fails its batch.
    let mut in_order = rest.clone();
    in_order.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
    let mut results = Vec::new();
    for seed in 0..4u64 {
        let email = format!("coach{seed}@coaching.test");
        let (browser, key, ws) = coach(&app, &email, &format!("Coach {seed}")).await;
        let mut events = in_order.clone();
        let mut batch = 400;
        if seed > 0 {
            let mut r = Rng::new(100 + seed);
            for i in (1..events.len()).rev() {
                events.swap(i, r.below(i as u64 + 1) as usize);
            }
            batch = 1 + r.below(150) as usize;
        }
        let (status, body) = post(&app, Some(&key), &json!({ "events": leads })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for (i, chunk) in events.chunks(batch).enumerate() {
            let (status, body) = post(&app, Some(&key), &json!({ "events": chunk })).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if seed > 0 && i % 3 == 0 {
                let (status, body) = post(&app, Some(&key), &json!({ "events": chunk })).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                assert_eq!(
                    body["applied"]["duplicates"].as_u64(),
                    Some(chunk.len() as u64),
                    "{body}"
                );
            }
        }
        assert_exact(&app, &browser, ws, &Estimates::default()).await;
        results.push(all_periods(&browser).await);
    }
    for (seed, shuffled) in results.iter().enumerate().skip(1) {
        assert_eq!(shuffled, &results[0], "arrival order {seed} changed the KPIs");
    }
    // Every rate is a share of one cohort: never above 100 %.
    for (period, kpis) in &results[0] {
        for (key, value) in kpis {
            if key.ends_with("_rate") || key.starts_with("response_rate") {
                assert!(
                    value.is_none_or(|v| (0.0..=100.0).contains(&v)),
                    "{period:?} {key}: {value:?}"
                );
            }
        }
    }
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
    // A sent message without its number is unusable; an age of 7 is only dropped.
    assert!(body["fields"]["events[2].message_number"].is_array(), "{body}");
    assert!(body["fields"].get("events[1].age").is_none(), "{body}");
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

    // One odd field does not block a day of leads: an internationalised
    // address is an address, a bad optional field is dropped with a warning
    // and its event kept.
    let mut events = vec![
        json!({"type": "lead_upserted", "instagram_id": "j", "first_name": "Jérôme", "email": "jerôme@exemple.fr"}),
        json!({"type": "lead_upserted", "instagram_id": "k", "first_name": "Kim", "age": 7, "email": "kim@", "gender": "robot"}),
    ];
    for n in 0..171 {
        events.push(json!({"type": "lead_upserted", "instagram_id": format!("p{n}"), "first_name": "Ana"}));
    }
    let (status, body) = post(&app, Some(&key), &json!({ "events": events })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["applied"]["leads_created"], 173);
    for field in ["events[1].age", "events[1].email", "events[1].gender"] {
        assert!(
            body["warnings"][field][0].as_str().unwrap().ends_with("Champ ignoré."),
            "{field}: {body}"
        );
    }
    assert!(body["warnings"].get("events[0].email").is_none(), "{body}");
    let jerome = setter_lead::Entity::find()
        .filter(setter_lead::Column::WorkspaceId.eq(ws))
        .filter(setter_lead::Column::InstagramId.eq("j"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(jerome.email.as_deref(), Some("jerôme@exemple.fr"));
    let kim = setter_lead::Entity::find()
        .filter(setter_lead::Column::WorkspaceId.eq(ws))
        .filter(setter_lead::Column::InstagramId.eq("k"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kim.first_name.as_str(), kim.age, kim.email), ("Kim", None, None));
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
    let expected = tools::kpi_check::recompute(&app.state.db, ws, Period::Days7, &Estimates::default(), today)
        .await
        .unwrap();
    assert!(tools::kpi_check::differences(&k, &expected).is_empty());

    // No key, a wrong key, a revoked key: 401, nothing written.
    assert_eq!(post(&app, None, &batch).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(post(&app, Some("cpt_nope"), &batch).await.0, StatusCode::UNAUTHORIZED);
    let keys = browser.run(ListApiKeys {}).await.unwrap();
    assert!(keys[0].last_used_at.is_some());
    browser.run(RevokeApiKey { id: keys[0].id }).await.unwrap();
    assert_eq!(post(&app, Some(&key), &batch).await.0, StatusCode::UNAUTHORIZED);

    // Members cannot manage keys; settings are checked.
    let member = app
        .invite_and_join(&browser, "sam@coaching.test", "member", "Sam Martin")
        .await;
    let refused = member.run(ListApiKeys {}).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let bad = browser
        .run(SaveCoachSettings {
            lead_magnet_pct: "140".into(),
            no_show_pct: "17".into(),
            ai_efficiency_pct: "94".into(),
            minutes_per_message: "3".into(),
            monthly_cost: "0".into(),
        })
        .await
        .expect_err("a percentage above 100");
    assert!(bad.field_message("lead_magnet_pct").is_some(), "{bad:?}");
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
    let form = || CreateCoach {
        name: "Hugo Lefèvre".into(),
        email: "hugo@coach.test".into(),
        workspace_name: String::new(),
        specialty: "musculation".into(),
    };
    let created = admin.run(form()).await.unwrap();
    let again = admin.run(form()).await.expect_err("the address is taken");
    assert!(again.field_message("email").is_some(), "{again:?}");
    let link = app.link_in_email("hugo@coach.test", "/auth/magic/").await;
    let coach = app.browser();
    let token = link.rsplit('/').next().unwrap();
    coach.run(ConsumeMagicLink { token: token.into() }).await.unwrap();
    let me = coach.run(CurrentUser {}).await.unwrap().expect("signed in");
    let workspace = me.workspace.expect("in the new workspace");
    assert_eq!(workspace.id, created);
    assert_eq!(workspace.name, "Hugo Lefèvre Coaching");
    assert_eq!(workspace.pack, app::domain::TradePack::Coach);
    let dashboard = coach.run(FetchDashboard { period: None }).await.unwrap();
    assert!(!dashboard.coach.expect("a coach dashboard").has_data);
    // Nobody else may create coaches.
    let refused = coach.run(form()).await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    app.stop().await;
}
