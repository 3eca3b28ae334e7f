//! Leads, deals and the board: moves, positions, the deal rules through
//! their one entry point, filters, notes, stage settings, member scores,
//! live updates. Server functions are called typed (their generated
//! structs, the shared data objects back).

use crate::support::{Browser, TestApp, board_query, new_lead, spawn_app};
use app::AppError;
use app::domain::deal_rules::Trigger;
use app::domain::paging::Bounded;
use app::domain::scores::Temperature;
use app::domain::{DealId, MemberId, PipelineId, StageId, TradePack, WorkspaceId};
use app::infra::Write;
use app::infra::entity::{deal, event, job, member};
use app::pipeline::api::{
    AddNote, AddStage, CreateLead, FetchBoard, FetchDeal, FetchMemberProfile, FetchMoreCards, FetchPipelineSettings,
    MarkContacted, MoveDeal, RemoveStage, ReorderStage, UpdateStage,
};
use app::pipeline::rules::{self, Placement, RuleContext};
use app::pipeline::{Board, BoardChange, DealCard, StageColumn};
use app::workspace::api::ListMembers;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

fn column<'a>(board: &'a Board, name: &str) -> &'a StageColumn {
    board
        .columns
        .iter()
        .find(|c| c.stage.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

pub(crate) fn stage_id(board: &Board, name: &str) -> StageId {
    column(board, name).stage.id
}

fn card_ids(board: &Board, name: &str) -> Vec<DealId> {
    column(board, name).cards.iter().map(|c| c.id).collect()
}

pub(crate) async fn move_to(
    browser: &Browser,
    deal: DealId,
    stage: StageId,
    before: Option<DealId>,
    after: Option<DealId>,
) -> Result<BoardChange, AppError> {
    browser
        .run(MoveDeal {
            deal_id: deal,
            stage_id: stage,
            before_id: before,
            after_id: after,
            lost_reason: None,
        })
        .await
}

fn stage_form(stage_id: StageId, name: &str, color: &str, probability: i32) -> UpdateStage {
    UpdateStage {
        stage_id,
        name: name.into(),
        color: color.into(),
        probability,
        is_quote_stage: None,
        setter_status: None,
    }
}

fn new_stage(pipeline_id: PipelineId, name: &str, color: &str) -> AddStage {
    AddStage {
        pipeline_id,
        name: name.into(),
        color: color.into(),
        kind: "open".into(),
        probability: 40,
    }
}

fn more_cards(stage_id: StageId, offset: usize) -> FetchMoreCards {
    FetchMoreCards {
        stage_id,
        offset: Bounded::new(offset as u64).unwrap(),
        owner: None,
        trade: None,
        min_score: None,
        max_score: None,
        q: None,
        sort: None,
    }
}

#[tokio::test]
async fn a_new_lead_lands_on_top_of_the_first_column_with_its_score() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let board = owner.board().await;
    let names: Vec<&str> = board.columns.iter().map(|c| c.stage.name.as_str()).collect();
    assert_eq!(names, ["Nouveau", "En contact", "Devis", "Gagné", "Perdu"]);
    assert!(board.trades.iter().any(|t| t == "Plomberie"));

    let first = owner.create_lead("Mme Claire Dubois", "Plomberie", "250").await;
    let second = owner.create_lead("M. Karim Haddad", "Chauffage", "1 800,50").await;
    assert_eq!(second.value_cents, 180_050, "the value defaults to the budget");
    assert!(second.score >= 70, "fresh, with phone, city and budget: hot");
    assert_eq!(second.temperature, Temperature::Hot);
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Nouveau"), vec![second.id, first.id]);
    let nouveau = column(&board, "Nouveau");
    assert_eq!(nouveau.count, 2);
    assert_eq!(nouveau.total_cents, 25_000 + 180_050);
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
    let error = owner
        .run(CreateLead {
            contact_name: " ".into(),
            postcode: Some("6900".into()),
            trade: String::new(),
            budget: Some("douze".into()),
            source: "phone".into(),
            ..new_lead()
        })
        .await
        .expect_err("refused");
    assert!(matches!(error, AppError::Validation(_)), "{error:?}");
    for field in ["contact_name", "phone", "postcode", "trade", "budget"] {
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    assert!(owner.board().await.columns[0].cards.is_empty(), "nothing saved");
    app.stop().await;
}

#[tokio::test]
async fn moves_persist_with_their_position_first_contact_and_events() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let a = owner.create_lead("A Dupont", "Plomberie", "100").await.id;
    let b = owner.create_lead("B Durand", "Plomberie", "200").await.id;
    let c = owner.create_lead("C Martin", "Plomberie", "300").await.id;
    let board = owner.board().await;
    let contact = stage_id(&board, "En contact");
    // Nouveau: C, B, A. Move A to "En contact", then C into "En contact" after A, then B between them.
    let change = move_to(&owner, a, contact, None, None).await.unwrap();
    assert_eq!(change.cards[0].stage_id, contact);
    move_to(&owner, c, contact, Some(a), None).await.unwrap();
    move_to(&owner, b, contact, Some(a), Some(c)).await.unwrap();
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "En contact"), vec![a, b, c]);
    assert!(card_ids(&board, "Nouveau").is_empty());
    // Reorder inside a column: only that card's position changes.
    move_to(&owner, c, contact, None, Some(a)).await.unwrap();
    assert_eq!(card_ids(&owner.board().await, "En contact"), vec![c, a, b]);

    let db = &app.state.db;
    let row = deal::Entity::find_by_id(a.0).one(db).await.unwrap().unwrap();
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
    let id = owner.create_lead("Mme Sophie Lambert", "Plomberie", "300").await.id;
    let board = owner.board().await;
    let lost = stage_id(&board, "Perdu");
    let refused = move_to(&owner, id, lost, None, None).await.expect_err("no reason");
    assert!(refused.field_message("lost_reason").is_some(), "{refused:?}");
    let change = owner
        .run(MoveDeal {
            deal_id: id,
            stage_id: lost,
            before_id: None,
            after_id: None,
            lost_reason: Some("Prix trop élevé".into()),
        })
        .await
        .unwrap();
    assert_eq!(change.cards[0].lost_reason.as_deref(), Some("Prix trop élevé"));
    let row = deal::Entity::find_by_id(id.0)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.closed_at.is_some());
    // Back to an open stage: reopened.
    move_to(&owner, id, stage_id(&board, "En contact"), None, None)
        .await
        .unwrap();
    let row = deal::Entity::find_by_id(row.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.closed_at.is_none() && row.lost_reason.is_none());
    app.stop().await;
}

