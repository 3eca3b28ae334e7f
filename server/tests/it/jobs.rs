//! Jobs in the field: a won deal opens a job with its pack's steps, planned
//! for the day; steps are validated once (replays and second devices change
//! nothing), in the imposed order, not on a closed job; statuses move by
//! the rules; the list filters by period, person and text.

use crate::pipeline::move_to;
use crate::support::{Browser, Options, TestApp, spawn_app, spawn_app_with};
use app::AppError;
use app::domain::checks::{CheckItem, CheckValue, NonConformityKind};
use app::domain::jobs::StepTemplate;
use app::domain::jobs::{JobStatus, Period};
use app::domain::{CaptureId, JobId, Role};
use app::infra::entity::{domain_event, event, field_capture, job, job_photo, job_step};
use app::jobs::api::{
    AddJobPhoto, AnswerJobCheck, DeclareJobNonconformity, FetchJob, FetchJobs, FetchStepTemplates, MoveJob, PlanJob,
    SaveStepTemplates, ShareJobPhoto, ValidateJobStep,
};
use app::jobs::{
    CaptureOutcome, CheckAnswer, JobDetail, JobFilter, NonConformityCapture, PhotoCapture, PhotoTag, StepValidation,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// An owner of `pack` with one won deal, and its job.
async fn won_job(app: &TestApp, pack: &str) -> (Browser, JobDetail) {
    let owner = app.owner(&format!("owner@{pack}.test"), "Atelier Test", pack).await;
    let card = owner.create_lead("Mme Martin", "Plomberie", "2400").await;
    let board = owner.board().await;
    let won = board
        .columns
        .iter()
        .find(|c| c.stage.kind == app::domain::StageKind::Won)
        .expect("a won column")
        .stage
        .id;
    let change = move_to(&owner, card.id, won, None, None).await.unwrap();
    assert!(change.job_opened);
    let list = owner.run_json(FetchJobs { filter: all() }).await.unwrap();
    assert_eq!(list.total, 1);
    let job = owner.run(FetchJob { id: list.rows[0].id }).await.unwrap();
    (owner, job)
}

fn all() -> JobFilter {
    JobFilter {
        period: Period::All,
        ..JobFilter::default()
    }
}

fn validation(job: &JobDetail, index: usize) -> StepValidation {
    StepValidation {
        capture: CaptureId::new(),
        job: job.id,
        step: job.steps[index].id,
        captured_at: None,
    }
}

/// Answers every checklist item of a step within its bounds.
async fn answer_all(owner: &Browser, job: &JobDetail, step: usize) {
    for c in &job.steps[step].checks {
        let value = match c.item.kind {
            app::domain::checks::CheckKind::PassFail => CheckValue::Pass(true),
            app::domain::checks::CheckKind::Number => CheckValue::Number(c.item.min.or(c.item.max).unwrap_or(1.0)),
            app::domain::checks::CheckKind::Text => CheckValue::Text("RAS".into()),
        };
        let answer = CheckAnswer {
            capture: CaptureId::new(),
            job: job.id,
            check: c.id,
            value,
            captured_at: None,
        };
        let r = owner.run_json(AnswerJobCheck { answer }).await.unwrap();
        assert_eq!(r.outcome, CaptureOutcome::Applied, "{}", r.message);
    }
}

async fn count_actions(app: &TestApp, action: &str) -> u64 {
    event::Entity::find()
        .filter(event::Column::Action.eq(action))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_won_deal_opens_a_job_with_its_packs_steps_planned_today() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    assert_eq!(job.status, JobStatus::Planned);
    let names: Vec<&str> = job.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Préparation du chantier",
            "Travaux",
            "Nettoyage",
            "Réception avec le client"
        ]
    );
    assert!(job.steps.iter().all(|s| !s.done() && !s.after_previous));
    assert_eq!(job.moves, vec![JobStatus::InProgress, JobStatus::Cancelled]);
    assert_eq!(job.assignees.len(), 1, "the deal's owner");
    assert_eq!(job.client.name, "Mme Martin");
    assert!(job.planned_start.is_some());
    assert!(
        job.timeline.iter().any(|t| t.what == "Chantier ouvert"),
        "{:?}",
        job.timeline
    );
    assert!(job.can_work);
    for filter in [
        JobFilter::default(),
        JobFilter {
            mine: true,
            ..JobFilter::default()
        },
        JobFilter {
            period: Period::Week,
            search: "martin".into(),
            ..JobFilter::default()
        },
    ] {
        let list = owner.run_json(FetchJobs { filter: filter.clone() }).await.unwrap();
        assert_eq!(list.total, 1, "{filter:?}");
        assert_eq!((list.rows[0].steps_done, list.rows[0].steps_total), (0, 4));
    }
    let none = owner
        .run_json(FetchJobs {
            filter: JobFilter {
                search: "dupont_%".into(),
                ..all()
            },
        })
        .await
        .unwrap();
    assert_eq!(none.total, 0);
    // Planned later: out of today, in « all ».
    job::Entity::update_many()
        .col_expr(
            job::Column::PlannedStart,
            sea_orm::sea_query::Expr::value(chrono::NaiveDate::from_ymd_opt(2099, 1, 5)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        owner
            .run_json(FetchJobs {
                filter: JobFilter::default()
            })
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(owner.run_json(FetchJobs { filter: all() }).await.unwrap().total, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_step_is_validated_once_whatever_is_replayed() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    let first = validation(&job, 1);
    let applied = owner
        .run_json(ValidateJobStep {
            validation: first.clone(),
        })
        .await
        .unwrap();
    assert_eq!(applied.outcome, CaptureOutcome::Applied);
    assert!(applied.step.done() && applied.step.validated_by.is_some());
    // The same capture again (a retry after a lost answer): same answer, nothing new.
    for _ in 0..3 {
        let replay = owner
            .run_json(ValidateJobStep {
                validation: first.clone(),
            })
            .await
            .unwrap();
        assert_eq!(replay, applied);
    }
    assert_eq!(field_capture::Entity::find().count(&app.state.db).await.unwrap(), 1);
    assert_eq!(count_actions(&app, "job.step_validated").await, 1);
    let events = domain_event::Entity::find()
        .filter(domain_event::Column::Kind.eq("job_step_validated"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events, 1);
    // A validated step starts the job.
    let now = owner.run(FetchJob { id: job.id }).await.unwrap();
    assert_eq!(now.status, JobStatus::InProgress);
    assert!(now.started_at.is_some());
    // Another device validated it too, later: kept as superseded, the first stands.
    let second = owner
        .run_json(ValidateJobStep {
            validation: validation(&job, 1),
        })
        .await
        .unwrap();
    assert_eq!(second.outcome, CaptureOutcome::Superseded);
    assert!(second.message.starts_with("Déjà validée par"), "{}", second.message);
    assert_eq!(second.step, applied.step);
    assert_eq!(count_actions(&app, "job.step_superseded").await, 1);
    // One capture id cannot stand for another step.
    let reused = StepValidation {
        step: job.steps[2].id,
        ..first
    };
    let error = owner
        .run_json(ValidateJobStep { validation: reused })
        .await
        .unwrap_err();
    assert!(error.field_message("capture").is_some(), "{error:?}");
    let step = job_step::Entity::find_by_id(job.steps[2].id.0)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(step.validated_at.is_none());
    app.stop().await;
}

#[tokio::test]
async fn two_devices_at_once_one_validation_wins() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    let sends = (0..8).map(|_| {
        let owner = owner.clone();
        let v = validation(&job, 0);
        async move { owner.run_json(ValidateJobStep { validation: v }).await }
    });
    let outcomes: Vec<CaptureOutcome> = futures::future::join_all(sends)
        .await
        .into_iter()
        .map(|r| r.expect("no error").outcome)
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == CaptureOutcome::Applied).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(outcomes.iter().filter(|o| **o == CaptureOutcome::Superseded).count(), 7);
    assert_eq!(count_actions(&app, "job.step_validated").await, 1);
    assert_eq!(count_actions(&app, "job.status_changed").await, 1, "started once");
    app.stop().await;
}

#[tokio::test]
async fn every_step_of_a_planned_job_validated_at_once_is_kept_and_starts_it_once() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    for step in 0..job.steps.len() {
        answer_all(&owner, &job, step).await;
    }
    let sends = (0..job.steps.len()).map(|i| {
        let owner = owner.clone();
        let v = validation(&job, i);
        async move { owner.run_json(ValidateJobStep { validation: v }).await }
    });
    for result in futures::future::join_all(sends).await {
        assert_eq!(
            result.expect("no conflict on the start").outcome,
            CaptureOutcome::Applied
        );
    }
    assert_eq!(count_actions(&app, "job.step_validated").await, 4);
    assert_eq!(count_actions(&app, "job.status_changed").await, 1, "started once");
    let job = owner.run(FetchJob { id: job.id }).await.unwrap();
    assert_eq!(job.status, JobStatus::InProgress);
    assert!(job.steps.iter().all(|s| s.done()));
    app.stop().await;
}

