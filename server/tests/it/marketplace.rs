//! The marketplace: artisan profiles, the public form, routing by trade ×
//! radius × documents × capacity × availability, the admin's explanations
//! and « Assigner », the reminder on the scheduler's clock, and the first
//! signed quote winning the request.

use crate::support::quotes::{portal_token, ready_quote, signature_png, with_identity};
use crate::support::{Browser, TestApp, spawn_app};
use app::domain::MemberId;
use app::domain::documents::{DocumentKind, DocumentStatus};
use app::infra::entity::{artisan_document, artisan_profile, deal, email, lead, market_request, member, stage, user};
use app::marketplace::api::{
    AssignMarketRequest, FetchArtisanDirectory, FetchArtisanProfile, FetchMarketRequest, FetchMarketRequests,
    SaveArtisanProfile, SaveMarketSettings, WithdrawMarketRequest,
};
use app::marketplace::{ProfileForm, Standing};
use app::outbox::EmailKind;
use chrono::{Days, TimeDelta};
use reqwest::StatusCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// An artisan: their browser, member id and workspace id.
struct Artisan {
    browser: Browser,
    member: Uuid,
    workspace: Uuid,
    email: String,
}

async fn member_of(app: &TestApp, email: &str) -> (Uuid, Uuid) {
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let m = member::Entity::find()
        .filter(member::Column::UserId.eq(u.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    (m.id, m.workspace_id)
}

fn form(trades: &[&str], postcode: &str, city: &str, radius: &str) -> ProfileForm {
    ProfileForm {
        trades: trades.iter().map(|t| t.to_string()).collect(),
        phone: "06 12 34 56 78".into(),
        address: String::new(),
        postcode: postcode.into(),
        city: city.into(),
        radius_km: radius.into(),
        weekly_capacity: "5".into(),
        available: true,
    }
}

/// Signs up an artisan company, saves the profile, adds the required
/// documents (the décennale ended yesterday when `expired`).
async fn artisan(app: &TestApp, name: &str, postcode: &str, city: &str, expired: bool) -> Artisan {
    let email = format!("{}@artisans.test", name.to_lowercase().replace(' ', "."));
    let browser = app.owner(&email, name, "artisan").await;
    let (member, workspace) = member_of(app, &email).await;
    let saved = browser
        .run_json(SaveArtisanProfile {
            member: MemberId(member),
            form: form(&["Plomberie"], postcode, city, "25"),
        })
        .await
        .expect("profile saved");
    assert_eq!(saved.form.expect("stored").trades, vec!["Plomberie".to_string()]);
    let today = app::infra::time::paris_day(app::infra::time::now());
    for kind in DocumentKind::REQUIRED {
        let ends_on = if expired && kind == DocumentKind::Decennale {
            today - Days::new(1)
        } else {
            today + Days::new(90)
        };
        artisan_document::Entity::insert(artisan_document::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(workspace),
            member_id: Set(member),
            kind: Set(kind),
            insurer: Set("SMABTP".into()),
            policy_number: Set("P-1".into()),
            cover: Set(String::new()),
            rge_domains: Set(String::new()),
            starts_on: Set(today - Days::new(100)),
            ends_on: Set(ends_on),
            file_key: Set(String::new()),
            file_name: Set(String::new()),
            content_type: Set(String::new()),
            size: Set(0),
            sha256: Set(String::new()),
            status: Set(DocumentStatus::Approved),
            reject_reason: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            reminded_days: Set(None),
            created_at: Set(app::infra::time::now()),
        })
        .exec_without_returning(&app.state.db)
        .await
        .unwrap();
    }
    // As a review stores it.
    app::marketplace::documents::refresh_span(&app.state.db, member, today)
        .await
        .unwrap();
    Artisan {
        browser,
        member,
        workspace,
        email,
    }
}

/// Posts the public form; returns the status and the `Location` or body.
async fn post_request(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}{path}", app.base))
        .header("origin", &app.base)
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let body = response.text().await.unwrap();
    (status, location.unwrap_or(body))
}

