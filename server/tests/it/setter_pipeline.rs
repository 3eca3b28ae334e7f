//! The setter feed moves deals through the pipeline rules, like a drag on
//! the board: a win loses the lead's other deals and opens a job, with audit
//! and domain events; stages are linked to statuses by a stored mapping, so a
//! renamed stage stays linked; the latest reported value of a win stands.

use crate::pipeline::stage_id;
use crate::setter::{coach, post};
use crate::support::{Browser, TestApp, spawn_app};
use app::AppError;
use app::domain::StageId;
use app::infra::entity::{deal, domain_event, event, job, setter_lead, stage};
use app::pipeline::api::{FetchPipelineSettings, UpdateStage};
use app::setter::SetterStatus;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

fn at(minutes_ago: i64) -> String {
    app::infra::time::iso(app::infra::time::now() - chrono::TimeDelta::minutes(minutes_ago))
}

async fn deal_of(app: &TestApp, instagram_id: &str) -> deal::Model {
    let prospect = setter_lead::Entity::find()
        .filter(setter_lead::Column::InstagramId.eq(instagram_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    deal::Entity::find_by_id(prospect.deal_id.unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn stage_name(app: &TestApp, id: Uuid) -> String {
    stage::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .name
}

/// Renames a stage (and optionally links it to a status) through the settings.
async fn edit_stage(
    owner: &Browser,
    id: StageId,
    name: &str,
    color: &str,
    status: Option<&str>,
) -> Result<(), AppError> {
    owner
        .run(UpdateStage {
            stage_id: id,
            name: name.into(),
            color: color.into(),
            probability: 50,
            is_quote_stage: None,
            setter_status: status.map(str::to_string),
        })
        .await
}

async fn count_actions(app: &TestApp, action: &str) -> usize {
    event::Entity::find()
        .filter(event::Column::Action.eq(action))
        .all(&app.state.db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_feed_win_follows_the_pipeline_rules_and_renamed_stages_stay_linked() {
    let app = spawn_app().await;
    let (owner, key, _) = coach(&app, "lea@coaching.test", "Léa Coaching").await;
    let (status, body) = post(
        &app,
        Some(&key),
        &json!({ "events": [
            {"type": "lead_upserted", "instagram_id": "ig-1", "username": "camille.roux", "first_name": "Camille",
             "last_name": "Roux", "at": at(60)},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let first = deal_of(&app, "ig-1").await;
    // A second deal on the same lead (another pursuit of the same prospect).
    let sibling = deal::Model {
        id: Uuid::now_v7(),
        position: first.position + 1.0,
        ..first.clone()
    };
    app::pipeline::leads::insert_deal(&app.state.db, &sibling)
        .await
        .unwrap();

    // Renaming the linked stages does not unlink them.
    let board = owner.board().await;
    let booked = stage_id(&board, "Call réservé");
    let won = stage_id(&board, "Gagné");
    edit_stage(&owner, booked, "RDV calé", "#f59e0b", None).await.unwrap();
    edit_stage(&owner, won, "Client signé", "#10b981", None).await.unwrap();

    let (status, body) = post(
        &app,
        Some(&key),
        &json!({ "events": [
            {"type": "status_changed", "instagram_id": "ig-1", "external_id": "s-1", "status": "call_booked", "at": at(30)},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let moved = deal_of(&app, "ig-1").await;
    assert_eq!(stage_name(&app, moved.stage_id).await, "RDV calé");
    assert_eq!(
        count_actions(&app, "deal.stage_changed").await,
        1,
        "audited like a drag"
    );

    let (status, body) = post(
        &app,
        Some(&key),
        &json!({ "events": [
            {"type": "status_changed", "instagram_id": "ig-1", "external_id": "s-2", "status": "won", "deal_value": 997, "at": at(10)},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let won_deal = deal_of(&app, "ig-1").await;
    assert_eq!(stage_name(&app, won_deal.stage_id).await, "Client signé");
    assert_eq!(won_deal.value_cents, 99_700);
    let closed = won_deal.closed_at.expect("closed");
    assert!(
        (app::infra::time::now() - closed).num_minutes() >= 9,
        "closed when the setter said"
    );
    let lost = deal::Entity::find_by_id(sibling.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stage_name(&app, lost.stage_id).await, "Perdu");
    assert!(lost.closed_at.is_some() && lost.lost_reason.is_some());
    let jobs = job::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].deal_id, won_deal.id);
    for action in ["deal.lost_to_other", "job.opened"] {
        assert_eq!(count_actions(&app, action).await, 1, "{action}");
    }
    let kinds: Vec<String> = domain_event::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for kind in [
        "deal_created",
        "deal_moved",
        "deal_won",
        "deal_lost",
        "job_opened",
        "setter_batch_recorded",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }

    // A corrected value for the same win: the latest one stands.
    let (status, body) = post(
        &app,
        Some(&key),
        &json!({ "events": [
            {"type": "status_changed", "instagram_id": "ig-1", "external_id": "s-3", "status": "won", "deal_value": 1200, "at": at(5)},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let corrected = deal_of(&app, "ig-1").await;
    assert_eq!(corrected.value_cents, 120_000);
    assert_eq!(corrected.closed_at, Some(closed), "won when first reported");
    assert_eq!(
        count_actions(&app, "deal.value_changed").await,
        2,
        "0 → 997 € with the win, then 997 → 1,200 €"
    );
    assert_eq!(
        job::Entity::find().all(&app.state.db).await.unwrap().len(),
        1,
        "one job"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_batch_moves_many_deals_like_as_many_drags() {
    let app = spawn_app().await;
    let (owner, key, _) = coach(&app, "hugo@coaching.test", "Hugo Coaching").await;
    let n = 40;
    let mut events: Vec<serde_json::Value> = (0..n)
        .map(|i| json!({"type": "lead_upserted", "instagram_id": format!("ig-{i}"), "first_name": "P", "last_name": "Q", "at": at(120)}))
        .collect();
    // In the same batch: every prospect books a call, and two of them then win.
    events.extend((0..n).map(|i| {
        json!({"type": "status_changed", "instagram_id": format!("ig-{i}"), "external_id": format!("b-{i}"),
               "status": "call_booked", "at": at(60)})
    }));
    for i in [3, 7] {
        events.push(
            json!({"type": "status_changed", "instagram_id": format!("ig-{i}"), "external_id": format!("w-{i}"),
                           "status": "won", "deal_value": 500 + i, "at": at(30)}),
        );
    }
    let (status, body) = post(&app, Some(&key), &json!({ "events": events })).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let board = owner.board().await;
    let booked = stage_id(&board, "Call réservé").0;
    let won = stage_id(&board, "Gagné").0;
    let mut deals = Vec::new();
    for i in 0..n {
        deals.push(deal_of(&app, &format!("ig-{i}")).await);
    }
    let in_booked: Vec<&deal::Model> = deals.iter().filter(|d| d.stage_id == booked).collect();
    assert_eq!(in_booked.len(), n - 2);
    let mut positions: Vec<f64> = in_booked.iter().map(|d| d.position).collect();
    positions.sort_by(f64::total_cmp);
    positions.dedup();
    assert_eq!(positions.len(), n - 2, "each card has its own place in the column");
    for i in [3, 7] {
        let d = &deals[i];
        assert_eq!(d.stage_id, won);
        assert_eq!(d.value_cents, (500 + i as i64) * 100);
        assert!(d.closed_at.is_some());
    }
    // Each deal moved once (its last reported status), audited like a drag.
    assert_eq!(count_actions(&app, "deal.stage_changed").await, n);
    assert_eq!(count_actions(&app, "job.opened").await, 2);
    assert_eq!(job::Entity::find().all(&app.state.db).await.unwrap().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn stages_are_linked_to_statuses_in_the_settings() {
    let app = spawn_app().await;
    let (owner, key, _) = coach(&app, "lea@coaching.test", "Léa Coaching").await;
    let settings = owner.run(FetchPipelineSettings { pipeline: None }).await.unwrap();
    assert!(settings.setter_feed);
    let linked: Vec<(String, SetterStatus)> = settings
        .stages
        .iter()
        .filter_map(|s| Some((s.stage.name.clone(), s.setter_status?)))
        .collect();
    assert!(
        linked.contains(&("Qualifié".to_string(), SetterStatus::Qualified)),
        "{linked:?}"
    );

    let board = owner.board().await;
    let follow_up = stage_id(&board, "À relancer");
    // A status goes with a stage of its kind.
    let refused = edit_stage(&owner, follow_up, "À relancer", "#f97316", Some("won"))
        .await
        .expect_err("a won status on an open stage");
    assert!(refused.field_message("setter_status").is_some(), "{refused:?}");
    // Qualified prospects now go to « À relancer » (and no longer to « Qualifié »).
    edit_stage(&owner, follow_up, "À relancer", "#f97316", Some("qualified"))
        .await
        .unwrap();
    let (status, body) = post(
        &app,
        Some(&key),
        &json!({ "events": [
            {"type": "lead_upserted", "instagram_id": "ig-2", "first_name": "Hugo", "at": at(30)},
            {"type": "status_changed", "instagram_id": "ig-2", "external_id": "q-1", "status": "qualified", "at": at(20)},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stage_name(&app, deal_of(&app, "ig-2").await.stage_id).await,
        "À relancer"
    );
    let settings = owner.run(FetchPipelineSettings { pipeline: None }).await.unwrap();
    let qualified: Vec<&str> = settings
        .stages
        .iter()
        .filter(|s| s.setter_status == Some(SetterStatus::Qualified))
        .map(|s| s.stage.name.as_str())
        .collect();
    assert_eq!(qualified, ["À relancer"], "one stage per status");

    // The feed only fills a coach's first pipeline: elsewhere a link is refused.
    let artisan = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let artisan_settings = artisan.run(FetchPipelineSettings { pipeline: None }).await.unwrap();
    assert!(!artisan_settings.setter_feed);
    let nouveau = stage_id(&artisan.board().await, "Nouveau");
    let refused = edit_stage(&artisan, nouveau, "Nouveau", "#3b82f6", Some("new"))
        .await
        .expect_err("the feed only fills a coach's first pipeline");
    assert!(refused.field_message("setter_status").is_some(), "{refused:?}");
    app.stop().await;
}