#[tokio::test]
async fn the_workshop_imposes_the_order_of_its_steps() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "workshop").await;
    assert_eq!(job.steps.len(), 8);
    assert_eq!(job.steps[2].name, "Sablage");
    let early = owner
        .run_json(ValidateJobStep {
            validation: validation(&job, 2),
        })
        .await
        .unwrap();
    assert_eq!(early.outcome, CaptureOutcome::Refused);
    assert!(early.message.contains("ordre imposé"), "{}", early.message);
    assert!(!early.step.done());
    answer_all(&owner, &job, 0).await;
    for i in 0..3 {
        let r = owner
            .run_json(ValidateJobStep {
                validation: validation(&job, i),
            })
            .await
            .unwrap();
        assert_eq!(r.outcome, CaptureOutcome::Applied, "step {i}");
    }
    app.stop().await;
}

#[tokio::test]
async fn statuses_move_by_the_rules_and_a_closed_job_takes_no_validation() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    let id: JobId = job.id;
    let error = owner
        .run(MoveJob {
            id,
            status: JobStatus::Done,
        })
        .await
        .unwrap_err();
    assert!(error.field_message("status").is_some(), "{error:?}");
    owner
        .run(MoveJob {
            id,
            status: JobStatus::InProgress,
        })
        .await
        .unwrap();
    owner
        .run(MoveJob {
            id,
            status: JobStatus::Paused,
        })
        .await
        .unwrap();
    owner
        .run(MoveJob {
            id,
            status: JobStatus::InProgress,
        })
        .await
        .unwrap();
    owner
        .run(MoveJob {
            id,
            status: JobStatus::Done,
        })
        .await
        .unwrap();
    let done = owner.run(FetchJob { id }).await.unwrap();
    assert_eq!(done.status, JobStatus::Done);
    assert!(done.finished_at.is_some());
    assert_eq!(done.moves, vec![JobStatus::InProgress]);
    let refused = owner
        .run_json(ValidateJobStep {
            validation: validation(&job, 0),
        })
        .await
        .unwrap();
    assert_eq!(refused.outcome, CaptureOutcome::Refused);
    assert!(refused.message.contains("terminé"), "{}", refused.message);
    owner
        .run(MoveJob {
            id,
            status: JobStatus::InProgress,
        })
        .await
        .unwrap();
    let reopened = owner.run(FetchJob { id }).await.unwrap();
    assert!(reopened.finished_at.is_none());
    assert_eq!(count_actions(&app, "job.status_changed").await, 5);
    app.stop().await;
}

