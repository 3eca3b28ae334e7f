//! Quotes: drafts with live totals, the legal check, business settings, the
//! catalogue, the list, roles.

use crate::support::{Browser, spawn_app};
use app::domain::quote_totals::{self, Deposit, Discount, Entry, PricedLine};
use app::domain::vat::VatRate;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn line(description: &str, quantity: i64, unit: &str, price: i64, vat: &str, discount: Value) -> Value {
    json!({
        "section": false, "description": description, "quantity": quantity, "unit": unit,
        "unit_price": price, "vat": vat, "discount": discount,
    })
}

fn section(title: &str) -> Value {
    json!({
        "section": true, "description": title, "quantity": 0, "unit": "piece",
        "unit_price": 0, "vat": "standard", "discount": {"kind": "none"},
    })
}

/// A bathroom renovation at three VAT rates, with a labour line and a travel line.
fn bathroom(quote: &Value) -> Value {
    let mut draft = quote["draft"].clone();
    draft["title"] = json!("Rénovation salle de bains");
    draft["client"]["email"] = json!("claire.dubois@example.fr");
    draft["client"]["address"] = json!("3 place Bellecour");
    draft["client"]["postcode"] = json!("69002");
    draft["site_address"] = json!("3 place Bellecour");
    draft["site_postcode"] = json!("69002");
    draft["site_city"] = json!("Lyon");
    draft["deposit"] = json!({"kind": "percent", "value": 3000});
    draft["lines"] = json!([
        section("Plomberie"),
        line(
            "Chauffe-eau thermodynamique 200 L",
            1000,
            "piece",
            189_000,
            "reduced",
            json!({"kind": "none"})
        ),
        line(
            "Main-d'œuvre plombier",
            3500,
            "hour",
            4_500,
            "intermediate",
            json!({"kind": "none"})
        ),
        section("Finitions"),
        line(
            "Faïence murale",
            12_250,
            "square_metre",
            3_999,
            "standard",
            json!({"kind": "percent", "value": 1000})
        ),
        line("Déplacement", 1000, "flat", 0, "intermediate", json!({"kind": "none"})),
    ]);
    draft
}

async fn new_quote(owner: &Browser, deal: Option<&str>) -> Value {
    let args: Vec<(&str, &str)> = deal.map(|d| vec![("deal_id", d)]).unwrap_or_default();
    let id = owner.call("create_quote", &args).await.ok();
    owner.call("fetch_quote", &[("id", id.as_str().unwrap())]).await.ok()
}

fn legal_identity() -> Value {
    json!({
        "identity": {
            "legal_name": "Plomberie Martin SARL", "legal_form": "SARL", "siret": "732 829 320 00074",
            "registry": "RCS Lyon 732 829 320", "vat_number": "FR44 732829320",
            "address": "12 rue des Lilas", "postcode": "69003", "city": "Lyon", "building_work": true,
            "insurer": "MAAF Pro", "insurance_policy": "DEC-123456", "insurance_cover": "France métropolitaine",
        },
        "phone": "04 78 00 00 00", "email": "contact@martin.test", "accent_color": "#1D4ED8",
        "template": "classic", "header_text": "", "footer_text": "Merci de votre confiance, {client_name}.",
        "conditions_text": "Travaux réalisés selon les règles de l'art.", "payment_terms": "30 % à la signature.",
        "validity_days": 45, "reminders_enabled": true, "reminder_days": "7, 2", "allow_decline": true,
    })
}