fn homeowner<'a>(email: &'a str, postcode: &'a str, city: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("trade", "Plomberie"),
        (
            "description",
            "Fuite sous l'évier de la cuisine, le siphon goutte en continu.",
        ),
        ("postcode", postcode),
        ("city", city),
        ("address", "12 rue Paul Bert"),
        ("budget", "lt1k"),
        ("desired_on", ""),
        ("name", "Claire Dubois"),
        ("email", email),
        ("phone", "06 98 76 54 32"),
        ("consent", "on"),
        ("website", ""),
    ]
}

async fn deals_of(app: &TestApp, workspace: Uuid) -> Vec<deal::Model> {
    deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(workspace))
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn stage_kind(app: &TestApp, d: &deal::Model) -> app::domain::StageKind {
    stage::Entity::find_by_id(d.stage_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .kind
}

#[tokio::test]
async fn a_request_reaches_the_three_best_artisans_and_the_first_signature_wins() {
    let app = spawn_app().await;
    // Lyon and around; one with an expired décennale; one 95 km away.
    let a = artisan(&app, "Plomberie Alpha", "69007", "Lyon", false).await;
    let b = artisan(&app, "Plomberie Beta", "69100", "Villeurbanne", false).await;
    let c = artisan(&app, "Plomberie Gamma", "69200", "Vénissieux", false).await;
    let expired = artisan(&app, "Plomberie Delta", "69500", "Bron", true).await;
    let far = artisan(&app, "Plomberie Epsilon", "38000", "Grenoble", false).await;
    let profile = expired
        .browser
        .run(FetchArtisanProfile {
            member: MemberId(expired.member),
        })
        .await
        .unwrap();
    assert!(
        profile
            .out_of_routing
            .iter()
            .any(|r| r.starts_with("Assurance décennale expirée")),
        "the badge says why: {:?}",
        profile.out_of_routing
    );

    let (status, location) = post_request(&app, "/demande", &homeowner("claire@example.fr", "69003", "lyon")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/demande/merci");
    let confirmation = app.browser().get(&location).await;
    assert_eq!(confirmation.status, StatusCode::OK);
    assert!(confirmation.body.contains("request-confirmed"));
    let mail = app.email_to("claire@example.fr").await;
    let follow = &mail[mail.find("/demande/suivi/").expect("follow link")..];
    let follow: String = follow.chars().take_while(|c| !c.is_whitespace()).collect();

    for picked in [&a, &b, &c] {
        let deals = deals_of(&app, picked.workspace).await;
        assert_eq!(deals.len(), 1, "one deal each");
        assert_eq!(deals[0].owner_member_id, Some(picked.member));
        assert!(app.email_to(&picked.email).await.contains("Plomberie à Lyon"));
    }
    assert!(deals_of(&app, expired.workspace).await.is_empty());
    let page = app.browser().get(&follow).await;
    assert!(
        page.body.contains("Plomberie Alpha") && page.body.contains("Reçue"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Plomberie Delta"), "only the companies that got it");
    assert!(deals_of(&app, far.workspace).await.is_empty());
    // An artisan sees their own deal only, and not the admin queue.
    assert_eq!(
        a.browser
            .board()
            .await
            .columns
            .iter()
            .map(|c| c.cards.len())
            .sum::<usize>(),
        1
    );
    assert_eq!(
        a.browser.run(FetchMarketRequests {}).await.unwrap_err(),
        app::AppError::NotFound
    );

    let admin = app.platform_admin("admin@comptoir.test").await;
    let rows = admin.run(FetchMarketRequests {}).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].assigned, 3);
    let detail = admin.run(FetchMarketRequest { id: rows[0].id }).await.unwrap();
    let route = |m: Uuid| detail.routes.iter().find(|r| r.member_id == m).unwrap().clone();
    assert!(route(a.member).assigned && route(b.member).assigned && route(c.member).assigned);
    let delta = route(expired.member);
    assert!(!delta.eligible && !delta.assigned);
    assert!(
        delta.reasons[0].starts_with("Assurance décennale expirée le"),
        "{:?}",
        delta.reasons
    );
    assert!(route(far.member).reasons[0].contains("au-delà de son rayon de 25 km"));

    // 25 hours on, the two that did not call get a reminder, once.
    let contacted = deals_of(&app, b.workspace).await.remove(0);
    b.browser
        .call("mark_contacted", &[("deal_id", &contacted.id.to_string())])
        .await
        .ok();
    let later = app::infra::time::now() + TimeDelta::hours(25);
    let ran = server::scheduler::run_due(&app.state, "test", later).await;
    assert!(ran.contains(&"marketplace_reminders"));
    let reminders = || async {
        email::Entity::find()
            .filter(email::Column::Kind.eq(EmailKind::LeadReminder))
            .all(&app.state.db)
            .await
            .unwrap()
    };
    let sent: Vec<String> = reminders().await.into_iter().map(|m| m.to_address).collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.contains(&a.email) && sent.contains(&c.email));
    server::scheduler::run_due(&app.state, "test", later + TimeDelta::hours(1)).await;
    assert_eq!(reminders().await.len(), 2, "reminded once");

    // C sends a quote and the client signs it: C wins, A and B lose.
    with_identity(&c.browser).await;
    let c_deal = deals_of(&app, c.workspace).await.remove(0);
    let quote = ready_quote(&c.browser, Some(&c_deal.id.to_string()), "claire@example.fr").await;
    c.browser.call("send_quote", &[("id", &quote)]).await.ok();
    let token = portal_token(&app.email_to("claire@example.fr").await);
    app.browser()
        .call(
            "sign_quote",
            &[
                ("token", token.as_str()),
                ("signer_name", "Claire Dubois"),
                ("signer_email", "claire@example.fr"),
                ("accepted", "true"),
                ("signature_png", &signature_png()),
            ],
        )
        .await
        .ok();
    let mut lost = false;
    // Delivered by the event dispatcher after the signature's commit (up to 30 s on a busy machine).
    for _ in 0..600 {
        let a_deal = deals_of(&app, a.workspace).await.remove(0);
        let b_deal = deals_of(&app, b.workspace).await.remove(0);
        if stage_kind(&app, &a_deal).await == app::domain::StageKind::Lost
            && stage_kind(&app, &b_deal).await == app::domain::StageKind::Lost
        {
            assert!(a_deal.lost_reason.unwrap().contains("autre artisan"));
            lost = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(lost, "the other artisans' deals are lost");
    let c_deal = deals_of(&app, c.workspace).await.remove(0);
    assert_eq!(stage_kind(&app, &c_deal).await, app::domain::StageKind::Won);
    let request = market_request::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, app::marketplace::RequestStatus::Won);
    let closed = admin
        .run(AssignMarketRequest {
            request: request.id,
            member: MemberId(far.member),
        })
        .await
        .unwrap_err();
    assert!(matches!(closed, app::AppError::Conflict(_)), "{closed:?}");
}

#[tokio::test]
async fn nobody_around_puts_the_request_in_the_queue_and_the_admin_assigns_it() {
    let app = spawn_app().await;
    let far = artisan(&app, "Plomberie Lointaine", "38000", "Grenoble", false).await;
    let (status, _) = post_request(&app, "/demande", &homeowner("paul@example.fr", "69003", "Lyon")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let admin = app.platform_admin("admin@comptoir.test").await;
    let rows = admin.run(FetchMarketRequests {}).await.unwrap();
    assert_eq!(rows[0].status, app::marketplace::RequestStatus::Unrouted);
    let detail = admin
        .run(AssignMarketRequest {
            request: rows[0].id,
            member: MemberId(far.member),
        })
        .await
        .unwrap();
    assert_eq!(detail.row.status, app::marketplace::RequestStatus::Routed);
    let route = detail.routes.iter().find(|r| r.member_id == far.member).unwrap();
    assert!(route.assigned && route.assigned_by == "admin");
    assert_eq!(deals_of(&app, far.workspace).await.len(), 1);
    let again = admin
        .run(AssignMarketRequest {
            request: rows[0].id,
            member: MemberId(far.member),
        })
        .await
        .unwrap_err();
    assert!(matches!(again, app::AppError::Conflict(_)));
}

#[tokio::test]
async fn the_form_says_what_is_wrong_where_it_was_typed() {
    let app = spawn_app().await;
    let page = app.browser().get("/demande").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"request-form\""));
    assert!(!page.body.contains(".wasm"), "no WASM on the public form");

    let mut unknown = homeowner("x@example.fr", "00000", "Nulle-Part");
    unknown.retain(|(k, _)| *k != "consent");
    let (status, body) = post_request(&app, "/demande", &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Ce code postal n&#39;existe pas."), "{body}");
    assert!(body.contains("id=\"consent-err\""));
    assert!(body.contains("value=\"Nulle-Part\""), "what was typed stays");

    let (status, body) = post_request(&app, "/demande", &homeowner("x@example.fr", "69003", "Paris")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"city-err\"") && body.contains("Lyon"), "{body}");

    let script = homeowner("x@example.fr", "69003", "<script>alert(1)</script>");
    let (_, body) = post_request(&app, "/demande", &script).await;
    assert!(!body.contains("<script>alert(1)"), "typed text is escaped");

    let communes: Vec<String> = app.browser().get("/demande/communes?cp=69100").await.json();
    assert_eq!(communes, vec!["Villeurbanne".to_string()]);

    // A bot fills the honeypot: the same answer, nothing stored.
    let mut bot = homeowner("bot@example.fr", "69003", "Lyon");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "http://spam.example"));
    let (status, location) = post_request(&app, "/demande", &bot).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/demande/merci"));
    assert_eq!(market_request::Entity::find().count(&app.state.db).await.unwrap(), 0);

    // The same person (email and phone) and trade twice in a day: merged, the
    // same answer; someone who only knows the phone number adds nothing.
    let (first, _) = post_request(&app, "/demande", &homeowner("same@example.fr", "69003", "Lyon")).await;
    assert_eq!(first, StatusCode::SEE_OTHER);
    let mut again = homeowner("same@example.fr", "69003", "Lyon");
    again[1] = ("description", "Et aussi le robinet de la salle de bains.");
    let (status, location) = post_request(&app, "/demande", &again).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/demande/merci"));
    let stored = market_request::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].repeats, 1);
    assert!(stored[0].description.contains("robinet"));
    let mut stranger = homeowner("stranger@example.fr", "69003", "Lyon");
    stranger[1] = ("description", "Texte ajouté par quelqu'un d'autre.");
    post_request(&app, "/demande", &stranger).await;
    let first = market_request::Entity::find_by_id(stored[0].id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!first.description.contains("quelqu'un d'autre"));
    assert_eq!(
        app.browser().get("/demande/suivi/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_workspace_form_gives_the_request_to_that_workspace_only() {
    let app = spawn_app().await;
    let a = artisan(&app, "Plomberie Alpha", "69007", "Lyon", false).await;
    let other = artisan(&app, "Plomberie Beta", "69100", "Villeurbanne", false).await;
    let slug = app::infra::entity::workspace::Entity::find_by_id(a.workspace)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .slug
        .unwrap();
    assert!(slug.starts_with("plomberie-alpha-"), "{slug}");
    let page = app.browser().get(&format!("/w/{slug}/demande")).await;
    assert!(page.body.contains("Demande de travaux à Plomberie Alpha"));
    let (status, _) = post_request(
        &app,
        &format!("/w/{slug}/demande"),
        &homeowner("z@example.fr", "69003", "Lyon"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let deals = deals_of(&app, a.workspace).await;
    assert_eq!(deals.len(), 1);
    assert_eq!(deals[0].owner_member_id, None);
    let l = lead::Entity::find_by_id(deals[0].lead_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(l.source, app::pipeline::LeadSource::Form);
    assert!(deals_of(&app, other.workspace).await.is_empty(), "no routing");
    assert_eq!(app.browser().get("/w/nope/demande").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn profiles_are_checked_and_stay_in_their_workspace() {
    let app = spawn_app().await;
    let a = artisan(&app, "Plomberie Alpha", "69007", "Lyon", false).await;
    let b = artisan(&app, "Plomberie Beta", "69100", "Villeurbanne", false).await;
    for (radius, postcode, city, field) in [
        ("0", "69007", "Lyon", "radius_km"),
        ("1000", "69007", "Lyon", "radius_km"),
        ("20", "99999", "Lyon", "postcode"),
        ("20", "69007", "Marseille", "city"),
    ] {
        let e = a
            .browser
            .run_json(SaveArtisanProfile {
                member: MemberId(a.member),
                form: form(&["Plomberie"], postcode, city, radius),
            })
            .await
            .unwrap_err();
        assert!(e.field_message(field).is_some(), "{field}: {e:?}");
    }
    let e = a
        .browser
        .run_json(SaveArtisanProfile {
            member: MemberId(a.member),
            form: form(&["Pâtisserie"], "69007", "Lyon", "20"),
        })
        .await
        .unwrap_err();
    assert!(e.field_message("trades").is_some());
    // Another workspace's member: not found, to read and to write.
    assert_eq!(
        a.browser
            .run(FetchArtisanProfile {
                member: MemberId(b.member)
            })
            .await
            .unwrap_err(),
        app::AppError::NotFound
    );
    assert_eq!(
        a.browser
            .run_json(SaveArtisanProfile {
                member: MemberId(b.member),
                form: form(&["Plomberie"], "69007", "Lyon", "20"),
            })
            .await
            .unwrap_err(),
        app::AppError::NotFound
    );
    // A coach has no artisan profile.
    let coach = app.owner("coach@example.fr", "Coaching", "coach").await;
    let (coach_member, _) = member_of(&app, "coach@example.fr").await;
    assert_eq!(
        coach
            .run(FetchArtisanProfile {
                member: MemberId(coach_member)
            })
            .await
            .unwrap_err(),
        app::AppError::NotFound
    );
}

/// A JPEG `w`×`h` whose EXIF says « rotate 90° » and carries a GPS latitude.
pub(crate) fn photo_with_gps(w: u32, h: u32) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let picture = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 180]));
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    image::ImageEncoder::set_exif_metadata(&mut encoder, tiff).unwrap();
    picture.write_with_encoder(encoder).unwrap();
    out
}

/// Posts the form as the page does (multipart), with files named `photos`.
async fn post_with_photos(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> (StatusCode, String) {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            "photos",
            reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(name.to_string())
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{path}", app.base))
        .header("origin", &app.base)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let body = response.text().await.unwrap();
    (status, location.unwrap_or(body))
}

#[tokio::test]
async fn photos_arrive_upright_small_and_without_their_position_for_who_got_the_lead_only() {
    let app = spawn_app().await;
    let a = artisan(&app, "Plomberie Alpha", "69007", "Lyon", false).await;
    let other = artisan(&app, "Plomberie Beta", "69100", "Villeurbanne", false).await;
    let slug = app::infra::entity::workspace::Entity::find_by_id(a.workspace)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .slug
        .unwrap();
    let path = format!("/w/{slug}/demande");
    let fields = homeowner("photos@example.fr", "69003", "Lyon");

    // A PDF named .jpg and a broken field elsewhere: both named, typed text
    // kept, the photos to choose again; nothing stored.
    let mut bad = fields.clone();
    bad.retain(|(k, _)| *k != "consent");
    let (status, page) = post_with_photos(&app, &path, &bad, &[("plan.jpg", b"%PDF-1.7 plan".to_vec())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Photo 1 (plan.jpg) n&#39;est pas une photo JPEG, PNG ou WebP")
            || page.contains("Photo 1 (plan.jpg) n'est pas une photo JPEG, PNG ou WebP"),
        "{page}"
    );
    assert!(
        page.contains("choisissez à nouveau vos 1 photo"),
        "the files must be chosen again"
    );
    assert!(page.contains("Fuite sous l"), "typed text kept");
    assert_eq!(
        market_request::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "nothing stored"
    );
    // Six photos are refused at once.
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("p.jpg", photo_with_gps(16, 8))).collect();
    let (status, page) = post_with_photos(&app, &path, &fields, &six).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("5 photos au plus"), "{page}");

    // Two photos: the camera's 2400×1200 « turn 90° » one, and a small one.
    let (status, location) = post_with_photos(
        &app,
        &path,
        &fields,
        &[
            ("IMG_0001.JPG", photo_with_gps(2400, 1200)),
            ("IMG_0002.JPG", photo_with_gps(40, 30)),
        ],
    )
    .await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/demande/merci"));
    let rows = app::infra::entity::market_request_photo::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let first = rows.iter().find(|p| p.position == 0).unwrap();
    assert_eq!((first.width, first.height), (800, 1600), "upright, 1,600 px long side");

    // The artisan who got the lead sees them on the deal and opens them.
    let deals = deals_of(&app, a.workspace).await;
    let detail = a
        .browser
        .run(app::pipeline::api::FetchDeal {
            deal_id: app::domain::DealId(deals[0].id),
        })
        .await
        .unwrap();
    assert_eq!(detail.photos.len(), 2);
    let response = a
        .browser
        .client
        .get(format!("{}{}", app.base, detail.photos[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let bytes = response.bytes().await.unwrap().to_vec();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF, so no GPS position");
    let shown = image::load_from_memory(&bytes).unwrap();
    assert_eq!((shown.width(), shown.height()), (800, 1600));
    // Another workspace and a stranger get nothing.
    assert_eq!(other.browser.get(&detail.photos[0]).await.status, StatusCode::NOT_FOUND);
    assert_ne!(app.browser().get(&detail.photos[0]).await.status, StatusCode::OK);
    let admin = app.platform_admin("admin@comptoir.test").await;
    assert_eq!(admin.get(&detail.photos[1]).await.status, StatusCode::OK);

    // The same request again with four more: five in all, the rest dropped.
    let four: Vec<(&str, Vec<u8>)> = (0..4).map(|_| ("more.jpg", photo_with_gps(20, 20))).collect();
    let (status, _) = post_with_photos(&app, &path, &fields, &four).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app::infra::entity::market_request_photo::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        5
    );
}

#[tokio::test]
async fn the_admin_takes_back_a_request_left_without_a_call_and_a_quiet_quote_is_followed_up() {
    let app = spawn_app().await;
    let a = artisan(&app, "Plomberie Alpha", "69007", "Lyon", false).await;
    let b = artisan(&app, "Plomberie Beta", "69100", "Villeurbanne", false).await;
    let admin = app.platform_admin("admin@comptoir.test").await;

    // Settings: checked field by field, then one artisan per request.
    let settings = |top_n: &str, remind: &str, reassign: &str| app::marketplace::SettingsForm {
        top_n: top_n.into(),
        remind_after_hours: remind.into(),
        reassign_after_hours: reassign.into(),
        quote_follow_up_days: "7".into(),
        close_after_days: "60".into(),
    };
    let refused = admin
        .run_json(SaveMarketSettings {
            form: settings("0", "24", "12"),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.field_message("top_n").unwrap(), "Un nombre entier de 1 à 10.");
    assert!(
        refused
            .field_message("reassign_after_hours")
            .unwrap()
            .contains("après le rappel")
    );
    let saved = admin
        .run_json(SaveMarketSettings {
            form: settings("1", "24", "48"),
        })
        .await
        .unwrap();
    assert_eq!(saved.top_n, "1");

    let (status, _) = post_request(&app, "/demande", &homeowner("lent@example.fr", "69003", "Lyon")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let request = market_request::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let detail = admin.run(FetchMarketRequest { id: request.id }).await.unwrap();
    let first = detail.routes.iter().find(|r| r.assigned).expect("one artisan").clone();
    assert_eq!(detail.routes.iter().filter(|r| r.assigned).count(), 1, "top 1");
    let (slow, other) = if first.member_id == a.member {
        (&a, &b)
    } else {
        (&b, &a)
    };
    assert!(!first.can_withdraw, "not before 48 h");
    let early = admin
        .run(WithdrawMarketRequest {
            request: request.id,
            member: MemberId(slow.member),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&early, app::AppError::Conflict(m) if m.contains("Reprise possible à partir du")),
        "{early:?}"
    );

    // 49 hours without a call: « Reprendre », then « Assigner » the other one.
    app::infra::entity::market_route::Entity::update_many()
        .col_expr(
            app::infra::entity::market_route::Column::AssignedAt,
            sea_orm::sea_query::Expr::value(app::infra::time::now() - TimeDelta::hours(49)),
        )
        .filter(app::infra::entity::market_route::Column::RequestId.eq(request.id))
        .filter(app::infra::entity::market_route::Column::MemberId.eq(slow.member))
        .exec(&app.state.db)
        .await
        .unwrap();
    let detail = admin.run(FetchMarketRequest { id: request.id }).await.unwrap();
    assert!(
        detail
            .routes
            .iter()
            .find(|r| r.member_id == slow.member)
            .unwrap()
            .can_withdraw
    );
    let detail = admin
        .run(WithdrawMarketRequest {
            request: request.id,
            member: MemberId(slow.member),
        })
        .await
        .unwrap();
    let taken = detail.routes.iter().find(|r| r.member_id == slow.member).unwrap();
    assert!(!taken.assigned && !taken.can_withdraw);
    assert_eq!(taken.reasons, vec![app::marketplace::queue::WITHDRAWN.to_string()]);
    let lost = deals_of(&app, slow.workspace).await.remove(0);
    assert_eq!(stage_kind(&app, &lost).await, app::domain::StageKind::Lost);
    assert_eq!(lost.lost_reason.as_deref(), Some(app::marketplace::queue::WITHDRAWN));
    let twice = admin
        .run(WithdrawMarketRequest {
            request: request.id,
            member: MemberId(slow.member),
        })
        .await
        .unwrap_err();
    assert!(matches!(twice, app::AppError::Conflict(_)));
    admin
        .run(AssignMarketRequest {
            request: request.id,
            member: MemberId(other.member),
        })
        .await
        .unwrap();

    // The other one calls and sends a quote; 8 days of silence: one reminder.
    let d = deals_of(&app, other.workspace).await.remove(0);
    let sent_at = app::infra::time::now() - TimeDelta::days(8);
    deal::Entity::update(deal::ActiveModel {
        id: Set(d.id),
        first_contact_at: Set(Some(sent_at)),
        quote_sent_at: Set(Some(sent_at)),
        ..Default::default()
    })
    .exec(&app.state.db)
    .await
    .unwrap();
    let now = app::infra::time::now();
    assert_eq!(
        app::marketplace::scheduled::remind_quote_follow_up(&app.state, now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::marketplace::scheduled::remind_quote_follow_up(&app.state, now + TimeDelta::days(1))
            .await
            .unwrap(),
        0,
        "once"
    );
    let mail = app.email_to(&other.email).await;
    assert!(mail.contains("sans réponse depuis 8 jours"), "{mail}");
    // The one whose request was taken back gets no quote reminder.
    assert!(!app.email_to(&slow.email).await.contains("sans réponse"));
}

#[tokio::test]
async fn requests_nobody_won_are_closed_after_the_delay_once_and_recorded() {
    let app = spawn_app().await;
    let (status, _) = post_request(&app, "/demande", &homeowner("vieux@example.fr", "69003", "Lyon")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let now = app::infra::time::now();
    let close = |at| app::marketplace::stats::close_old_requests(&app.state, at);
    assert_eq!(close(now + TimeDelta::days(59)).await.unwrap(), 0, "not before 60 days");
    assert_eq!(close(now + TimeDelta::days(61)).await.unwrap(), 1);
    assert_eq!(close(now + TimeDelta::days(62)).await.unwrap(), 0, "once");
    let request = market_request::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, app::marketplace::RequestStatus::Closed);
    let recorded = app::infra::entity::event::Entity::find()
        .filter(app::infra::entity::event::Column::EntityId.eq(request.id))
        .filter(app::infra::entity::event::Column::Action.eq("market_request.closed"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(recorded, 1, "the closing is in the journal");
}

#[tokio::test]
async fn routing_trusts_the_stored_span_until_it_ends_then_reads_the_documents() {
    let app = spawn_app().await;
    let a = artisan(&app, "Span Plomberie", "69003", "Lyon", false).await;
    let today = app::infra::time::paris_day(app::infra::time::now());
    let profile = || async {
        artisan_profile::Entity::find_by_id(a.member)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
    };
    let p = profile().await;
    assert_eq!(
        (p.routable_from, p.routable_until, p.routable_checked_on),
        (Some(today - Days::new(100)), Some(today + Days::new(90)), Some(today))
    );
    let site = app::domain::geo::Point {
        lat: p.latitude,
        lon: p.longitude,
    };
    let problems = |at: chrono::DateTime<chrono::Utc>| {
        let db = app.state.db.clone();
        async move {
            let found = app::marketplace::routing::candidates(&db, "Plomberie", site, at)
                .await
                .unwrap();
            let me = found.iter().find(|c| c.member_id == a.member).expect("a candidate");
            me.document_problems.clone()
        }
    };
    let now = app::infra::time::now();
    assert!(problems(now).await.is_empty(), "in order today");
    // Routing believes the stored span: it reads no document inside it (a
    // span stored past the documents' end is taken as it is).
    let later = now + TimeDelta::days(91);
    artisan_profile::Entity::update(artisan_profile::ActiveModel {
        member_id: Set(a.member),
        routable_until: Set(Some(today + Days::new(200))),
        ..Default::default()
    })
    .exec(&app.state.db)
    .await
    .unwrap();
    assert!(problems(later).await.is_empty(), "the span is trusted");
    app::marketplace::documents::refresh_span(&app.state.db, a.member, today)
        .await
        .unwrap();
    // Past the span, routing reads the documents and says why.
    assert_eq!(
        problems(later).await,
        DocumentKind::REQUIRED
            .into_iter()
            .map(|kind| app::domain::documents::DocumentProblem::Expired {
                kind,
                on: today + Days::new(90)
            })
            .collect::<Vec<_>>()
    );
    // The scheduler recomputes ended spans (none left: no span) and spans
    // never computed (as after the migration).
    server::scheduler::run_due(&app.state, "test", later).await;
    let p = profile().await;
    assert_eq!((p.routable_from, p.routable_until), (None, None));
    assert_eq!(p.routable_checked_on, Some(app::infra::time::paris_day(later)));
    artisan_profile::Entity::update(artisan_profile::ActiveModel {
        member_id: Set(a.member),
        routable_checked_on: Set(None),
        ..Default::default()
    })
    .exec(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        app::marketplace::documents::refresh_stale_spans(&app.state, now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(profile().await.routable_until, Some(today + Days::new(90)));
    assert_eq!(
        app::marketplace::documents::refresh_stale_spans(&app.state, now)
            .await
            .unwrap(),
        0,
        "nothing stale left"
    );
}

#[tokio::test]
async fn the_admin_directory_lists_every_artisan_and_says_who_is_out_of_routing() {
    let app = spawn_app().await;
    let lyon = artisan(&app, "Annuaire Lyon", "69003", "Lyon", false).await;
    artisan(&app, "Annuaire Villeurbanne", "69100", "Villeurbanne", false).await;
    let expired = artisan(&app, "Annuaire Expire", "69007", "Lyon", true).await;
    let admin = app.platform_admin("admin@comptoir.test").await;
    let list = |trade: &str, standing: Standing, search: &str| {
        admin.run(FetchArtisanDirectory {
            trade: trade.into(),
            standing,
            search: search.into(),
            page: None,
        })
    };
    let all = list("", Standing::All, "").await.unwrap();
    assert_eq!(all.total, 3);
    let inside = list("Plomberie", Standing::InOrder, "").await.unwrap();
    assert_eq!(inside.total, 2);
    assert!(
        inside
            .rows
            .iter()
            .all(|r| r.problems.is_empty() && r.in_order_until.is_some())
    );
    let out = list("", Standing::Out, "").await.unwrap();
    assert_eq!(out.rows.len(), 1);
    assert_eq!(out.rows[0].member_id, MemberId(expired.member));
    assert!(
        out.rows[0].problems[0].starts_with("Assurance décennale expirée le"),
        "{:?}",
        out.rows[0].problems
    );
    // Search: name, company, commune, postcode; `%` and `_` are no wildcards.
    assert_eq!(list("", Standing::All, "villeur").await.unwrap().total, 1);
    assert_eq!(
        list("", Standing::All, "69003").await.unwrap().rows[0].member_id,
        MemberId(lyon.member)
    );
    assert_eq!(list("", Standing::All, "annuaire lyon").await.unwrap().total, 1);
    assert_eq!(list("", Standing::All, "annuaire_lyon").await.unwrap().total, 0);
    assert_eq!(list("", Standing::All, "%").await.unwrap().total, 0);
    assert_eq!(list("Électricité", Standing::All, "").await.unwrap().total, 0);
    let e = list("Astrologie", Standing::All, "").await.unwrap_err();
    assert!(e.field_message("trade").is_some());
    // Someone else's: not found, even an artisan's own workspace owner.
    assert_eq!(
        lyon.browser
            .run(FetchArtisanDirectory {
                trade: String::new(),
                standing: Standing::All,
                search: String::new(),
                page: None,
            })
            .await
            .unwrap_err(),
        app::AppError::NotFound
    );
}