#[tokio::test]
async fn accounting_reads_jobs_but_does_not_validate_them() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    let compta = app
        .invite_and_join(&owner, "compta@artisan.test", Role::Accounting.as_str(), "Compta")
        .await;
    let seen = compta.run(FetchJob { id: job.id }).await.unwrap();
    assert!(!seen.can_work && seen.moves.is_empty());
    let error = compta
        .run_json(ValidateJobStep {
            validation: validation(&job, 0),
        })
        .await
        .unwrap_err();
    assert_eq!(error, AppError::Forbidden);
    let error = compta
        .run(MoveJob {
            id: job.id,
            status: JobStatus::InProgress,
        })
        .await
        .unwrap_err();
    assert_eq!(error, AppError::Forbidden);
    app.stop().await;
}

#[tokio::test]
async fn planning_is_checked_and_names_only_the_workspaces_people() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d);
    let mut plan = job.plan.clone();
    plan.planned_start = day(10);
    plan.planned_end = day(8);
    let error = owner.run_json(PlanJob { planning: plan.clone() }).await.unwrap_err();
    assert!(error.field_message("planned_end").is_some(), "{error:?}");
    // Someone of another workspace: as if the job did not exist; nothing saved.
    let stranger = app.owner("other@elsewhere.test", "Ailleurs", "artisan").await;
    let them = stranger.run(app::workspace::api::ListMembers {}).await.unwrap().members[0].id;
    plan.planned_end = day(12);
    plan.assignees = vec![them];
    assert_eq!(
        owner.run_json(PlanJob { planning: plan.clone() }).await.unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(owner.run(FetchJob { id: job.id }).await.unwrap().plan, job.plan);
    plan.assignees = vec![];
    plan.priority = app::domain::jobs::Priority::Urgent;
    plan.promised_on = day(15);
    owner.run_json(PlanJob { planning: plan.clone() }).await.unwrap();
    let saved = owner.run(FetchJob { id: job.id }).await.unwrap();
    assert_eq!(saved.plan, plan);
    assert!(saved.assignees.is_empty());
    assert_eq!(saved.planned_start.as_deref(), Some("10/12/2026"));
    assert_eq!(count_actions(&app, "job.planned").await, 1);
    app.stop().await;
}