#[tokio::test]
async fn a_draft_from_a_deal_is_saved_with_the_totals_of_the_shared_function() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let card = owner.create_lead("Mme Claire Dubois", "Plomberie", "2 500").await;
    let quote = new_quote(&owner, Some(&card.id.to_string())).await;
    assert_eq!(quote["status"], "draft");
    assert!(quote["number"].is_null(), "drafts have no number");
    assert_eq!(
        quote["draft"]["client"]["name"], "Mme Claire Dubois",
        "client from the lead"
    );
    assert_eq!(quote["draft"]["client"]["city"], "Lyon");
    assert_eq!(quote["draft"]["deal_id"], card.id.to_string());
    assert_eq!(quote["draft"]["template"], "modern");
    assert!(
        !quote["draft"]["valid_until"].as_str().unwrap().is_empty(),
        "validity from the settings"
    );

    let id = quote["id"].as_str().unwrap();
    let saved = owner
        .call_json("save_quote", &json!({"id": id, "draft": bathroom(&quote)}))
        .await
        .ok();
    let expected = quote_totals::compute(
        &[
            Entry::Section,
            Entry::Line(PricedLine {
                quantity: 1000,
                unit_price: 189_000,
                vat: VatRate::Reduced,
                discount: Discount::None,
            }),
            Entry::Line(PricedLine {
                quantity: 3500,
                unit_price: 4_500,
                vat: VatRate::Intermediate,
                discount: Discount::None,
            }),
            Entry::Section,
            Entry::Line(PricedLine {
                quantity: 12_250,
                unit_price: 3_999,
                vat: VatRate::Standard,
                discount: Discount::Percent(1000),
            }),
            Entry::Line(PricedLine {
                quantity: 1000,
                unit_price: 0,
                vat: VatRate::Intermediate,
                discount: Discount::None,
            }),
        ],
        Deposit::Percent(3000),
    );
    assert_eq!(saved["totals"]["total_ttc"], expected.total_ttc);
    assert_eq!(saved["totals"]["total_ht"], 189_000 + 15_750 + 44_089);
    assert_eq!(saved["totals"]["vat"].as_array().unwrap().len(), 3, "three rates");
    assert_eq!(saved["draft"]["client"]["email"], "claire.dubois@example.fr");
    assert_eq!(saved["draft"]["lines"].as_array().unwrap().len(), 6);

    // The business identity is still empty: the legal check says what is missing.
    let missing: Vec<&str> = saved["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    assert!(
        missing.contains(&"settings.siret") && missing.contains(&"settings.insurer"),
        "{missing:?}"
    );
    assert!(
        !missing.contains(&"site_address") && !missing.contains(&"lines"),
        "{missing:?}"
    );

    owner
        .call_json("save_business_settings", &json!({"settings": legal_identity()}))
        .await
        .ok();
    let again = owner.call("fetch_quote", &[("id", id)]).await.ok();
    assert_eq!(again["missing"], json!([]), "complete once the identity is set");

    let list = owner.call("list_quotes", &[]).await.ok();
    assert_eq!(list["count"], 1);
    assert_eq!(list["total_ttc"], expected.total_ttc);
    assert_eq!(list["rows"][0]["client"], "Mme Claire Dubois");
    let found = owner.call("list_quotes", &[("q", "SALLE de")]).await.ok();
    assert_eq!(found["count"], 1, "case-insensitive search on the title");
    let none = owner.call("list_quotes", &[("q", "toiture")]).await.ok();
    assert_eq!(none["count"], 0);
    let drafts = owner.call("list_quotes", &[("status", "sent")]).await.ok();
    assert_eq!(drafts["count"], 0);
    assert_eq!(drafts["per_status"], json!([["draft", 1]]));
    let of_deal = owner
        .call("deal_quotes", &[("deal_id", &card.id.to_string())])
        .await
        .ok();
    assert_eq!(of_deal.as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn malformed_drafts_are_refused_field_by_field_and_nothing_is_lost() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let quote = new_quote(&owner, None).await;
    let id = quote["id"].as_str().unwrap();
    let good = bathroom(&quote);
    owner
        .call_json("save_quote", &json!({"id": id, "draft": good}))
        .await
        .ok();

    let mut bad = good.clone();
    bad["client"]["email"] = json!("claire@");
    bad["lines"][1]["unit_price"] = json!(-5);
    bad["lines"][4]["discount"] = json!({"kind": "percent", "value": 15_000});
    bad["template"] = json!("baroque");
    let reply = owner.call_json("save_quote", &json!({"id": id, "draft": bad})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = reply.error();
    for field in ["client.email", "lines.1.unit_price", "lines.4.discount", "template"] {
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    let kept = owner.call("fetch_quote", &[("id", id)]).await.ok();
    assert_eq!(kept["draft"], good, "the last good save is kept");

    let mut bad_settings = legal_identity();
    bad_settings["identity"]["siret"] = json!("123");
    bad_settings["accent_color"] = json!("bleu");
    bad_settings["validity_days"] = json!(0);
    bad_settings["reminder_days"] = json!("2, 90");
    let settings = owner
        .call_json("save_business_settings", &json!({"settings": bad_settings}))
        .await;
    assert_eq!(settings.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", settings.body);
    let error = settings.error();
    for field in ["siret", "accent_color", "validity_days", "reminder_days"] {
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    let garbled = owner
        .call_json("save_business_settings", &json!({"settings": {"identity": {}}}))
        .await;
    assert_eq!(
        garbled.status,
        StatusCode::CONFLICT,
        "a malformed body is the client's error: {}",
        garbled.body
    );
    app.stop().await;
}

#[tokio::test]
async fn settings_and_catalogue_belong_to_admins_and_quotes_to_those_who_work_deals() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let saved = owner
        .call_json("save_business_settings", &json!({"settings": legal_identity()}))
        .await
        .ok();
    assert_eq!(saved["identity"]["siret"], "73282932000074", "digits only");
    assert_eq!(saved["identity"]["vat_number"], "FR44732829320");
    assert_eq!(saved["reminder_days"], "2,7", "sorted");
    assert_eq!(saved["accent_color"], "#1d4ed8");

    let item = json!({"id": crate::support::random_id(), "description": "Main-d'œuvre plombier", "unit": "hour", "unit_price": 4500, "vat": "intermediate"});
    let item_id = owner
        .call_json("save_catalogue_item", &json!({"item": item, "is_new": true}))
        .await
        .ok();
    let listed = owner.call("list_catalogue", &[]).await.ok();
    assert_eq!(listed[0]["id"], item_id);
    assert_eq!(listed[0]["unit_price"], 4500);

    let member = app
        .invite_and_join(&owner, "karim@martin.test", "member", "Karim Haddad")
        .await;
    let accountant = app
        .invite_and_join(&owner, "compta@martin.test", "accounting", "Léa Compta")
        .await;
    let reply = member
        .call_json("save_business_settings", &json!({"settings": legal_identity()}))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = member
        .call("archive_catalogue_item", &[("id", item_id.as_str().unwrap())])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        member.call("list_catalogue", &[]).await.ok().as_array().unwrap().len(),
        1
    );
    let by_member = new_quote(&member, None).await;
    assert_eq!(by_member["editable"], true);
    assert_eq!(accountant.call("create_quote", &[]).await.status, StatusCode::FORBIDDEN);
    let read = accountant
        .call("fetch_quote", &[("id", by_member["id"].as_str().unwrap())])
        .await
        .ok();
    assert_eq!(read["editable"], false, "accounting reads quotes");

    let png = format!(
        "data:image/png;base64,{}",
        include_str!("fixtures/signature.b64").trim()
    );
    let with_logo = owner.call_json("upload_logo", &json!({"image": png})).await.ok();
    assert_eq!(with_logo["has_logo"], true);
    let not_an_image = owner
        .call_json("upload_logo", &json!({"image": "data:image/png;base64,aGVsbG8="}))
        .await;
    assert_eq!(not_an_image.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_an_image.error().field_message("logo").is_some());
    assert_eq!(
        member.call_json("upload_logo", &json!({"image": ""})).await.status,
        StatusCode::FORBIDDEN
    );
    let removed = owner.call_json("upload_logo", &json!({"image": ""})).await.ok();
    assert_eq!(removed["has_logo"], false);

    owner
        .call("archive_catalogue_item", &[("id", item_id.as_str().unwrap())])
        .await
        .ok();
    assert_eq!(owner.call("list_catalogue", &[]).await.ok(), json!([]));
    app.stop().await;
}

#[tokio::test]
async fn the_duplicate_warning_finds_contacts_by_email_or_phone() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let none = owner
        .call("matching_contacts", &[("email", "claire@example.fr"), ("phone", "")])
        .await
        .ok();
    assert_eq!(none, json!([]));
    use app::infra::entity::{contact, workspace};
    use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let ws = workspace::Entity::find()
        .filter(workspace::Column::Name.eq("Plomberie Martin"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let now = chrono::Utc::now();
    contact::Entity::insert(contact::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        workspace_id: Set(ws),
        name: Set("Claire Dubois".into()),
        company: Set(None),
        email: Set(Some("claire@example.fr".into())),
        phone: Set(Some("06 12 34 56 78".into())),
        address: Set(None),
        postcode: Set(None),
        city: Set(Some("Lyon".into())),
        lead_id: Set(None),
        portal_invited_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&app.state.db)
    .await
    .unwrap();
    let by_email = owner
        .call("matching_contacts", &[("email", "Claire@Example.fr")])
        .await
        .ok();
    assert_eq!(by_email[0]["name"], "Claire Dubois");
    let by_phone = owner
        .call("matching_contacts", &[("phone", "+33 6 12 34 56 78")])
        .await
        .ok();
    assert_eq!(by_phone[0]["name"], "Claire Dubois");
    app.stop().await;
}
