//! Artisans' documents: checked uploads (type by magic bytes, dates, the
//! details each kind needs), moderation by a platform admin, downloads within
//! the workspace, the S3 store, and expiry reminders on the scheduler's clock.

use crate::support::{Options, TestApp, spawn_app, spawn_app_with};
use app::domain::MemberId;
use app::domain::documents::DocumentStatus;
use app::infra::entity::{email, member, user};
use app::marketplace::api::{
    FetchArtisanProfile, FetchDocumentQueue, ReviewDocument, SaveArtisanProfile, UploadArtisanDocument,
};
use app::marketplace::{DocumentUpload, ProfileForm};
use app::outbox::EmailKind;
use base64::Engine;
use chrono::{Days, TimeDelta};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

fn data_url(bytes: &[u8]) -> String {
    format!(
        "data:application/pdf;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

async fn member_of(app: &TestApp, email: &str) -> Uuid {
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    member::Entity::find()
        .filter(member::Column::UserId.eq(u.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn upload(kind: &str, starts: chrono::NaiveDate, ends: chrono::NaiveDate) -> DocumentUpload {
    DocumentUpload {
        kind: kind.into(),
        insurer: "SMABTP".into(),
        policy_number: "POL-42".into(),
        cover: "France métropolitaine".into(),
        rge_domains: String::new(),
        starts_on: starts.format("%Y-%m-%d").to_string(),
        ends_on: ends.format("%Y-%m-%d").to_string(),
        file_name: "décennale 2026.pdf".into(),
    }
}

async fn artisan(app: &TestApp, email: &str) -> (crate::support::Browser, Uuid) {
    let browser = app.owner(email, "Plomberie Test", "artisan").await;
    let member = member_of(app, email).await;
    browser
        .run_json(SaveArtisanProfile {
            member: MemberId(member),
            form: ProfileForm {
                trades: vec!["Plomberie".into()],
                phone: "06 12 34 56 78".into(),
                address: String::new(),
                postcode: "69003".into(),
                city: "Lyon".into(),
                radius_km: "20".into(),
                weekly_capacity: "5".into(),
                available: true,
            },
        })
        .await
        .unwrap();
    (browser, member)
}

#[tokio::test]
async fn uploads_are_checked_moderated_and_stay_in_their_workspace() {
    let app = spawn_app().await;
    let (owner, member) = artisan(&app, "julien@artisans.test").await;
    let today = app::infra::time::paris_day(app::infra::time::now());
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let send = |doc: DocumentUpload, file: String| {
        owner.run_json(UploadArtisanDocument {
            member: MemberId(member),
            document: doc,
            file,
        })
    };
    let e = send(
        upload("decennale", today, today + Days::new(365)),
        data_url(b"GIF89a not a pdf"),
    )
    .await
    .unwrap_err();
    assert!(e.field_message("file").unwrap().contains("ni un PDF"), "{e:?}");
    let e = send(upload("decennale", today, today - Days::new(1)), data_url(&pdf))
        .await
        .unwrap_err();
    assert!(e.field_message("ends_on").is_some());
    let e = send(upload("urssaf", today, today + Days::new(200)), data_url(&pdf))
        .await
        .unwrap_err();
    assert!(e.field_message("ends_on").unwrap().contains("six mois"));
    let mut no_insurer = upload("decennale", today, today + Days::new(365));
    no_insurer.insurer.clear();
    assert!(
        send(no_insurer, data_url(&pdf))
            .await
            .unwrap_err()
            .field_message("insurer")
            .is_some()
    );

    let docs = send(upload("decennale", today, today + Days::new(365)), data_url(&pdf))
        .await
        .unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].status, DocumentStatus::Pending);
    let profile = owner
        .run(FetchArtisanProfile {
            member: MemberId(member),
        })
        .await
        .unwrap();
    assert!(
        profile
            .out_of_routing
            .iter()
            .any(|r| r.contains("décennale en attente de validation")),
        "{:?}",
        profile.out_of_routing
    );

    // The file: its workspace and the platform admin, nobody else.
    let path = format!("/app/artisan-documents/{}", docs[0].id);
    let own = owner.get(&path).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.headers["content-type"], "application/pdf");
    assert_eq!(own.body.as_bytes(), pdf.as_slice());
    let stranger = app.owner("autre@artisans.test", "Autre", "artisan").await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        stranger.run(FetchDocumentQueue {}).await.unwrap_err(),
        app::AppError::NotFound
    );
    assert_eq!(
        stranger
            .run(FetchArtisanProfile {
                member: MemberId(member)
            })
            .await
            .unwrap_err(),
        app::AppError::NotFound
    );

    let admin = app.platform_admin("admin@comptoir.test").await;
    assert_eq!(admin.get(&path).await.status, StatusCode::OK);
    let queue = admin.run(FetchDocumentQueue {}).await.unwrap();
    assert_eq!(queue.len(), 1);
    let id = queue[0].document.id;
    let e = admin
        .run(ReviewDocument {
            id,
            approve: false,
            reason: " ".into(),
        })
        .await
        .unwrap_err();
    assert!(e.field_message("reason").is_some());
    assert!(
        admin
            .run(ReviewDocument {
                id,
                approve: true,
                reason: String::new()
            })
            .await
            .unwrap()
            .is_empty()
    );
    let twice = admin
        .run(ReviewDocument {
            id,
            approve: false,
            reason: "Illisible".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(twice, app::AppError::Conflict(_)));
    let profile = owner
        .run(FetchArtisanProfile {
            member: MemberId(member),
        })
        .await
        .unwrap();
    assert!(
        !profile.out_of_routing.iter().any(|r| r.contains("décennale")),
        "{:?}",
        profile.out_of_routing
    );

    // Expiry reminders: 30 days before, 7 days before, on the day; each once.
    let reminders = || async {
        email::Entity::find()
            .filter(email::Column::Kind.eq(EmailKind::DocumentExpiring))
            .all(&app.state.db)
            .await
            .unwrap()
            .len()
    };
    let now = app::infra::time::now();
    let at = |days: i64| now + TimeDelta::days(days);
    server::scheduler::run_due(&app.state, "test", at(300)).await;
    assert_eq!(reminders().await, 0, "nothing due 65 days before");
    server::scheduler::run_due(&app.state, "test", at(336)).await;
    assert_eq!(reminders().await, 1, "29 days before");
    server::scheduler::run_due(&app.state, "test", at(340)).await;
    assert_eq!(reminders().await, 1, "once per step");
    server::scheduler::run_due(&app.state, "test", at(360)).await;
    assert_eq!(reminders().await, 2, "5 days before");
    server::scheduler::run_due(&app.state, "test", at(365)).await;
    assert_eq!(reminders().await, 3, "on the day");
}

#[tokio::test]
async fn documents_go_to_an_s3_bucket_when_one_is_configured() {
    let (config, bucket) = crate::support::s3::start().await;
    let app = spawn_app_with(Options {
        s3: Some(config),
        ..Default::default()
    })
    .await;
    let (owner, member) = artisan(&app, "s3@artisans.test").await;
    let today = app::infra::time::paris_day(app::infra::time::now());
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13].to_vec();
    let docs = owner
        .run_json(UploadArtisanDocument {
            member: MemberId(member),
            document: upload("rc_pro", today, today + Days::new(365)),
            file: data_url(&png),
        })
        .await
        .unwrap();
    let stored = bucket.objects.lock().unwrap().clone();
    assert_eq!(stored.len(), 1);
    let (key, bytes) = stored.iter().next().unwrap();
    assert!(key.starts_with("documents/") && key.ends_with(".png"), "{key}");
    assert_eq!(bytes, &png);
    let back = owner.get(&format!("/app/artisan-documents/{}", docs[0].id)).await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(back.headers["content-type"], "image/png");
    assert_eq!(*bucket.unsigned.lock().unwrap(), 0, "every request signed");
}

#[tokio::test]
async fn a_phone_photo_sized_scan_is_accepted_and_a_larger_file_refused_at_its_field() {
    let app = spawn_app().await;
    let (owner, member) = artisan(&app, "scan@artisans.test").await;
    let today = app::infra::time::paris_day(app::infra::time::now());
    for (size, accepted) in [(4_000_000usize, true), (5 * 1024 * 1024 + 1, false)] {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.resize(size, b'a');
        let result = owner
            .run_json(UploadArtisanDocument {
                member: MemberId(member),
                document: upload("kbis", today, today),
                file: data_url(&bytes),
            })
            .await;
        match result {
            Ok(docs) => assert!(accepted && docs.len() == 1, "{size}"),
            Err(e) => assert!(
                !accepted && e.field_message("file").unwrap().contains("5 Mo"),
                "{size}: {e:?}"
            ),
        }
    }
}

#[tokio::test]
async fn approving_the_last_required_document_puts_the_artisan_in_routing_at_once() {
    let app = spawn_app().await;
    let (owner, member) = artisan(&app, "span@artisans.test").await;
    let today = app::infra::time::paris_day(app::infra::time::now());
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    for (kind, days) in [("decennale", 365), ("rc_pro", 300), ("urssaf", 180)] {
        owner
            .run_json(UploadArtisanDocument {
                member: MemberId(member),
                document: upload(kind, today, today + Days::new(days)),
                file: data_url(&pdf),
            })
            .await
            .unwrap();
    }
    let span = || async {
        let p = app::infra::entity::artisan_profile::Entity::find_by_id(member)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        (p.routable_from, p.routable_until)
    };
    let admin = app.platform_admin("admin@comptoir.test").await;
    let queue = admin.run(FetchDocumentQueue {}).await.unwrap();
    assert_eq!(queue.len(), 3);
    for (i, row) in queue.iter().enumerate() {
        assert_eq!(span().await, (None, None), "{i} of 3 approved: not yet");
        admin
            .run(ReviewDocument {
                id: row.document.id,
                approve: true,
                reason: String::new(),
            })
            .await
            .unwrap();
    }
    // The review wrote it: routing reads no document for this artisan.
    assert_eq!(span().await, (Some(today), Some(today + Days::new(180))));
}