/// A photo as the page sends it: a `data:` URL.
pub(crate) fn data_url(bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn photo(job: &JobDetail, bytes: &[u8]) -> PhotoCapture {
    PhotoCapture {
        capture: CaptureId::new(),
        job: job.id,
        step: Some(job.steps[1].id),
        tag: PhotoTag::Before,
        file: data_url(bytes),
        captured_at: None,
    }
}

#[tokio::test]
async fn a_photo_is_stored_upright_small_without_metadata_and_once() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    let original = crate::marketplace::photo_with_gps(3000, 2000);
    let sent = photo(&job, &original);
    let view = owner.run_json(AddJobPhoto { photo: sent.clone() }).await.unwrap();
    assert_eq!((view.width, view.height), (1067, 1600), "turned upright, 1,600 px");
    assert_eq!(view.step.as_deref(), Some("Travaux"));
    assert!(!view.shareable);
    for _ in 0..2 {
        assert_eq!(
            owner.run_json(AddJobPhoto { photo: sent.clone() }).await.unwrap(),
            view,
            "a replay"
        );
    }
    assert_eq!(job_photo::Entity::find().count(&app.state.db).await.unwrap(), 1);
    assert_eq!(count_actions(&app, "job.photo_added").await, 1);
    let (status, bytes) = fetch(&owner, &view.url).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF left");
    assert!(bytes.len() < 400 << 10, "{} bytes", bytes.len());
    let (_, thumb) = fetch(&owner, &view.thumb_url).await;
    let small = image::load_from_memory(&thumb).unwrap();
    assert_eq!((small.width(), small.height()), (213, 320));
    let detail = owner.run(FetchJob { id: job.id }).await.unwrap();
    assert_eq!(detail.photos, vec![view.clone()]);
    assert!(detail.storage.used_bytes > 0);
    // Another workspace sees no such photo.
    let stranger = app.owner("other@elsewhere.test", "Ailleurs", "artisan").await;
    assert_eq!(fetch(&stranger, &view.url).await.0, reqwest::StatusCode::NOT_FOUND);
    assert_eq!(
        fetch(&stranger, &view.thumb_url).await.0,
        reqwest::StatusCode::NOT_FOUND
    );
    // Shown to the client, then hidden again.
    owner
        .run(ShareJobPhoto {
            id: view.id,
            shareable: true,
        })
        .await
        .unwrap();
    assert!(owner.run(FetchJob { id: job.id }).await.unwrap().photos[0].shareable);
    app.stop().await;
}

#[tokio::test]
async fn what_is_not_a_photo_or_does_not_fit_is_refused_and_nothing_is_stored() {
    let app = spawn_app_with(Options {
        photo_quota_bytes: Some(60 << 10),
        ..Options::default()
    })
    .await;
    let (owner, job) = won_job(&app, "artisan").await;
    let pdf = owner
        .run_json(AddJobPhoto {
            photo: photo(&job, b"%PDF-1.7 not a photo"),
        })
        .await
        .unwrap_err();
    assert_eq!(
        pdf.field_message("photo").as_deref(),
        Some("Ce fichier n'est pas une photo JPEG, PNG ou WebP.")
    );
    let heic = owner
        .run_json(AddJobPhoto {
            photo: photo(&job, b"\0\0\0\x18ftypheic\0\0\0\0rest"),
        })
        .await
        .unwrap_err();
    assert!(heic.field_message("photo").unwrap().contains("HEIC"));
    let broken = owner
        .run_json(AddJobPhoto {
            photo: photo(&job, &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 1, 2, 3]),
        })
        .await
        .unwrap_err();
    assert!(broken.field_message("photo").unwrap().contains("illisible"));
    // The first fits in 60 KB, the second does not: refused, the device keeps it.
    let small = crate::marketplace::photo_with_gps(400, 300);
    owner
        .run_json(AddJobPhoto {
            photo: photo(&job, &small),
        })
        .await
        .unwrap();
    let big = crate::marketplace::photo_with_gps(2400, 1800);
    let full = owner
        .run_json(AddJobPhoto {
            photo: photo(&job, &big),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&full, AppError::Quota(m) if m.contains("L'espace photos est plein")),
        "{full:?}"
    );
    assert_eq!(job_photo::Entity::find().count(&app.state.db).await.unwrap(), 1);
    let files = walk(&app.dir.join("files"));
    assert_eq!(files, 2, "one photo and its thumbnail, no orphan");
    // A step of another job is as unknown as another workspace's.
    let mut stray = photo(&job, &small);
    stray.step = Some(app::domain::JobStepId::new());
    assert_eq!(
        owner.run_json(AddJobPhoto { photo: stray }).await.unwrap_err(),
        AppError::NotFound
    );
    app.stop().await;
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 })
                .sum()
        })
        .unwrap_or(0)
}