/// A lead sent to two members: returns (workspace, first deal, second deal).
async fn lead_for_two(app: &TestApp, owner: &Browser) -> (Uuid, DealId, DealId) {
    let karim = app
        .invite_and_join(owner, "karim@martin.test", "member", "Karim Benali")
        .await;
    let _ = karim;
    let first = owner.create_lead("Famille Rousseau", "Plomberie", "9 500").await.id;
    let row = deal::Entity::find_by_id(first.0)
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
    (row.workspace_id, first, DealId(second.id))
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
    rules::apply(&w, &ctx, first, Trigger::QuoteSent, Placement::Auto)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let board = owner.board().await;
    assert!(card_ids(&board, "Devis").contains(&first), "sent quote → Devis");
    let row = deal::Entity::find_by_id(first.0).one(db).await.unwrap().unwrap();
    assert!(row.quote_sent_at.is_some() && row.first_contact_at.is_some());

    let w = envelope().await.unwrap();
    let change = rules::apply(&w, &ctx, first, Trigger::QuoteAccepted, Placement::Auto)
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert!(change.job_opened);
    assert_eq!(change.cards.len(), 2);
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Gagné"), vec![first]);
    assert_eq!(card_ids(&board, "Perdu"), vec![second]);
    let lost = deal::Entity::find_by_id(second.0).one(db).await.unwrap().unwrap();
    assert_eq!(lost.lost_reason.as_deref(), Some("Attribué à un autre artisan"));
    let jobs = job::Entity::find().all(db).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].deal_id, first.0);
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
    let change = move_to(&owner, first, stage_id(&board, "Gagné"), None, None)
        .await
        .unwrap();
    assert!(change.job_opened);
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Perdu"), vec![second]);
    assert_eq!(
        column(&board, "Perdu").cards[0].lost_reason.as_deref(),
        Some("Attribué à un autre artisan")
    );
    assert_eq!(job::Entity::find().all(&app.state.db).await.unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn mark_contacted_moves_a_new_deal_once() {
    let app = spawn_app().await;
    let owner = app.owner("lea@coaching.test", "Léa Coaching", "coach").await;
    let id = owner.create_lead("Manon Leroy", "Perte de poids", "390").await.id;
    owner.run(MarkContacted { deal_id: id }).await.unwrap();
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Engagé"), vec![id]);
    owner.run(MarkContacted { deal_id: id }).await.unwrap();
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
    let bare: DealCard = owner
        .run(CreateLead {
            contact_name: "Paul Mercier".into(),
            email: Some("paul@exemple.fr".into()),
            trade: "Plomberie".into(),
            source: "form".into(),
            ..new_lead()
        })
        .await
        .unwrap();
    let nouveau = |b: &Board| {
        column(b, "Nouveau")
            .cards
            .iter()
            .map(|c| c.contact_name.clone())
            .collect::<Vec<_>>()
    };
    let by_trade = owner
        .run(FetchBoard {
            trade: Some("Chauffage".into()),
            ..board_query()
        })
        .await
        .unwrap();
    assert_eq!(nouveau(&by_trade), vec!["Karim Haddad"]);
    let by_text = owner
        .run(FetchBoard {
            q: Some("DUBOIS".into()),
            ..board_query()
        })
        .await
        .unwrap();
    assert_eq!(nouveau(&by_text), vec!["Claire Dubois"]);
    let by_score = owner
        .run(FetchBoard {
            max_score: Some(bare.score),
            ..board_query()
        })
        .await
        .unwrap();
    assert_eq!(nouveau(&by_score), vec!["Paul Mercier"]);
    let sorted = owner
        .run(FetchBoard {
            sort: Some("score".into()),
            ..board_query()
        })
        .await
        .unwrap();
    let scores: Vec<u8> = column(&sorted, "Nouveau").cards.iter().map(|c| c.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let nobody = owner
        .run(FetchBoard {
            owner: Some(MemberId::new()),
            ..board_query()
        })
        .await
        .unwrap();
    assert!(nouveau(&nobody).is_empty());
    app.stop().await;
}

#[tokio::test]
async fn the_drawer_shows_notes_history_and_timeline() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let id = owner.create_lead("Mme Inès Moreau", "Chauffage", "650").await.id;
    let empty = owner
        .run(AddNote {
            deal_id: id,
            body: "  ".into(),
        })
        .await
        .expect_err("an empty note is refused");
    assert!(matches!(empty, AppError::Validation(_)), "{empty:?}");
    owner
        .run(AddNote {
            deal_id: id,
            body: "Rappeler après 18 h, digicode 4521.".into(),
        })
        .await
        .unwrap();
    let board = owner.board().await;
    move_to(&owner, id, stage_id(&board, "En contact"), None, None)
        .await
        .unwrap();
    let detail = owner.run(FetchDeal { deal_id: id }).await.unwrap();
    assert_eq!(detail.phone.as_deref(), Some("06 12 34 56 78"));
    assert_eq!(detail.stage_name, "En contact");
    assert_eq!(detail.notes[0].body, "Rappeler après 18 h, digicode 4521.");
    assert_eq!(detail.stage_history[0].from, "Nouveau");
    assert_eq!(detail.stage_history[0].to, "En contact");
    assert!(detail.first_contact_at.is_some());
    let actions: Vec<&str> = detail.timeline.iter().map(|e| e.action_id.as_str()).collect();
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
    let pipeline = board.pipeline_id;
    let bad = owner
        .run(new_stage(pipeline, "Démo", "rouge"))
        .await
        .expect_err("not a colour");
    assert!(matches!(bad, AppError::Validation(_)), "{bad:?}");
    let added = owner.run(new_stage(pipeline, "Démo", "#0EA5E9")).await.unwrap();
    let settings = owner.run(FetchPipelineSettings { pipeline: None }).await.unwrap();
    let names: Vec<&str> = settings.stages.iter().map(|s| s.stage.name.as_str()).collect();
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
    let demo = added.id;
    owner
        .run(ReorderStage {
            stage_id: demo,
            offset: -1,
        })
        .await
        .unwrap();
    let refused = owner
        .run(ReorderStage {
            stage_id: stage_id(&board, "Signé"),
            offset: -1,
        })
        .await
        .expect_err("closed stages stay after open ones");
    assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");
    owner
        .run(UpdateStage {
            is_quote_stage: Some("on".into()),
            ..stage_form(demo, "Démonstration", "#0ea5e9", 45)
        })
        .await
        .unwrap();
    let settings = owner.run(FetchPipelineSettings { pipeline: None }).await.unwrap();
    let quote: Vec<&str> = settings
        .stages
        .iter()
        .filter(|s| s.is_quote_stage)
        .map(|s| s.stage.name.as_str())
        .collect();
    assert_eq!(quote, ["Démonstration"], "one quote stage per pipeline");

    let id = owner.create_lead("Groupe Hexalog", "Audit", "48 000").await.id;
    move_to(&owner, id, demo, None, None).await.unwrap();
    let needs_target = owner
        .run(RemoveStage {
            stage_id: demo,
            move_to: None,
        })
        .await
        .expect_err("its cards need a place");
    assert!(matches!(needs_target, AppError::Validation(_)), "{needs_target:?}");
    owner
        .run(RemoveStage {
            stage_id: demo,
            move_to: Some(stage_id(&board, "Proposition")),
        })
        .await
        .unwrap();
    let board = owner.board().await;
    assert_eq!(card_ids(&board, "Proposition"), vec![id]);
    let last_won = owner
        .run(RemoveStage {
            stage_id: stage_id(&board, "Signé"),
            move_to: None,
        })
        .await
        .expect_err("the last won stage stays");
    assert!(matches!(last_won, AppError::Conflict(_)), "{last_won:?}");

    let member = app.invite_and_join(&owner, "hugo@alforis.test", "member", "Hugo").await;
    let forbidden = member
        .run(new_stage(pipeline, "X", "#000000"))
        .await
        .expect_err("members do not configure stages");
    assert!(matches!(forbidden, AppError::Forbidden), "{forbidden:?}");
    app.stop().await;
}

#[tokio::test]
async fn member_scores_reflect_reactivity_and_conversion() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let me = owner.run(ListMembers {}).await.unwrap().members[0].id;
    let empty = owner.run(FetchMemberProfile { member_id: me }).await.unwrap();
    assert!(empty.score.is_none(), "no deals yet");
    let won = owner.create_lead("Client Gagné", "Plomberie", "1000").await.id;
    owner.create_lead("Client Ouvert", "Plomberie", "500").await;
    let board = owner.board().await;
    move_to(&owner, won, stage_id(&board, "Gagné"), None, None)
        .await
        .unwrap();
    let profile = owner.run(FetchMemberProfile { member_id: me }).await.unwrap();
    let score = profile.score.expect("a score once deals exist");
    assert_eq!(score.assigned, 2);
    assert_eq!(score.conversion_rate, Some(0.5));
    assert_eq!(score.conversion, 50);
    assert!(score.median_hours_to_contact.unwrap() < 1.0);
    assert_eq!(profile.open_deals, 1);
    app.stop().await;
}

