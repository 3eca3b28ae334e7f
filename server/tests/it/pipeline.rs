//! Leads, deals and the board: moves, positions, the deal rules through
//! their one entry point, filters, notes, stage settings, member scores,
//! live updates.

use crate::support::{Browser, TestApp, spawn_app};
use app::domain::deal_rules::Trigger;
use app::domain::{DealId, TradePack, WorkspaceId};
use app::infra::Write;
use app::infra::entity::{deal, event, job, member};
use app::pipeline::rules::{self, Placement, RuleContext};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

fn column<'a>(board: &'a Value, name: &str) -> &'a Value {
    board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["stage"]["name"] == name)
        .unwrap()
}

pub(crate) fn stage_id(board: &Value, name: &str) -> String {
    column(board, name)["stage"]["id"].as_str().unwrap().to_string()
}

fn card_ids(board: &Value, name: &str) -> Vec<String> {
    column(board, name)["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) async fn move_to(
    browser: &Browser,
    deal: &str,
    stage: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> crate::support::Reply {
    let mut args = vec![("deal_id", deal), ("stage_id", stage)];
    if let Some(b) = before {
        args.push(("before_id", b));
    }
    if let Some(a) = after {
        args.push(("after_id", a));
    }
    browser.call("move_deal", &args).await
}

#[tokio::test]
async fn a_new_lead_lands_on_top_of_the_first_column_with_its_score() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let board = owner.board().await;
    let names: Vec<&str> = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["stage"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Nouveau", "En contact", "Devis", "Gagné", "Perdu"]);
    assert!(board["trades"].as_array().unwrap().iter().any(|t| t == "Plomberie"));

    let first = owner.create_lead("Mme Claire Dubois", "Plomberie", "250").await;
    let second = owner.create_lead("M. Karim Haddad", "Chauffage", "1 800,50").await;
    assert_eq!(second["value_cents"], 180_050, "the value defaults to the budget");
    assert!(
        second["score"].as_u64().unwrap() >= 70,
        "fresh, with phone, city and budget: hot"
    );
    assert_eq!(second["temperature"], "Hot");
    let board = owner.board().await;
    assert_eq!(
        card_ids(&board, "Nouveau"),
        vec![second["id"].as_str().unwrap(), first["id"].as_str().unwrap()]
    );
    let nouveau = column(&board, "Nouveau");
    assert_eq!(nouveau["count"], 2);
    assert_eq!(nouveau["total_cents"], 25_000 + 180_050);
    let created = event::Entity::find()
        .filter(event::Column::Action.eq("lead.created"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(created.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn lead_form_errors_are_reported_per_field() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let reply = owner
        .call(
            "create_lead",
            &[
                ("contact_name", " "),
                ("postcode", "6900"),
                ("trade", ""),
                ("budget", "douze"),
                ("source", "phone"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = reply.error();
    for field in ["contact_name", "phone", "postcode", "trade", "budget"] {
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    assert!(
        owner.board().await["columns"][0]["cards"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing saved"
    );
    app.stop().await;
}

#[tokio::test]
async fn moves_persist_with_their_position_first_contact_and_events() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let a = owner.create_lead("A Dupont", "Plomberie", "100").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = owner.create_lead("B Durand", "Plomberie", "200").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = owner.create_lead("C Martin", "Plomberie", "300").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let board = owner.board().await;
    let contact = stage_id(&board, "En contact");
    // Nouveau: C, B, A. Move A to "En contact", then C into "En contact" after A, then B between them.
    let change = move_to(&owner, &a, &contact, None, None).await.ok();
    assert_eq!(change["cards"][0]["stage_id"], contact.as_str());
    move_to(&owner, &c, &contact, Some(&a), None).await.ok();
    move_to(&owner, &b, &contact, Some(&a), Some(&c)).await.ok();
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "En contact"), vec![a.clone(), b.clone(), c.clone()]);
    assert!(card_ids(&board, "Nouveau").is_empty());
    // Reorder inside a column: only that card's position changes.
    move_to(&owner, &c, &contact, None, Some(&a)).await.ok();
    assert_eq!(
        card_ids(&owner.board().await, "En contact"),
        vec![c.clone(), a.clone(), b.clone()]
    );

    let db = &app.state.db;
    let row = deal::Entity::find_by_id(a.parse::<Uuid>().unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.first_contact_at.is_some(),
        "the first move out of Nouveau is the first contact"
    );
    let actions: Vec<String> = event::Entity::find()
        .filter(event::Column::EntityId.eq(row.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"deal.stage_changed".to_string()) && actions.contains(&"deal.first_contact".to_string()));
    let reordered = event::Entity::find()
        .filter(event::Column::Action.eq("deal.reordered"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(reordered.len(), 1);
    assert!(
        app::infra::events::verify(db, None)
            .await
            .unwrap()
            .first_break
            .is_none()
    );
    app.stop().await;
}

#[tokio::test]
async fn losing_needs_a_reason_and_winning_a_click() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let id = owner.create_lead("Mme Sophie Lambert", "Plomberie", "300").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let board = owner.board().await;
    let lost = stage_id(&board, "Perdu");
    let refused = move_to(&owner, &id, &lost, None, None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.error().field_message("lost_reason").is_some());
    let change = owner
        .call(
            "move_deal",
            &[
                ("deal_id", &id),
                ("stage_id", &lost),
                ("lost_reason", "Prix trop élevé"),
            ],
        )
        .await
        .ok();
    assert_eq!(change["cards"][0]["lost_reason"], "Prix trop élevé");
    let row = deal::Entity::find_by_id(id.parse::<Uuid>().unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.closed_at.is_some());
    // Back to an open stage: reopened.
    move_to(&owner, &id, &stage_id(&board, "En contact"), None, None)
        .await
        .ok();
    let row = deal::Entity::find_by_id(row.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.closed_at.is_none() && row.lost_reason.is_none());
    app.stop().await;
}

/// A lead sent to two members: returns (workspace, first deal, second deal).
async fn lead_for_two(app: &TestApp, owner: &Browser) -> (Uuid, Uuid, Uuid) {
    let karim = app
        .invite_and_join(owner, "karim@martin.test", "member", "Karim Benali")
        .await;
    let _ = karim;
    let card = owner.create_lead("Famille Rousseau", "Plomberie", "9 500").await;
    let first: Uuid = card["id"].as_str().unwrap().parse().unwrap();
    let row = deal::Entity::find_by_id(first)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let other_member = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(row.workspace_id))
        .filter(member::Column::Id.ne(row.owner_member_id.unwrap()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let second = deal::Model {
        id: Uuid::now_v7(),
        owner_member_id: Some(other_member.id),
        position: 1.0,
        ..row.clone()
    };
    app::pipeline::leads::insert_deal(&app.state.db, &second).await.unwrap();
    (row.workspace_id, first, second.id)
}

#[tokio::test]
async fn quote_sent_then_accepted_follow_the_rules_entry_point() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let (workspace_id, first, second) = lead_for_two(&app, &owner).await;
    let ctx = RuleContext {
        workspace_id: WorkspaceId(workspace_id),
        pack: TradePack::Artisan,
    };
    let db = &app.state.db;
    let envelope = || Write::system(&app.state, "Devis", Some(WorkspaceId(workspace_id)));

    let w = envelope().await.unwrap();
    rules::apply(&w, &ctx, DealId(first), Trigger::QuoteSent, Placement::Auto)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let board = owner.board().await;
    assert!(
        card_ids(&board, "Devis").contains(&first.to_string()),
        "sent quote → Devis"
    );
    let row = deal::Entity::find_by_id(first).one(db).await.unwrap().unwrap();
    assert!(row.quote_sent_at.is_some() && row.first_contact_at.is_some());

    let w = envelope().await.unwrap();
    let change = rules::apply(&w, &ctx, DealId(first), Trigger::QuoteAccepted, Placement::Auto)
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert!(change.job_opened);
    assert_eq!(change.cards.len(), 2);
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Gagné"), vec![first.to_string()]);
    assert_eq!(card_ids(&board, "Perdu"), vec![second.to_string()]);
    let lost = deal::Entity::find_by_id(second).one(db).await.unwrap().unwrap();
    assert_eq!(lost.lost_reason.as_deref(), Some("Attribué à un autre artisan"));
    let jobs = job::Entity::find().all(db).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].deal_id, first);
    for action in ["deal.quote_sent", "deal.lost_to_other", "job.opened"] {
        let n = event::Entity::find()
            .filter(event::Column::Action.eq(action))
            .all(db)
            .await
            .unwrap()
            .len();
        assert_eq!(n, 1, "{action}");
    }
    app.stop().await;
}

#[tokio::test]
async fn winning_on_the_board_runs_the_same_rules() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let (_, first, second) = lead_for_two(&app, &owner).await;
    let board = owner.board().await;
    let change = move_to(&owner, &first.to_string(), &stage_id(&board, "Gagné"), None, None)
        .await
        .ok();
    assert_eq!(change["job_opened"], true);
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Perdu"), vec![second.to_string()]);
    assert_eq!(
        column(&board, "Perdu")["cards"][0]["lost_reason"],
        "Attribué à un autre artisan"
    );
    assert_eq!(job::Entity::find().all(&app.state.db).await.unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn mark_contacted_moves_a_new_deal_once() {
    let app = spawn_app().await;
    let owner = app.owner("lea@coaching.test", "Léa Coaching", "coach").await;
    let id = owner.create_lead("Manon Leroy", "Perte de poids", "390").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    owner.call("mark_contacted", &[("deal_id", &id)]).await.ok();
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Engagé"), vec![id.clone()]);
    owner.call("mark_contacted", &[("deal_id", &id)]).await.ok();
    assert_eq!(card_ids(&owner.board().await, "Engagé"), vec![id]);
    let contacts = event::Entity::find()
        .filter(event::Column::Action.eq("deal.first_contact"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(contacts.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn filters_narrow_the_board_and_score_sorts_it() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    owner.create_lead("Claire Dubois", "Plomberie", "250").await;
    owner.create_lead("Karim Haddad", "Chauffage", "1800").await;
    let bare = owner
        .call(
            "create_lead",
            &[
                ("contact_name", "Paul Mercier"),
                ("email", "paul@exemple.fr"),
                ("trade", "Plomberie"),
                ("source", "form"),
            ],
        )
        .await
        .ok();
    let nouveau = |b: &Value| {
        column(b, "Nouveau")["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["contact_name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let by_trade = owner.call("fetch_board", &[("trade", "Chauffage")]).await.ok();
    assert_eq!(nouveau(&by_trade), vec!["Karim Haddad"]);
    let by_text = owner.call("fetch_board", &[("q", "DUBOIS")]).await.ok();
    assert_eq!(nouveau(&by_text), vec!["Claire Dubois"]);
    let low = bare["score"].as_u64().unwrap().to_string();
    let by_score = owner.call("fetch_board", &[("max_score", &low)]).await.ok();
    assert_eq!(nouveau(&by_score), vec!["Paul Mercier"]);
    let sorted = owner.call("fetch_board", &[("sort", "score")]).await.ok();
    let scores: Vec<u64> = column(&sorted, "Nouveau")["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["score"].as_u64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let nobody = owner
        .call("fetch_board", &[("owner", &Uuid::now_v7().to_string())])
        .await
        .ok();
    assert!(nouveau(&nobody).is_empty());
    app.stop().await;
}

#[tokio::test]
async fn the_drawer_shows_notes_history_and_timeline() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let id = owner.create_lead("Mme Inès Moreau", "Chauffage", "650").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let empty = owner.call("add_note", &[("deal_id", &id), ("body", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    owner
        .call(
            "add_note",
            &[("deal_id", &id), ("body", "Rappeler après 18 h, digicode 4521.")],
        )
        .await
        .ok();
    let board = owner.board().await;
    move_to(&owner, &id, &stage_id(&board, "En contact"), None, None)
        .await
        .ok();
    let detail = owner.call("fetch_deal", &[("deal_id", &id)]).await.ok();
    assert_eq!(detail["phone"], "06 12 34 56 78");
    assert_eq!(detail["stage_name"], "En contact");
    assert_eq!(detail["notes"][0]["body"], "Rappeler après 18 h, digicode 4521.");
    assert_eq!(detail["stage_history"][0]["from"], "Nouveau");
    assert_eq!(detail["stage_history"][0]["to"], "En contact");
    assert!(detail["first_contact_at"].is_string());
    let actions: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action_id"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"lead.created") && actions.contains(&"deal.stage_changed"),
        "{actions:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn stages_are_configured_by_admins_and_removal_moves_cards_first() {
    let app = spawn_app().await;
    let owner = app.owner("thomas@alforis.test", "Alforis", "sales").await;
    let board = owner.board().await;
    let pipeline = board["pipeline_id"].as_str().unwrap().to_string();
    let bad = owner
        .call(
            "add_stage",
            &[
                ("pipeline_id", &pipeline),
                ("name", "Démo"),
                ("color", "rouge"),
                ("kind", "open"),
                ("probability", "40"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let added = owner
        .call(
            "add_stage",
            &[
                ("pipeline_id", &pipeline),
                ("name", "Démo"),
                ("color", "#0EA5E9"),
                ("kind", "open"),
                ("probability", "40"),
            ],
        )
        .await
        .ok();
    let settings = owner.call("fetch_pipeline_settings", &[]).await.ok();
    let names: Vec<&str> = settings["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Prospect",
            "Qualification",
            "Proposition",
            "Négociation",
            "Démo",
            "Signé",
            "Perdu"
        ]
    );
    let demo = added["id"].as_str().unwrap().to_string();
    owner
        .call("reorder_stage", &[("stage_id", &demo), ("offset", "-1")])
        .await
        .ok();
    let refused = owner
        .call(
            "reorder_stage",
            &[("stage_id", &stage_id(&board, "Signé")), ("offset", "-1")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::CONFLICT,
        "closed stages stay after open ones"
    );
    owner
        .call(
            "update_stage",
            &[
                ("stage_id", &demo),
                ("name", "Démonstration"),
                ("color", "#0ea5e9"),
                ("probability", "45"),
                ("is_quote_stage", "on"),
            ],
        )
        .await
        .ok();
    let settings = owner.call("fetch_pipeline_settings", &[]).await.ok();
    let quote: Vec<&str> = settings["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["is_quote_stage"] == true)
        .map(|s| s["stage"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(quote, ["Démonstration"], "one quote stage per pipeline");

    let id = owner.create_lead("Groupe Hexalog", "Audit", "48 000").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    move_to(&owner, &id, &demo, None, None).await.ok();
    let needs_target = owner.call("remove_stage", &[("stage_id", &demo)]).await;
    assert_eq!(needs_target.status, StatusCode::UNPROCESSABLE_ENTITY);
    owner
        .call(
            "remove_stage",
            &[("stage_id", &demo), ("move_to", &stage_id(&board, "Proposition"))],
        )
        .await
        .ok();
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Proposition"), vec![id]);
    let last_won = owner
        .call("remove_stage", &[("stage_id", &stage_id(&board, "Signé"))])
        .await;
    assert_eq!(last_won.status, StatusCode::CONFLICT);

    let member = app.invite_and_join(&owner, "hugo@alforis.test", "member", "Hugo").await;
    let forbidden = member
        .call(
            "add_stage",
            &[
                ("pipeline_id", &pipeline),
                ("name", "X"),
                ("color", "#000000"),
                ("kind", "open"),
                ("probability", "1"),
            ],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn member_scores_reflect_reactivity_and_conversion() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let page = owner.call("list_members", &[]).await.ok();
    let me = page["members"][0]["id"].as_str().unwrap().to_string();
    let empty = owner.call("fetch_member_profile", &[("member_id", &me)]).await.ok();
    assert!(empty["score"].is_null(), "no deals yet");
    let won = owner.create_lead("Client Gagné", "Plomberie", "1000").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    owner.create_lead("Client Ouvert", "Plomberie", "500").await;
    let board = owner.board().await;
    move_to(&owner, &won, &stage_id(&board, "Gagné"), None, None).await.ok();
    let profile = owner.call("fetch_member_profile", &[("member_id", &me)]).await.ok();
    let score = &profile["score"];
    assert_eq!(score["assigned"], 2);
    assert_eq!(score["conversion_rate"], 0.5);
    assert_eq!(score["conversion"], 50);
    assert!(score["median_hours_to_contact"].as_f64().unwrap() < 1.0);
    assert_eq!(profile["open_deals"], 1);
    app.stop().await;
}

#[tokio::test]
async fn accounting_reads_the_board_but_does_not_move_cards() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let id = owner.create_lead("Mme Léa Garnier", "Chauffage", "4 200").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let claire = app
        .invite_and_join(&owner, "claire@compta.test", "accounting", "Claire Moreau")
        .await;
    let board = claire.board().await;
    assert_eq!(board["can_work"], false);
    assert_eq!(
        move_to(&claire, &id, &stage_id(&board, "En contact"), None, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(claire.create_lead_reply().await.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn a_stage_of_another_workspace_is_not_found() {
    let app = spawn_app().await;
    let a = app.owner("a@tenant-a.test", "Tenant A", "artisan").await;
    let b = app.owner("b@tenant-b.test", "Tenant B", "artisan").await;
    let deal = a.create_lead("Client A", "Plomberie", "100").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let foreign_stage = stage_id(&b.board().await, "En contact");
    assert_eq!(
        move_to(&a, &deal, &foreign_stage, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn other_peoples_moves_arrive_as_server_sent_events() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let colleague = app
        .invite_and_join(&owner, "karim@martin.test", "member", "Karim Benali")
        .await;
    let stranger = app.owner("x@other.test", "Other", "artisan").await;
    let id = owner.create_lead("Mme Claire Dubois", "Plomberie", "250").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut stream = colleague
        .client
        .get(format!("{}/app/live", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let mut other = stranger
        .client
        .get(format!("{}/app/live", app.base))
        .send()
        .await
        .unwrap();
    let board = owner.board().await;
    move_to(&owner, &id, &stage_id(&board, "En contact"), None, None)
        .await
        .ok();
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !received.contains(&id) && tokio::time::Instant::now() < deadline {
        if let Ok(Ok(Some(chunk))) = tokio::time::timeout(std::time::Duration::from_millis(500), stream.chunk()).await {
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    assert!(received.contains("event: board"), "{received}");
    assert!(received.contains(&id));
    let leaked = tokio::time::timeout(std::time::Duration::from_millis(300), other.chunk()).await;
    let leaked = leaked
        .ok()
        .and_then(|c| c.ok())
        .flatten()
        .map(|c| String::from_utf8_lossy(&c).to_string())
        .unwrap_or_default();
    assert!(!leaked.contains(&id), "another workspace received the change");
    assert_eq!(
        app.browser().get("/app/live").await.status,
        StatusCode::SEE_OTHER,
        "signed-out visitors get nothing"
    );
    app.stop().await;
}

#[tokio::test]
async fn long_columns_show_their_first_cards_and_load_the_rest_on_demand() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let total = app::pipeline::board::OPEN_COLUMN_CARDS + 7;
    for i in 0..total {
        owner.create_lead(&format!("Client {i:03}"), "Plomberie", "1 000").await;
    }
    let board = owner.board().await;
    let nouveau = column(&board, "Nouveau");
    assert_eq!(nouveau["count"], total as u64, "the count covers every card");
    assert_eq!(nouveau["total_cents"], total as i64 * 100_000);
    assert_eq!(nouveau["hidden"], 7);
    let shown = card_ids(&board, "Nouveau");
    assert_eq!(shown.len(), app::pipeline::board::OPEN_COLUMN_CARDS);

    let stage = stage_id(&board, "Nouveau");
    let offset = shown.len().to_string();
    let more = owner
        .call("fetch_more_cards", &[("stage_id", &stage), ("offset", &offset)])
        .await
        .ok();
    let rest: Vec<String> = more
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rest.len(), 7);
    assert!(rest.iter().all(|id| !shown.contains(id)));

    // Dropped under the last card shown, a card lands right there, above the
    // cards the browser had not loaded (not at the very end of the column).
    let moving = rest[6].clone();
    let en_contact = stage_id(&board, "En contact");
    move_to(&owner, &moving, &en_contact, None, None).await.ok();
    let last_shown = shown.last().unwrap().clone();
    move_to(&owner, &moving, &stage, Some(&last_shown), None).await.ok();
    let more = owner
        .call("fetch_more_cards", &[("stage_id", &stage), ("offset", &offset)])
        .await
        .ok();
    assert_eq!(more[0]["id"], moving.as_str());
    app.stop().await;
}