/// A file's status and bytes.
async fn fetch(browser: &Browser, path: &str) -> (reqwest::StatusCode, Vec<u8>) {
    let reply = browser
        .client
        .get(format!("{}{path}", browser.base))
        .send()
        .await
        .unwrap();
    (reply.status(), reply.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_client_follows_the_job_of_the_quote_they_signed_and_sees_only_shared_photos() {
    use crate::support::quotes::{portal_token, ready_quote, signature_png, with_identity};
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let card = owner.create_lead("Claire Dubois", "Plomberie", "2 000").await;
    let quote = ready_quote(&owner, Some(&card.id.to_string()), "claire@example.fr").await;
    owner.call("send_quote", &[("id", &quote)]).await.ok();
    let mail = app.email_to("claire@example.fr").await;
    let token = portal_token(&mail);
    let client = app.browser();
    let before = client.call("fetch_portal_quote", &[("token", &token)]).await.ok();
    assert_eq!(before["jobs"], serde_json::json!([]), "no job before the signature");
    client
        .call(
            "sign_quote",
            &[
                ("token", &token),
                ("signer_name", "Claire Dubois"),
                ("signer_email", "claire@example.fr"),
                ("accepted", "true"),
                ("signature_png", &signature_png()),
            ],
        )
        .await
        .ok();
    let list = owner
        .run_json(FetchJobs {
            filter: JobFilter::default(),
        })
        .await
        .unwrap();
    assert_eq!(list.total, 1, "the signed quote's job is in today's list");
    let job = owner.run(FetchJob { id: list.rows[0].id }).await.unwrap();
    assert_eq!(job.quote.as_ref().map(|q| q.number.starts_with("D-")), Some(true));
    owner
        .run_json(ValidateJobStep {
            validation: validation(&job, 0),
        })
        .await
        .unwrap();
    let hidden = owner
        .run_json(AddJobPhoto {
            photo: photo(&job, &crate::marketplace::photo_with_gps(300, 200)),
        })
        .await
        .unwrap();
    let shown = owner
        .run_json(AddJobPhoto {
            photo: photo(&job, &crate::marketplace::photo_with_gps(200, 300)),
        })
        .await
        .unwrap();
    owner
        .run(ShareJobPhoto {
            id: shown.id,
            shareable: true,
        })
        .await
        .unwrap();
    let seen = client.call("fetch_portal_quote", &[("token", &token)]).await.ok();
    let jobs = seen["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["status"], "in_progress");
    assert!(jobs[0]["steps"][0][1].is_string(), "the first step has its day");
    assert!(jobs[0]["steps"][1][1].is_null());
    let photos = jobs[0]["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 1, "only the shared photo");
    let url = photos[0]["url"].as_str().unwrap();
    assert_eq!(fetch(&client, url).await.0, reqwest::StatusCode::OK);
    assert_eq!(fetch(&client, &format!("{url}/thumb")).await.0, reqwest::StatusCode::OK);
    let unshared = format!("/portal/{token}/photos/{}", hidden.id);
    assert_eq!(fetch(&client, &unshared).await.0, reqwest::StatusCode::NOT_FOUND);
    let wrong_token = url.replace(&token, &"x".repeat(token.len()));
    assert_eq!(fetch(&client, &wrong_token).await.0, reqwest::StatusCode::NOT_FOUND);
    // The report: the members' copy at any time, the client's once done.
    let early_report = format!("/portal/{token}/jobs/{}/report", job.id);
    assert_eq!(fetch(&client, &early_report).await.0, reqwest::StatusCode::NOT_FOUND);
    let (status, draft) = fetch(&owner, &format!("/app/jobs/{}/report", job.id)).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(draft.starts_with(b"%PDF"));
    let stranger = app.owner("curieux@ailleurs.test", "Ailleurs", "artisan").await;
    assert_eq!(
        fetch(&stranger, &format!("/app/jobs/{}/report", job.id)).await.0,
        reqwest::StatusCode::NOT_FOUND
    );
    // The job ends: the client is told, with a link to their space.
    owner
        .run(MoveJob {
            id: job.id,
            status: JobStatus::Done,
        })
        .await
        .unwrap();
    let done = app::infra::entity::email::Entity::find()
        .filter(app::infra::entity::email::Column::Kind.eq(app::outbox::EmailKind::JobDone))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].to_address, "claire@example.fr");
    assert!(done[0].subject.starts_with("Chantier terminé"), "{}", done[0].subject);
    let fresh = portal_token(&done[0].body_text);
    assert_ne!(fresh, token);
    let followed = client.call("fetch_portal_quote", &[("token", &fresh)]).await.ok();
    assert_eq!(followed["jobs"][0]["status"], "done");
    let report = followed["jobs"][0]["report_url"].as_str().expect("a report once done");
    let (status, pdf) = fetch(&client, report).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let (ok, check) = crate::quote_pdf::tool("qpdf", &["--check"], &pdf);
    assert!(ok, "{check}");
    let (_, text) = crate::quote_pdf::tool("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf);
    let text = crate::quote_pdf::squash(&text);
    for expected in [
        "Rapport de fin de chantier",
        "Plomberie Martin",
        "Claire Dubois",
        "Préparation du chantier",
        "Validée par",
        "Aucune non-conformité déclarée.",
        "Photos",
    ] {
        assert!(text.contains(expected), "{expected} missing in: {text}");
    }
    // Another client's link, or a job that is not theirs: not found.
    let not_theirs = report.replace(&job.id.to_string(), &uuid::Uuid::now_v7().to_string());
    assert_eq!(fetch(&client, &not_theirs).await.0, reqwest::StatusCode::NOT_FOUND);
    app.stop().await;
}

fn answer(job: &JobDetail, step: usize, check: usize, value: CheckValue) -> CheckAnswer {
    CheckAnswer {
        capture: CaptureId::new(),
        job: job.id,
        check: job.steps[step].checks[check].id,
        value,
        captured_at: None,
    }
}

async fn validated(owner: &Browser, job: &JobDetail, step: usize) -> CaptureOutcome {
    owner
        .run_json(ValidateJobStep {
            validation: validation(job, step),
        })
        .await
        .unwrap()
        .outcome
}

#[tokio::test]
async fn a_checklist_keeps_a_measure_out_of_bounds_with_a_warning_and_its_step_waits_for_it() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "workshop").await;
    let reception = &job.steps[0];
    assert_eq!(reception.checks.len(), 2);
    let refused = owner
        .run_json(ValidateJobStep {
            validation: validation(&job, 0),
        })
        .await
        .unwrap();
    assert_eq!(refused.outcome, CaptureOutcome::Refused);
    assert!(
        refused
            .message
            .contains("Pièces conformes au bon de commande, Nombre de pièces"),
        "{}",
        refused.message
    );
    // « Nombre de pièces » is strict: zero is refused, nothing is kept, and a
    // replay answers the same.
    let zero = answer(&job, 0, 1, CheckValue::Number(0.0));
    for _ in 0..2 {
        let r = owner.run_json(AnswerJobCheck { answer: zero.clone() }).await.unwrap();
        assert_eq!(r.outcome, CaptureOutcome::Refused);
        assert!(r.message.contains("hors des limites"), "{}", r.message);
        assert_eq!(r.check.answer, None);
    }
    for (i, value) in [CheckValue::Pass(true), CheckValue::Number(12.0)]
        .into_iter()
        .enumerate()
    {
        let r = owner
            .run_json(AnswerJobCheck {
                answer: answer(&job, 0, i, value),
            })
            .await
            .unwrap();
        assert_eq!((r.outcome, r.message.as_str()), (CaptureOutcome::Applied, ""));
    }
    let qc = job.steps.iter().position(|s| s.name == "Contrôle qualité").unwrap();
    let cuisson = job.steps.iter().position(|s| s.name == "Cuisson").unwrap();
    for step in 0..qc {
        if step == cuisson {
            for (i, n) in [180.0, 15.0].into_iter().enumerate() {
                let r = owner
                    .run_json(AnswerJobCheck {
                        answer: answer(&job, step, i, CheckValue::Number(n)),
                    })
                    .await
                    .unwrap();
                assert_eq!(r.outcome, CaptureOutcome::Applied);
            }
        }
        assert_eq!(
            validated(&owner, &job, step).await,
            CaptureOutcome::Applied,
            "step {step}"
        );
    }
    // The film is too thick: kept, with a warning; a replay changes nothing.
    let thick = answer(&job, qc, 0, CheckValue::Number(150.0));
    let first = owner.run_json(AnswerJobCheck { answer: thick.clone() }).await.unwrap();
    assert_eq!(first.outcome, CaptureOutcome::Applied);
    assert!(
        first.message.contains("150 µm") && first.message.contains("60 à 120 µm"),
        "{}",
        first.message
    );
    assert!(first.check.out_of_bounds);
    assert_eq!(first.check.state(), "warning");
    assert_eq!(owner.run_json(AnswerJobCheck { answer: thick }).await.unwrap(), first);
    // A measure taken an hour ago arrives now (an offline phone): the later one stands.
    let older = CheckAnswer {
        captured_at: Some(chrono::Utc::now() - chrono::TimeDelta::hours(1)),
        ..answer(&job, qc, 0, CheckValue::Number(90.0))
    };
    let late = owner.run_json(AnswerJobCheck { answer: older }).await.unwrap();
    assert_eq!(late.outcome, CaptureOutcome::Superseded, "{}", late.message);
    assert_eq!(late.check.answer, Some(CheckValue::Number(150.0)));
    let fixed = owner
        .run_json(AnswerJobCheck {
            answer: answer(&job, qc, 0, CheckValue::Number(95.0)),
        })
        .await
        .unwrap();
    assert_eq!(fixed.outcome, CaptureOutcome::Applied);
    assert!(!fixed.check.out_of_bounds);
    let empty = owner
        .run_json(AnswerJobCheck {
            answer: answer(&job, qc, 3, CheckValue::Text("  ".into())),
        })
        .await
        .unwrap();
    assert_eq!(empty.outcome, CaptureOutcome::Refused);
    let wrong_kind = owner
        .run_json(AnswerJobCheck {
            answer: answer(&job, qc, 1, CheckValue::Number(3.0)),
        })
        .await
        .unwrap();
    assert_eq!(wrong_kind.outcome, CaptureOutcome::Refused);
    // 2 + 2 (reception, cuisson) + 150, the superseded 90 (kept in the trail), 95.
    assert_eq!(count_actions(&app, "job.check_answered").await, 7);
    let detail = owner.run(FetchJob { id: job.id }).await.unwrap();
    assert_eq!(detail.steps[qc].checks[0].answer, Some(CheckValue::Number(95.0)));
    assert!(
        detail
            .timeline
            .iter()
            .any(|t| t.what == "Contrôle renseigné : Épaisseur du film = 150 µm"),
        "{:?}",
        detail.timeline
    );
    app.stop().await;
}

#[tokio::test]
async fn a_step_that_asks_for_a_photo_waits_for_one() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    job_step::Entity::update_many()
        .col_expr(job_step::Column::RequiresPhoto, sea_orm::sea_query::Expr::value(true))
        .filter(job_step::Column::Id.eq(job.steps[1].id.0))
        .exec(&app.state.db)
        .await
        .unwrap();
    let refused = owner
        .run_json(ValidateJobStep {
            validation: validation(&job, 1),
        })
        .await
        .unwrap();
    assert_eq!(refused.outcome, CaptureOutcome::Refused);
    assert!(refused.message.contains("photo"), "{}", refused.message);
    // A photo of another step does not count; one of this step does.
    let elsewhere = PhotoCapture {
        step: Some(job.steps[0].id),
        ..photo(&job, &crate::marketplace::photo_with_gps(40, 30))
    };
    owner.run_json(AddJobPhoto { photo: elsewhere }).await.unwrap();
    assert_eq!(validated(&owner, &job, 1).await, CaptureOutcome::Refused);
    owner
        .run_json(AddJobPhoto {
            photo: photo(&job, &crate::marketplace::photo_with_gps(40, 30)),
        })
        .await
        .unwrap();
    assert_eq!(validated(&owner, &job, 1).await, CaptureOutcome::Applied);
    let detail = owner.run(FetchJob { id: job.id }).await.unwrap();
    assert_eq!((detail.steps[0].photos, detail.steps[1].photos), (1, 1));
    app.stop().await;
}