#[tokio::test]
async fn accounting_reads_the_board_but_does_not_move_cards() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let id = owner.create_lead("Mme Léa Garnier", "Chauffage", "4 200").await.id;
    let claire = app
        .invite_and_join(&owner, "claire@compta.test", "accounting", "Claire Moreau")
        .await;
    let board = claire.board().await;
    assert!(!board.can_work);
    let moved = move_to(&claire, id, stage_id(&board, "En contact"), None, None).await;
    assert!(matches!(moved, Err(AppError::Forbidden)), "{moved:?}");
    let created = claire.try_create_lead().await;
    assert!(matches!(created, Err(AppError::Forbidden)), "{created:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_stage_of_another_workspace_is_not_found() {
    let app = spawn_app().await;
    let a = app.owner("a@tenant-a.test", "Tenant A", "artisan").await;
    let b = app.owner("b@tenant-b.test", "Tenant B", "artisan").await;
    let deal = a.create_lead("Client A", "Plomberie", "100").await.id;
    let foreign_stage = stage_id(&b.board().await, "En contact");
    let moved = move_to(&a, deal, foreign_stage, None, None).await;
    assert!(matches!(moved, Err(AppError::NotFound)), "{moved:?}");
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
    let id = owner
        .create_lead("Mme Claire Dubois", "Plomberie", "250")
        .await
        .id
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
    move_to(&owner, id.parse().unwrap(), stage_id(&board, "En contact"), None, None)
        .await
        .unwrap();
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
    assert_eq!(nouveau.count, total as u64, "the count covers every card");
    assert_eq!(nouveau.total_cents, total as i64 * 100_000);
    assert_eq!(nouveau.hidden, 7);
    let shown = card_ids(&board, "Nouveau");
    assert_eq!(shown.len(), app::pipeline::board::OPEN_COLUMN_CARDS);

    let stage = stage_id(&board, "Nouveau");
    let more = owner.run(more_cards(stage, shown.len())).await.unwrap();
    let rest: Vec<DealId> = more.iter().map(|c| c.id).collect();
    assert_eq!(rest.len(), 7);
    assert!(rest.iter().all(|id| !shown.contains(id)));

    // Dropped under the last card shown, a card lands right there, above the
    // cards the browser had not loaded (not at the very end of the column).
    let moving = rest[6];
    let en_contact = stage_id(&board, "En contact");
    move_to(&owner, moving, en_contact, None, None).await.unwrap();
    let last_shown = *shown.last().unwrap();
    move_to(&owner, moving, stage, Some(last_shown), None).await.unwrap();
    let more = owner.run(more_cards(stage, shown.len())).await.unwrap();
    assert_eq!(more[0].id, moving);
    app.stop().await;
}
