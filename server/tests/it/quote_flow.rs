//! Sending and signing: numbering (gapless, chronological, under concurrent
//! sends), the PDF and its hash, the email with the portal link, the portal
//! (opening, signing, declining), the proof, the lock, the pipeline rules,
//! reminders and expiry.

use crate::support::quotes::{portal_token, ready_quote, signature_png, with_identity};
use crate::support::{TestApp, spawn_app};
use app::infra::entity::{deal, email, file, job, quote, quote_signature};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use sha2::{Digest, Sha256};

async fn email_to(app: &TestApp, to: &str) -> email::Model {
    email::Entity::find()
        .filter(email::Column::ToAddress.eq(to))
        .order_by_desc(email::Column::CreatedAt)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("an email")
}

#[tokio::test]
async fn sending_numbers_renders_emails_and_moves_the_deal() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let card = owner.create_lead("Claire Dubois", "Plomberie", "2 000").await;
    let deal_id = card.id.to_string();
    let id = ready_quote(&owner, Some(&deal_id), "claire@example.fr").await;

    let refused = owner.call("send_quote", &[("id", &id)]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "identity missing: {}",
        refused.body
    );
    assert!(refused.error().field_message("settings.siret").is_some());
    assert!(
        quote::Entity::find()
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .number
            .is_none(),
        "no number taken"
    );

    with_identity(&owner).await;
    assert_eq!(
        owner.call("fetch_quote", &[("id", &id)]).await.ok()["missing"],
        json!([]),
        "complete now"
    );
    let sent = owner.call("send_quote", &[("id", &id)]).await.ok();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(sent["number"], format!("D-{year}-0001"));
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["editable"], false);

    let row = quote::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let pdf = file::Entity::find_by_id(row.pdf_file_id.unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert_eq!(hex::encode(Sha256::digest(&pdf.bytes)), row.pdf_sha256.clone().unwrap());

    let mail = email_to(&app, "claire@example.fr").await;
    assert_eq!(mail.attachment_file_id, row.pdf_file_id, "the PDF is attached");
    assert!(mail.subject.contains(&format!("D-{year}-0001")));
    assert!(mail.body_text.contains("/portal/"), "portal link: {}", mail.body_text);

    let d = deal::Entity::find_by_id(deal_id.parse::<uuid::Uuid>().unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(d.quote_sent_at.is_some(), "quote sent recorded on the deal");
    let board = owner.board().await;
    let devis = board.columns.iter().find(|c| c.stage.name == "Devis").unwrap();
    assert_eq!(devis.cards[0].id, card.id, "the deal moved to Devis");

    let again = owner.call("send_quote", &[("id", &id)]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let edit = owner
        .call_json("save_quote", &json!({"id": id, "draft": sent["draft"]}))
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "a sent quote is locked");

    let download = owner.get(&format!("/app/quotes/{id}/pdf")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.headers["content-type"], "application/pdf");
    let outsider = app.owner("autre@ailleurs.test", "Ailleurs", "artisan").await;
    assert_eq!(
        outsider.get(&format!("/app/quotes/{id}/pdf")).await.status,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn concurrent_sends_get_gapless_chronological_numbers() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(ready_quote(&owner, None, &format!("client{i}@example.fr")).await);
    }
    let sends = ids.iter().map(|id| {
        let owner = owner.clone();
        let id = id.clone();
        async move { owner.call("send_quote", &[("id", &id)]).await }
    });
    for reply in futures::future::join_all(sends).await {
        reply.ok();
    }
    let rows = quote::Entity::find()
        .order_by_asc(quote::Column::SentAt)
        .all(&app.state.db)
        .await
        .unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    let numbers: Vec<String> = rows.iter().map(|q| q.number.clone().unwrap()).collect();
    let expected: Vec<String> = (1..=8).map(|n| format!("D-{year}-{n:04}")).collect();
    assert_eq!(numbers, expected, "gapless, and in the order of sending");
    app.stop().await;
}

#[tokio::test]
async fn the_client_signs_in_the_portal_and_the_deal_is_won() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let card = owner.create_lead("Claire Dubois", "Plomberie", "2 000").await;
    let deal_id: uuid::Uuid = card.id.0;
    // The same lead sent to a second member: signing loses that deal.
    let first = deal::Entity::find_by_id(deal_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let sibling = deal::Model {
        id: uuid::Uuid::now_v7(),
        position: 1.0,
        ..first.clone()
    };
    app::pipeline::leads::insert_deal(&app.state.db, &sibling)
        .await
        .unwrap();

    let id = ready_quote(&owner, Some(&deal_id.to_string()), "claire@example.fr").await;
    owner.call("send_quote", &[("id", &id)]).await.ok();
    let token = portal_token(&email_to(&app, "claire@example.fr").await.body_text);
    let client = app.browser();

    assert_eq!(
        client
            .call("fetch_portal_quote", &[("token", "x".repeat(43).as_str())])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let seen = client.call("fetch_portal_quote", &[("token", &token)]).await.ok();
    assert_eq!(seen["status"], "viewed");
    assert_eq!(seen["can_sign"], true);
    // 1 890 € at 5,5 % (103,95) + 157,50 € and 35 € at 10 % (19,25).
    assert_eq!(seen["totals"]["total_ttc"], 189_000 + 15_750 + 3_500 + 10_395 + 1_925);
    let pdf = client.get(&format!("/portal/{token}/pdf")).await;
    assert_eq!(pdf.headers["content-type"], "application/pdf");

    let unticked = client
        .call(
            "sign_quote",
            &[
                ("token", &token),
                ("signer_name", "Claire Dubois"),
                ("signer_email", "claire@example.fr"),
                ("signature_png", ""),
            ],
        )
        .await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = unticked.error();
    assert!(
        e.field_message("accepted").is_some() && e.field_message("signature").is_some(),
        "{e:?}"
    );

    let png = signature_png();
    let signed = client
        .call(
            "sign_quote",
            &[
                ("token", &token),
                ("signer_name", "Claire Dubois"),
                ("signer_email", "claire@example.fr"),
                ("accepted", "true"),
                ("signature_png", &png),
            ],
        )
        .await
        .ok();
    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["can_sign"], false);

    let row = quote::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let proof = quote_signature::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        proof.pdf_sha256,
        row.pdf_sha256.clone().unwrap(),
        "hash of the PDF the client was shown"
    );
    assert_eq!(proof.signer_email, "claire@example.fr");
    assert!(proof.ip.starts_with("127.0.0.1"));
    assert!(proof.mention.contains("bon pour accord"));
    let signed_pdf = file::Entity::find_by_id(row.signed_pdf_file_id.unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        signed_pdf.bytes.starts_with(b"%PDF-")
            && signed_pdf.bytes
                != file::Entity::find_by_id(row.pdf_file_id.unwrap())
                    .one(&app.state.db)
                    .await
                    .unwrap()
                    .unwrap()
                    .bytes
    );

    let verification = owner.call("verify_quote_signature", &[("id", &id)]).await.ok();
    assert_eq!(verification["matches"], true);

    let won = deal::Entity::find_by_id(deal_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let lost = deal::Entity::find_by_id(sibling.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(won.closed_at.is_some() && won.lost_reason.is_none());
    assert_eq!(
        won.value_cents,
        189_000 + 15_750 + 3_500,
        "won at the signed quote's total HT"
    );
    assert_eq!(lost.lost_reason.as_deref(), Some("Attribué à un autre artisan"));
    assert_eq!(
        job::Entity::find().all(&app.state.db).await.unwrap().len(),
        1,
        "a job opened"
    );
    let copy = email_to(&app, "claire@example.fr").await;
    assert_eq!(
        copy.attachment_file_id, row.signed_pdf_file_id,
        "the client gets the signed copy"
    );
    assert!(email_to(&app, "julien@martin.test").await.subject.contains("a signé"));

    let twice = client
        .call(
            "sign_quote",
            &[
                ("token", &token),
                ("signer_name", "Claire Dubois"),
                ("signer_email", "claire@example.fr"),
                ("accepted", "true"),
                ("signature_png", &png),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // A change after signing is a new version, unsigned, with the same content.
    let v2 = owner.call("new_quote_version", &[("id", &id)]).await.ok();
    let v2 = owner.call("fetch_quote", &[("id", v2.as_str().unwrap())]).await.ok();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["status"], "draft");
    assert!(v2["number"].is_null());
    assert_eq!(v2["draft"]["lines"], seen["lines"]);
    assert_eq!(
        owner.call("fetch_quote", &[("id", &id)]).await.ok()["status"],
        "signed",
        "the signed version is untouched"
    );
    app.stop().await;
}

#[tokio::test]
async fn declining_reminders_and_expiry() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let a = ready_quote(&owner, None, "a@example.fr").await;
    let b = ready_quote(&owner, None, "b@example.fr").await;
    owner.call("send_quote", &[("id", &a)]).await.ok();
    owner.call("send_quote", &[("id", &b)]).await.ok();

    let token = portal_token(&email_to(&app, "a@example.fr").await.body_text);
    let client = app.browser();
    let short = client
        .call("decline_quote", &[("token", &token), ("reason", "x")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let declined = client
        .call(
            "decline_quote",
            &[("token", &token), ("reason", "Trop cher pour nous.")],
        )
        .await
        .ok();
    assert_eq!(declined["status"], "declined");
    assert!(email_to(&app, "julien@martin.test").await.subject.contains("a refusé"));

    // Reminders and expiry run as jobs; run them now.
    let a_id: uuid::Uuid = a.parse().unwrap();
    let b_id: uuid::Uuid = b.parse().unwrap();
    app::quote::scheduled::remind(&app.state, a_id).await.unwrap();
    app::quote::scheduled::remind(&app.state, b_id).await.unwrap();
    let reminded = quote::Entity::find_by_id(b_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reminded.reminders_sent, 1);
    assert_eq!(
        quote::Entity::find_by_id(a_id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .reminders_sent,
        0,
        "no reminder once declined"
    );
    assert!(email_to(&app, "b@example.fr").await.subject.starts_with("Rappel"));

    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let mut past = reminded.into_active_model();
    past.valid_until = Set(Some(chrono::NaiveDate::from_ymd_opt(2020, 1, 31).unwrap()));
    past.update(&app.state.db).await.unwrap();
    app::quote::scheduled::expire(&app.state, b_id).await.unwrap();
    assert_eq!(
        quote::Entity::find_by_id(b_id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .status,
        app::quote::QuoteStatus::Expired
    );
    app.stop().await;
}