#[tokio::test]
async fn a_nonconformity_is_counted_and_sends_the_job_back_to_an_earlier_step() {
    let app = spawn_app().await;
    let (owner, job) = won_job(&app, "artisan").await;
    for step in 0..3 {
        assert_eq!(validated(&owner, &job, step).await, CaptureOutcome::Applied);
    }
    let first_validation_of_travaux = owner.run(FetchJob { id: job.id }).await.unwrap().steps[1].clone();
    assert!(first_validation_of_travaux.done());
    let nc = NonConformityCapture {
        capture: CaptureId::new(),
        job: job.id,
        kind: NonConformityKind::Damage,
        step: Some(job.steps[2].id),
        comment: "Plinthe rayée pendant le nettoyage".into(),
        action: "Reprendre la peinture de la plinthe".into(),
        back_to: Some(job.steps[1].id),
        photo: None,
        captured_at: None,
    };
    let ack = owner
        .run_json(DeclareJobNonconformity {
            nonconformity: nc.clone(),
        })
        .await
        .unwrap();
    assert_eq!(ack.outcome, CaptureOutcome::Applied);
    assert!(ack.message.contains("Retour à « Travaux »"), "{}", ack.message);
    assert_eq!(
        owner
            .run_json(DeclareJobNonconformity { nonconformity: nc })
            .await
            .unwrap(),
        ack,
        "a replay"
    );
    let detail = owner.run(FetchJob { id: job.id }).await.unwrap();
    let done: Vec<bool> = detail.steps.iter().map(|s| s.done()).collect();
    assert_eq!(done, [true, false, false, false]);
    assert_eq!(detail.nonconformities.len(), 1);
    let shown = &detail.nonconformities[0];
    assert_eq!(shown.kind, NonConformityKind::Damage);
    assert_eq!(
        (shown.step.as_deref(), shown.back_to.as_deref()),
        (Some("Nettoyage"), Some("Travaux"))
    );
    assert_eq!(count_actions(&app, "job.step_reopened").await, 1);
    assert_eq!(count_actions(&app, "job.nonconformity").await, 1);
    // Forward is not back; a declaration needs words.
    let forward = NonConformityCapture {
        capture: CaptureId::new(),
        step: Some(job.steps[0].id),
        back_to: Some(job.steps[2].id),
        comment: "Mauvais sens".into(),
        action: String::new(),
        kind: NonConformityKind::Other,
        job: job.id,
        photo: None,
        captured_at: None,
    };
    let error = owner
        .run_json(DeclareJobNonconformity {
            nonconformity: forward.clone(),
        })
        .await
        .unwrap_err();
    assert!(error.field_message("back_to").is_some(), "{error:?}");
    let error = owner
        .run_json(DeclareJobNonconformity {
            nonconformity: NonConformityCapture {
                capture: CaptureId::new(),
                comment: " ".into(),
                back_to: None,
                ..forward.clone()
            },
        })
        .await
        .unwrap_err();
    assert!(error.field_message("comment").is_some(), "{error:?}");
    // The reopened step is validated again; a closed job takes no declaration.
    assert_eq!(validated(&owner, &job, 1).await, CaptureOutcome::Applied);
    for status in [JobStatus::Done] {
        owner.run(MoveJob { id: job.id, status }).await.unwrap();
    }
    let closed = owner
        .run_json(DeclareJobNonconformity {
            nonconformity: NonConformityCapture {
                capture: CaptureId::new(),
                back_to: None,
                ..forward
            },
        })
        .await
        .unwrap();
    assert_eq!(closed.outcome, CaptureOutcome::Refused);
    assert!(closed.message.contains("rouvrez"), "{}", closed.message);
    assert_eq!(
        owner.run(FetchJob { id: job.id }).await.unwrap().nonconformities.len(),
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn the_steps_new_jobs_start_with_are_edited_checked_and_reset() {
    let app = spawn_app().await;
    let (owner, old_job) = won_job(&app, "workshop").await;
    let start = owner.run(FetchStepTemplates {}).await.unwrap();
    assert!(!start.custom && start.can_edit);
    assert_eq!(start.steps.len(), 8);
    // A name twice, an upside-down measure: refused, the field named.
    let mut twice = start.steps.clone();
    twice[1].name = "réception des pièces".into();
    let error = owner.run_json(SaveStepTemplates { steps: twice }).await.unwrap_err();
    assert!(error.field_message("steps.1.name").is_some(), "{error:?}");
    let mut upside_down = start.steps.clone();
    upside_down[6].checks[0].max = Some(10.0);
    let error = owner
        .run_json(SaveStepTemplates { steps: upside_down })
        .await
        .unwrap_err();
    assert!(error.field_message("steps.6.checks.0.max").is_some(), "{error:?}");
    let ours = vec![
        StepTemplate {
            name: " Réception ".into(),
            requires_photo: true,
            after_previous: false,
            checks: vec![CheckItem::number("Poids", "kg", Some(0.1), Some(500.0), true)],
        },
        StepTemplate {
            name: "Thermolaquage".into(),
            requires_photo: false,
            after_previous: true,
            checks: Vec::new(),
        },
    ];
    owner.run_json(SaveStepTemplates { steps: ours }).await.unwrap();
    let saved = owner.run(FetchStepTemplates {}).await.unwrap();
    assert!(saved.custom);
    assert_eq!(saved.steps[0].name, "Réception", "trimmed");
    // A member reads them and may not change them.
    let member = app
        .invite_and_join(&owner, "peintre@workshop.test", Role::Member.as_str(), "Peintre")
        .await;
    assert!(!member.run(FetchStepTemplates {}).await.unwrap().can_edit);
    assert_eq!(
        member
            .run_json(SaveStepTemplates { steps: Vec::new() })
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    // The next job follows them; the running one keeps its steps.
    let card = owner.create_lead("M. Durand", "Jantes", "300").await;
    let won = owner
        .board()
        .await
        .columns
        .iter()
        .find(|c| c.stage.kind == app::domain::StageKind::Won)
        .unwrap()
        .stage
        .id;
    move_to(&owner, card.id, won, None, None).await.unwrap();
    let list = owner.run_json(FetchJobs { filter: all() }).await.unwrap();
    let new_id = list.rows.iter().find(|r| r.id != old_job.id).unwrap().id;
    let new_job = owner.run(FetchJob { id: new_id }).await.unwrap();
    let names: Vec<&str> = new_job.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Réception", "Thermolaquage"]);
    assert!(new_job.steps[0].requires_photo);
    assert_eq!(new_job.steps[0].checks[0].item.unit, "kg");
    assert_eq!(owner.run(FetchJob { id: old_job.id }).await.unwrap().steps.len(), 8);
    owner.run_json(SaveStepTemplates { steps: Vec::new() }).await.unwrap();
    let reset = owner.run(FetchStepTemplates {}).await.unwrap();
    assert!(!reset.custom);
    assert_eq!(reset.steps.len(), 8);
    assert_eq!(count_actions(&app, "workspace.step_templates_saved").await, 2);
    app.stop().await;
}
